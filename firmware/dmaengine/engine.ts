// The engine: the channels of one provider, the one poll timer and the one completion task.
// Completion on Espruino is detected by polling the controller's flags; the timer runs only
// while a transfer is moving (an idle engine has no timer, so the board can sleep).
import type { Platform } from "../platform/platform";
import type { Provider, ChannelRequest, ProviderChan } from "./provider";
import { Channel } from "./channel";
import { dmaError, codes } from "./errors";
import { isWholePositive } from "./validate";

/** Longest poll period: a slow, timer-paced transfer is still noticed within this. */
var POLL_MAX_MS = 100;

function channelDir(req: ChannelRequest): string {
  if (req.dir) return req.dir;
  var r = req.request ? String(req.request).toLowerCase() : "";
  return r === "mem2mem" || r === "" ? "mem2mem" : "";
}

export class Engine {
  platform: Platform;
  provider: Provider;
  channels: Channel[];
  private pollTimer: any;
  private pollDue: number;
  private doneTimer: any;
  private busy: boolean;
  private warned: any;

  constructor(platform: Platform, provider: Provider) {
    this.platform = platform;
    this.provider = provider;
    this.channels = [];
    this.pollTimer = null;
    this.pollDue = 0;
    this.doneTimer = null;
    this.busy = false;
    this.warned = {};
  }

  /** A channel for a request: { request: "mem2mem" } or a named request line ("TIM2_UP"),
   * optionally dir, or a pinned dma/stream. Throws ENODEV/EBUSY from the provider. */
  requestChannel(req: ChannelRequest): Channel {
    if (!req || typeof req !== "object") throw dmaError(codes.EINVAL, "requestChannel takes an object such as { request: \"mem2mem\" }");
    var dir = channelDir(req);
    if (dir !== "" && dir !== "mem2mem" && dir !== "mem2dev" && dir !== "dev2mem") {
      throw dmaError(codes.EINVAL, "dir must be \"mem2mem\", \"mem2dev\" or \"dev2mem\", got " + dir);
    }
    var ch = new Channel(this, this.provider.allocChan(req), dir);
    this.channels.push(ch);
    return ch;
  }

  /** A flat Uint8Array of n bytes in RAM the controller can reach. */
  alloc(n: number): Uint8Array {
    if (!isWholePositive(n)) throw dmaError(codes.EINVAL, "alloc(n) needs a whole number of bytes > 0, got " + n);
    var b: Uint8Array;
    try {
      b = new Uint8Array(n);
    } catch (e) {
      throw dmaError(codes.ENOMEM, "no memory for " + n + " bytes: free other buffers or allocate smaller ones");
    }
    var addr = this.platform.addressOf(b);
    if (!addr) throw dmaError(codes.ENOMEM, "no flat block of " + n + " bytes: call E.defrag() with no transfer in flight, or allocate buffers early");
    if (!this.provider.reachable(addr, n)) {
      throw dmaError(codes.ENOMEM, "the buffer landed at 0x" + addr.toString(16) + ", outside DMA-reachable RAM: allocate DMA buffers first, before other large objects");
    }
    return b;
  }

  /** The core's lists per channel, then the provider's decoded registers. */
  dump(): string {
    var s = "";
    for (var i = 0; i < this.channels.length; i++) s += this.channels[i].describe() + "\n";
    return s + this.provider.dump();
  }

  // ------------------------------------------------------------------ for the channels

  /** After any change: run the poll timer iff something moves, at the period it needs, and
   * tell the platform whether DMA owns memory now. */
  kick(): void {
    var want = -1, busy = false;
    for (var i = 0; i < this.channels.length; i++) {
      var ch = this.channels[i];
      if (ch.active || ch.terminated.length) busy = true;
      var w = ch.pollWanted();
      if (w >= 0 && (want < 0 || w < want)) want = w;
    }
    if (busy !== this.busy) {
      this.busy = busy;
      if (this.platform.inFlight) this.platform.inFlight(busy);
    }
    if (want < 0) {
      this.stopPoll();
      return;
    }
    var ms = want < 1 ? 1 : want > POLL_MAX_MS ? POLL_MAX_MS : Math.floor(want);
    var due = this.platform.now() + ms;
    if (this.pollTimer !== null && this.pollDue <= due) return;
    this.stopPoll();
    var self = this;
    this.pollDue = due;
    this.pollTimer = this.platform.setTimeout(function () { self.onPoll(); }, ms);
  }

  /** Queue the completion task (one for the engine, setTimeout 0). */
  scheduleCompletion(): void {
    if (this.doneTimer !== null) return;
    var self = this;
    this.doneTimer = this.platform.setTimeout(function () { self.runCompletions(); }, 0);
  }

  afterSync(): void {
    if (this.doneTimer === null) return;
    for (var i = 0; i < this.channels.length; i++) if (this.channels[i].completed.length) return;
    this.platform.clearTimeout(this.doneTimer);
    this.doneTimer = null;
  }

  warnDeprecated(what: string, instead: string): void {
    if (this.warned[what]) return;
    this.warned[what] = true;
    this.platform.warn("espdma: " + what + " is deprecated: use " + instead);
  }

  forget(ch: Channel): void {
    for (var i = 0; i < this.channels.length; i++) if (this.channels[i] === ch) this.channels.splice(i, 1);
    this.kick();
  }

  // ------------------------------------------------------------------ timers

  private stopPoll(): void {
    if (this.pollTimer === null) return;
    this.platform.clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private onPoll(): void {
    this.pollTimer = null;
    try {
      this.poll();
    } catch (e) {
      // Runs from a timer: nobody above us could catch it. Report, keep the engine going.
      this.platform.report(e);
    }
    this.kick();
  }

  /** One provider poll for all moving channels; events only queue work. */
  private poll(): void {
    var pcs: ProviderChan[] = [], owners: Channel[] = [];
    for (var i = 0; i < this.channels.length; i++) {
      var ch = this.channels[i];
      if (ch.active && !ch.paused) {
        pcs.push(ch.pc);
        owners.push(ch);
      }
    }
    if (!pcs.length) return;
    var evs = this.provider.poll(pcs);
    for (var j = 0; j < evs.length; j++) {
      for (var k = 0; k < pcs.length; k++) if (pcs[k] === evs[j].chan) owners[k].hwEvent(evs[j]);
    }
  }

  private runCompletions(): void {
    this.doneTimer = null;
    var list = this.channels.slice();
    for (var i = 0; i < list.length; i++) list[i].deliver();
    // Callbacks may have issued, terminated or resumed: re-evaluate the poll timer once.
    this.kick();
  }
}

/** A new engine over a platform and a provider. */
export function createEngine(platform: Platform, provider: Provider): Engine {
  return new Engine(platform, provider);
}
