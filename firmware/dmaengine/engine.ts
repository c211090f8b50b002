// The engine: the channels of one provider, the one poll timer and the one completion task.
// Completion on Espruino is detected by polling the controller's flags; the timer runs only
// while a transfer is moving (an idle engine has no timer, so the board can sleep).
// Internal names start with "_" (shortened by the build, see channel.ts).
import type { Platform } from "../platform/platform";
import type { Provider, ChannelRequest, ProviderChan } from "./provider";
import { Channel, hwEvent, deliver, pollWanted, describe, pending, aborted } from "./channel";
import { dmaError, inval } from "./errors";
import { isWholePositive } from "./validate";

/** Longest poll period: a slow, timer-paced transfer is still noticed within this. */
var POLL_MAX_MS = 100;

export interface Engine {
  _f: Platform;
  _p: Provider;
  _chans: Channel[];
  _poll: any;
  _pollDue: number;
  _doneTimer: any;
  _busy: boolean;
  _warned: boolean;

  requestChannel(req: ChannelRequest): Channel;
  alloc(n: number): Uint8Array;
  dump(): string;
  _kick(): void;
  _schedule(): void;
  _afterSync(): void;
  _warn(what: string): void;
  _forget(ch: Channel): void;
}

export function Engine(this: Engine, platform: Platform, provider: Provider) {
  this._f = platform;
  this._p = provider;
  this._chans = [];
  this._poll = null;
  this._pollDue = 0;
  this._doneTimer = null;
  this._busy = false;
  this._warned = false;
}

// The methods in one prototype literal (see channel.ts).
Engine.prototype = {

  /** A channel for a request: { request: "mem2mem" } or a named request line ("TIM2_UP"),
   * optionally dir, or a pinned dma/stream. Throws ENODEV/EBUSY from the provider. */
  requestChannel: function (this: Engine, req: ChannelRequest): Channel {
    if (!req || typeof req !== "object") throw inval("requestChannel({request:\"mem2mem\"})");
    // No request, or "mem2mem": a memory-to-memory channel; a request line alone: a slave
    // channel for either direction ("").
    // (No RegExp here: Espruino's own regular expression engine is minimal.)
    var r = String(req.request || "").toLowerCase(), dir = req.dir || (!r || r === "mem2mem" ? "mem2mem" : "");
    if (dir && dir !== "mem2mem" && dir !== "mem2dev" && dir !== "dev2mem") throw inval("dir " + dir + ": use mem2mem, mem2dev or dev2mem");
    var ch: Channel = new (Channel as any)(this, this._p.allocChan(req), dir);
    this._chans.push(ch);
    return ch;
  },

  /** A flat Uint8Array of n bytes in RAM the controller can reach. */
  alloc: function (this: Engine, n: number): Uint8Array {
    if (!isWholePositive(n)) throw inval("alloc(n): n > 0 whole bytes");
    var b: Uint8Array | null = null, addr = 0;
    try {
      b = new Uint8Array(n);
      addr = this._f.addressOf(b);
    } catch (e) {}
    // No memory, not flat, or outside DMA-reachable RAM (CCM on the F407).
    if (!addr || !this._p.reachable(addr, n)) throw dmaError("ENOMEM", "no flat DMA-reachable " + n + " bytes: allocate DMA buffers first");
    return b as Uint8Array;
  },

  /** The core's lists per channel, then the provider's decoded registers. */
  dump: function (this: Engine): string {
    var s = "";
    for (var i = 0; i < this._chans.length; i++) s += describe(this._chans[i]) + "\n";
    return s + this._p.dump();
  },

  // ------------------------------------------------------------------ for the channels

  /** After any change: run the poll timer iff something moves, at the period it needs, and
   * tell the platform whether DMA owns memory now. */
  _kick: function (this: Engine): void {
    var e = this, want = -1, busy = false, f = e._f;
    for (var i = 0; i < e._chans.length; i++) {
      var ch = e._chans[i], w = pollWanted(ch);
      if (ch._act || aborted(ch)) busy = true;
      if (w >= 0 && (want < 0 || w < want)) want = w;
    }
    if (busy !== e._busy && f.inFlight) f.inFlight(busy);
    e._busy = busy;
    var ms = want < 1 ? 1 : want > POLL_MAX_MS ? POLL_MAX_MS : Math.floor(want), due = f.now() + ms;
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
    var self = this;
    if (this._doneTimer === null) this._doneTimer = this._f.setTimeout(function () { runCompletions(self); }, 0);
  },

  _afterSync: function (this: Engine): void {
    if (this._doneTimer === null) return;
    for (var i = 0; i < this._chans.length; i++) if (pending(this._chans[i])) return;
    this._f.clearTimeout(this._doneTimer);
    this._doneTimer = null;
  },

  /** terminateAll() is deprecated: say so once per engine. */
  _warn: function (this: Engine, what: string): void {
    if (!this._warned) this._f.warn("espdma: " + what + "() is deprecated: use terminateAsync() + synchronize()");
    this._warned = true;
  },

  _forget: function (this: Engine, ch: Channel): void {
    for (var i = 0; i < this._chans.length; i++) if (this._chans[i] === ch) this._chans.splice(i, 1);
    this._kick();
  },
};

// ------------------------------------------------------------------ timers

/** One provider poll for all moving channels; events only queue work. */
function onPoll(e: Engine): void {
  e._poll = null;
  var pcs: ProviderChan[] = [], owners: Channel[] = [], i, j;
  for (i = 0; i < e._chans.length; i++) {
    var ch = e._chans[i];
    if (ch._act && !ch._paused) {
      pcs.push(ch._pc);
      owners.push(ch);
    }
  }
  try {
    var evs = pcs.length ? e._p.poll(pcs) : [];
    for (i = 0; i < evs.length; i++) for (j = 0; j < pcs.length; j++) if (pcs[j] === evs[i].chan) hwEvent(owners[j], evs[i]);
  } catch (err) {
    // Runs from a timer: nobody above us could catch it. Report, keep the engine going.
    e._f.report(err);
  }
  e._kick();
}

function runCompletions(e: Engine): void {
  e._doneTimer = null;
  var list = e._chans.slice();
  for (var i = 0; i < list.length; i++) deliver(list[i]);
  // Callbacks may have issued, terminated or resumed: re-evaluate the poll timer once.
  e._kick();
}

/** A new engine over a platform and a provider. */
export function createEngine(platform: Platform, provider: Provider): Engine {
  return new (Engine as any)(platform, provider);
}
