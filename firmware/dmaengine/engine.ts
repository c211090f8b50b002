// The engine: the channels of one provider and the one poll timer. Completion on Espruino is
// detected by polling the controller's flags; the timer runs only while a transfer is moving
// (an idle engine has no timer, so the board can sleep), and is the only timer the engine
// keeps, for any number of channels. It is also the completion task (Linux's tasklet): after
// a poll that saw transfers end, it fires once at 0 ms to run their callbacks, then polls on.
// A poll that finds nothing allocates nothing (on Espruino every object, array
// and closure is a variable block and time in the garbage collector): the list of channels to
// poll is kept from the last change, the timer's function is made once, and a steady poll of
// unknown-rate transfers is one interval timer rather than a timeout re-armed each time.
// Internal names start with "_" (shortened by the build, see channel.ts).
import type { Platform } from "../platform/platform";
import type { Provider, ChannelRequest, ProviderChan, HwEvent } from "./provider";
import { MEM2MEM, MEM2DEV, DEV2MEM } from "./provider";
import { Channel, hwEvent, deliver, pollDue, due, describe, has } from "./channel";
import type { ChannelHost } from "./channel";
import { fail, inval } from "./errors";
import { isWholePositive } from "./validate";

/** The engine is its channels' host (ChannelHost, channel.ts), plus the poll timer's state. */
export interface Engine extends ChannelHost {
  /** The poll timer, null when none; _at: when a one-shot one fires; _every: the period of an
   * interval one (0: one-shot). */
  _poll: any;
  _at: number;
  _every: number;
  /** The provider channels to poll (moving, not paused), rebuilt by _kick(). */
  _pcs: ProviderChan[];
  /** The poll timer's function, made once. */
  _tick: () => void;
  _busy: boolean;

  requestChannel(req: ChannelRequest): Channel;
  alloc(n: number): Uint8Array;
  dump(): string;
}

export function Engine(this: Engine, platform: Platform, provider: Provider) {
  this._f = platform;
  this._p = provider;
  this._chans = [];
  this._inCb = this._at = this._every = 0;
  this._poll = null;
  this._pcs = [];
  this._busy = false;
  var e = this;
  this._tick = function () { onPoll(e); };
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

  /** n bytes of flat, 4-byte aligned RAM the controller can reach (a Uint8Array, or what the
   * platform's alloc gives): the platform's own allocator if it has one, else a Uint8Array. */
  alloc: function (this: Engine, n: number): Uint8Array {
    if (!isWholePositive(n)) inval("alloc(n): n > 0 whole bytes");
    var f = this._f, b: any, addr: number;
    if (!f.alloc && typeof Uint8Array === "undefined") fail("ENOSYS", "alloc: no typed arrays here: give the Platform an alloc(n)");
    b = f.alloc ? f.alloc(n) : new Uint8Array(n);
    addr = f.addressOf(b);
    // Not flat, misaligned, or outside DMA-reachable RAM (CCM on the F407).
    if (!addr || addr & 3 || b.byteLength !== n || !this._p.reachable(addr, n)) fail("ENOMEM", "alloc(" + n + "): no flat, aligned block in DMA-reachable RAM: give the Platform an alloc(n) that makes one");
    return b;
  },

  /** The core's lists per channel, then the provider's decoded registers. */
  dump: function (this: Engine): string {
    var s = "";
    this._chans.forEach(function (ch) { s += describe(ch) + "\n"; });
    return s + this._p.dump();
  },

  // ------------------------------------------------------------------ for the channels

  /** After any change: the channels to poll, whether DMA owns memory now (told to the
   * platform), and the poll timer. */
  _kick: function (this: Engine): void {
    var e = this, f = e._f, chans = e._chans, pcs: ProviderChan[] = [], busy = false, i, ch;
    for (i = 0; i < chans.length; i++) {
      ch = chans[i];
      if (has(ch, -1)) busy = true;
      if (ch._act && !ch._paused) pcs.push(ch._pc);
    }
    e._pcs = pcs;
    if (busy !== e._busy && f.inFlight) f.inFlight(busy);
    e._busy = busy;
    arm(e);
  },
};

// ------------------------------------------------------------------ timers

/** The poll timer for the earliest time a channel wants a poll (pollDue), or none. */
function arm(e: Engine): void {
  var f = e._f, now = f.now(), chans = e._chans, next = e._due ? now : -1, steady = !!f.setInterval && !e._due, i, t;
  for (i = 0; i < chans.length; i++) {
    t = pollDue(chans[i], now);
    if (t < 0) continue;
    if (!due.unknown) steady = false;
    if (next < 0 || t < next) next = t;
  }
  // Every moving transfer is of unknown rate and past its first 10 ms: one interval timer.
  if (next >= 0 && steady) {
    if (e._every) return;
    stop(e);
    e._every = next - now;
    e._poll = f.setInterval!(e._tick, e._every);
    return;
  }
  // A pending one-shot poll at the right time is kept; otherwise (re)arm, or stop when idle.
  if (next >= 0 && e._poll !== null && !e._every && e._at - next < 0.01 && next - e._at < 0.01) return;
  stop(e);
  if (next < 0) return;
  e._at = next;
  e._poll = f.setTimeout(e._tick, next - now);
}

function stop(e: Engine): void {
  // (clearTimeout also clears an interval, on Espruino as in Node)
  if (e._poll !== null) e._f.clearTimeout(e._poll);
  e._poll = null;
  e._every = 0;
}

/** The timer: the completion run when callbacks are due, else one provider poll for all
 * moving channels, each event going to the channel whose provider channel it names. A poll
 * that finds nothing only checks the timer. */
function onPoll(e: Engine): void {
  var chans = e._chans, evs: HwEvent[] | null = null, i, j, now, cs;
  if (!e._every) e._poll = null;
  if (e._due) {
    e._due = false;
    // A copy: a callback may release its channel.
    for (cs = chans.slice(), i = 0; i < cs.length; i++) if (!cs[i]._released) deliver(cs[i]);
    // Callbacks may have issued, terminated or resumed.
    return e._kick();
  }
  try {
    if (e._pcs.length) evs = e._p.poll(e._pcs);
    if (evs && evs.length) {
      now = e._f.now();
      for (i = 0; i < evs.length; i++) for (j = 0; j < chans.length; j++) if (chans[j]._pc === evs[i].chan) hwEvent(chans[j], evs[i], now);
    }
  } catch (err) {
    // Runs from a timer: nobody above us could catch it. Report, keep the engine going.
    e._f.report(err);
  }
  if (!evs || !evs.length) return arm(e);
  // Transfers started or stopped here: the channels to poll change.
  e._kick();
}

/** A new engine over a platform and a provider. */
export function createEngine(platform: Platform, provider: Provider): Engine {
  return new (Engine as any)(platform, provider);
}
