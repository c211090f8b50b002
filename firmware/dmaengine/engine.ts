// The engine: the channels of one provider, the one poll timer and the one completion task.
// Completion on Espruino is detected by polling the controller's flags; the timer runs only
// while a transfer is moving (an idle engine has no timer, so the board can sleep).
// Internal names start with "_" (shortened by the build, see channel.ts).
import type { Platform } from "../platform/platform";
import type { Provider, ChannelRequest, ProviderChan } from "./provider";
import { MEM2MEM, MEM2DEV, DEV2MEM } from "./provider";
import { Channel, hwEvent, deliver, pollWanted, describe, holds } from "./channel";
import type { ChannelHost } from "./channel";
import { fail, inval } from "./errors";
import { isWholePositive } from "./validate";

/** Longest poll period: a slow, timer-paced transfer is still noticed within this. */
var POLL_MAX_MS = 100;

/** The engine is its channels' host (ChannelHost, channel.ts), plus the poll timer's state. */
export interface Engine extends ChannelHost {
  _poll: any;
  _pollDue: number;
  _busy: boolean;

  requestChannel(req: ChannelRequest): Channel;
  alloc(n: number): Uint8Array;
  dump(): string;
}

export function Engine(this: Engine, platform: Platform, provider: Provider) {
  this._f = platform;
  this._p = provider;
  this._chans = [];
  this._inCb = 0;
  this._poll = this._doneTimer = null;
  this._busy = false;
}

// The methods in one prototype literal (see channel.ts).
Engine.prototype = {

  /** A channel for a request: { request: "mem2mem" } or a named request line ("TIM2_UP"),
   * optionally dir, or a pinned dma/stream. Throws ENODEV/EBUSY from the provider. */
  requestChannel: function (this: Engine, req: ChannelRequest): Channel {
    if (!req || typeof req !== "object") inval("requestChannel({request:\"mem2mem\"})");
    // No request, or "mem2mem": a memory-to-memory channel; a request line alone: a slave
    // channel for either direction ("").
    // (No RegExp here: Espruino's own regular expression engine is minimal.)
    var r = String(req.request || "").toLowerCase(), dir = req.dir || (!r || r === MEM2MEM ? MEM2MEM : "");
    if (dir && dir !== MEM2MEM && dir !== MEM2DEV && dir !== DEV2MEM || (r === MEM2MEM) !== (dir === MEM2MEM) && r) inval("dir " + dir + ": mem2mem, mem2dev or dev2mem; mem2mem only with request mem2mem");
    var ch: Channel = new (Channel as any)(this, this._p.allocChan(req), dir);
    this._chans.push(ch);
    return ch;
  },

  /** A flat Uint8Array of n bytes in RAM the controller can reach. */
  alloc: function (this: Engine, n: number): Uint8Array {
    if (!isWholePositive(n)) inval("alloc(n): n > 0 whole bytes");
    var b: Uint8Array | undefined, addr: number | undefined;
    try {
      b = new Uint8Array(n);
      addr = this._f.addressOf(b);
    } catch (e) {}
    // No memory, not flat, or outside DMA-reachable RAM (CCM on the F407).
    if (!addr || !this._p.reachable(addr, n)) fail("ENOMEM", "no flat DMA-reachable " + n + " bytes: allocate DMA buffers first");
    return b as Uint8Array;
  },

  /** The core's lists per channel, then the provider's decoded registers. */
  dump: function (this: Engine): string {
    var s = "";
    this._chans.forEach(function (ch) { s += describe(ch) + "\n"; });
    return s + this._p.dump();
  },

  // ------------------------------------------------------------------ for the channels

  /** After any change: run the poll timer iff something moves, at the period it needs, and
   * tell the platform whether DMA owns memory now. */
  _kick: function (this: Engine): void {
    var e = this, want = -1, busy = false, f = e._f;
    e._chans.forEach(function (ch) {
      var w = pollWanted(ch);
      if (holds(ch)) busy = true;
      if (w >= 0 && (want < 0 || w < want)) want = w;
    });
    if (busy !== e._busy && f.inFlight) f.inFlight(busy);
    e._busy = busy;
    var ms = want < 1 ? 1 : want > POLL_MAX_MS ? POLL_MAX_MS : want | 0, due = f.now() + ms;
    // Keep a pending poll that comes soon enough; otherwise (re)arm, or stop when idle.
    if (want >= 0 && e._poll !== null && e._pollDue <= due) return;
    if (e._poll !== null) f.clearTimeout(e._poll);
    e._poll = null;
    if (want < 0) return;
    e._pollDue = due;
    e._poll = f.setTimeout(function () { onPoll(e); }, ms);
  },

  /** Queue the completion task (one for the engine, setTimeout 0). */
  _schedule: function (this: Engine): void {
    var e = this;
    if (e._doneTimer === null) e._doneTimer = e._f.setTimeout(function () { runCompletions(e); }, 0);
  },
};

// ------------------------------------------------------------------ timers

/** One provider poll for all moving channels; events only queue work. Each event goes to the
 * channel whose provider channel it names. */
function onPoll(e: Engine): void {
  var pcs: ProviderChan[] = [], chans = e._chans;
  e._poll = null;
  chans.forEach(function (ch) {
    if (ch._act && !ch._paused) pcs.push(ch._pc);
  });
  try {
    (pcs.length ? e._p.poll(pcs) : []).forEach(function (ev) {
      chans.forEach(function (ch) {
        if (ch._pc === ev.chan) hwEvent(ch, ev);
      });
    });
  } catch (err) {
    // Runs from a timer: nobody above us could catch it. Report, keep the engine going.
    e._f.report(err);
  }
  e._kick();
}

function runCompletions(e: Engine): void {
  e._doneTimer = null;
  // A copy: a callback may release its channel.
  e._chans.slice().forEach(deliver);
  // Callbacks may have issued, terminated or resumed: re-evaluate the poll timer once.
  e._kick();
}

/** A new engine over a platform and a provider. */
export function createEngine(platform: Platform, provider: Provider): Engine {
  return new (Engine as any)(platform, provider);
}
