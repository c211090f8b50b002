// A client's channel and its descriptors, after Linux virt-dma's lifecycle: submitted ->
// issued -> active -> completed -> done, or -> aborted (terminated, buffers pinned until
// synchronize()). virt-dma keeps one list per stage; here one queue per channel, in cookie order,
// holds every descriptor not yet done, and a descriptor's `_state` names its stage: the hardware
// runs one descriptor at a time, so completions, aborts and cookies all follow queue order, and
// one queue is less code (this source stays in the board's RAM). The engine (engine.ts) owns the
// poll timer, which also runs the completion task.
//
// Size: internal names start with "_" (the build shortens them, rollup.config.js) and internal
// operations are module functions rather than methods (no prototype entry, shorter calls);
// fields that start out false or null are left undefined (falsy) rather than initialized.
// Public names (the client API, the provider and platform contracts) never start with "_".
import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan, SlaveConfig, Direction, HwEvent, HwDesc, Segment } from "./provider";
import { MEM2MEM, MEM2DEV, DEV2MEM, COMPLETE } from "./provider";
import { fail, inval } from "./errors";
import { callbackOf, checkLen, checkBuffer, checkWidth, isWholePositive, segment } from "./validate";

/** What a channel needs from its engine (engine.ts). */
export interface ChannelHost {
  _f: Platform;
  _p: Provider;
  /** The engine's channels (release() takes this one out). */
  _chans: Channel[];
  /** Callbacks are due: the completion run comes next (engine.ts). */
  _due?: boolean;
  /** terminateAll()'s deprecation warning was printed. */
  _warned?: boolean;
  /** Depth of completion callbacks running now, on any channel: synchronize() and what calls
   * it are refused inside any of them (a busy-wait there stalls the single-threaded board). */
  _inCb: number;
  /** Re-evaluate the poll timer and the in-flight state after a change. */
  _kick(): void;
}

/** Bounded wait of synchronize() when the caller gives none: stopping takes one data item. */
var DEFAULT_SYNC_MS = 100;
/** Poll schedule (ms). A transfer of known rate is polled when it is due to end (the provider's
 * expectedMs, per segment of a scatter-gather list, per period of a ring) plus DUE_SLACK; one
 * that is late is polled again after 0.1 ms, then at doubling delays. One of unknown rate (no
 * running timer behind its request) 1, 2, 4, 8 and 16 ms after its start, then every
 * UNKNOWN_MS: at most 10 polls a second past its first 10 ms. */
var DUE_SLACK = 0.05, UNKNOWN_MS = 100;
/** Final states remembered per channel for txStatus() of finished cookies. */
var DONE_KEPT = 32;

// Descriptor stages. PREPARED is not queued; DONE has left the queue.
var PREPARED = 0, SUBMITTED = 1, ISSUED = 2, ACTIVE = 3, COMPLETED = 4, ABORTED = 5, DONE = 6;

/** A prepared transfer and where it is in its life; also the client's "tx"
 * (dma_async_tx_descriptor): prep*() returns it, submit() queues it. */
export interface Descriptor {
  _ch: Channel;
  _hw: HwDesc;
  /** Every buffer the hardware may touch: referenced until the descriptor is done, or, once
   * aborted, until synchronize() has seen the hardware stop (the seed's pinning rule). */
  _bufs: any[] | null;
  /** The address of each of _bufs at prep: the hardware was programmed with these. */
  _at: number[];
  _cb: ((r: any) => void) | null;
  /** cyclic: bytes per period (0 for other kinds). */
  _per: number;
  /** Set by submit(). */
  _cookie: number;
  _state: number;
  /** "ok" | "read_failed" | "write_failed", set when the hardware is done with it. */
  _result: string;
  /** Its txStatus() once the hardware is done with it: "complete", "error" or "aborted". */
  _final: string;
  /** Bytes not moved: the whole length until the hardware is done with it (or it is aborted). */
  _residue: number;
  /** cyclic: periods reported by the hardware whose callback has not run yet. */
  _periods: number;
  /** On the hardware: when its current segment started (ms), its index, and (cyclic) the
   * periods reported since; while paused, _t0 holds the time the segment had run. */
  _t0: number;
  _k: number;
  _n: number;
  submit(): number;
}

export function Descriptor(this: Descriptor, ch: Channel, hw: HwDesc, bufs: any[], at: number[], cb: ((r: any) => void) | null, per: number) {
  this._ch = ch;
  this._hw = hw;
  this._bufs = bufs;
  this._at = at;
  this._cb = cb;
  this._per = per;
  this._state = PREPARED;
  this._residue = hw.len;
  this._periods = this._k = this._n = this._t0 = 0;
}

Descriptor.prototype = {
  /** Queue it on its channel; returns the cookie for txStatus(). Once only. */
  submit: function (this: Descriptor): number {
    var d = this, ch = d._ch, i;
    usable(ch);
    if (d._state) inval("submitted already: prep a new tx");
    // The heap may have moved since prep (E.defrag): the registers would point at the old place.
    // From here on the heap guard holds it still (rule 6).
    for (i = 0; i < d._at.length; i++) if (ch._f.addressOf(d._bufs![i]) !== d._at[i]) fail("EFAULT", "moved since prep: prep again");
    d._state = SUBMITTED;
    ch._q.push(d);
    ch._e._kick();
    return (d._cookie = ch._next++);
  },
};

export interface Channel {
  /** The hardware channel's name ("DMA2 stream 0"), for messages and dumps. */
  name: string;
  _e: ChannelHost;
  _p: Provider;
  _f: Platform;
  _pc: ProviderChan;
  /** Fixed direction of the channel, or "" when a slave channel serves both. */
  _dir: string;
  _cfg: SlaveConfig;
  /** Every descriptor submitted and not yet done (aborted ones until synchronize()). */
  _q: Descriptor[];
  /** The one descriptor on the hardware. */
  _act?: Descriptor | null;
  _next: number;
  /** cookie -> final {status, residue} of the last DONE_KEPT finished cookies. */
  _done: any;
  _paused?: boolean;
  /** terminateAsync() ran and synchronize() has not: issuePending() is refused meanwhile. */
  _needSync?: boolean;
  /** The descriptor terminateAsync() took off the hardware, until synchronize() has read its
   * exact residue from the stopped hardware. */
  _ab?: Descriptor | null;
  _released?: boolean;

  config(cfg: SlaveConfig): void;
  prepMemcpy(dst: any, src: any, len: number, opts?: any): Descriptor;
  prepSlaveSg(bufs: any[], dir: Direction, opts?: any): Descriptor;
  prepCyclic(buf: any, periodLen: number, dir: Direction, opts?: any): Descriptor;
  issuePending(): void;
  txStatus(cookie: number): any;
  pause(): void;
  resume(): void;
  terminateAsync(): void;
  terminateAll(): void;
  synchronize(timeoutMs?: number): void;
  terminateSync(timeoutMs?: number): void;
  release(timeoutMs?: number): void;
}

export function Channel(this: Channel, host: ChannelHost, pc: ProviderChan, dir: string) {
  this.name = pc.name;
  this._e = host;
  this._p = host._p;
  this._f = host._f;
  this._pc = pc;
  this._dir = dir;
  this._cfg = {};
  this._q = [];
  this._next = 1;
  this._done = {};
}

// The methods in one prototype literal: shorter than an assignment per method (a class).
Channel.prototype = {

  // ------------------------------------------------------------------ client API

  /** Slave configuration (dmaengine_slave_config). Merged into the previous one. */
  config: function (this: Channel, cfg: SlaveConfig): void {
    var c = this, merged: any = {}, k: string, old: any = c._cfg, add: any = cfg;
    usable(c);
    if (!cfg || typeof cfg !== "object") inval("config({periphWidth:1,..})");
    checkWidth(cfg.periphWidth);
    checkWidth(cfg.memWidth);
    // Plain option objects: every enumerable key is a setting.
    for (k in old) merged[k] = old[k];
    for (k in add) merged[k] = add[k];
    c._p.config(c._pc, merged);
    c._cfg = merged;
  },

  /** Memory to memory copy of len bytes. */
  prepMemcpy: function (this: Channel, dst: any, src: any, len: number, opts?: any): Descriptor {
    var c = this, mw = c._cfg.memWidth || 1, pw = c._cfg.periphWidth || mw;
    usable(c);
    if (c._dir !== MEM2MEM) inval("memcpy: use a \"mem2mem\" channel");
    checkLen(c, len, pw > mw ? pw : mw, "memcpy");
    var d = checkBuffer(c, dst, len, mw, "dst"), s = checkBuffer(c, src, len, pw, "src");
    // The controller copies forwards item by item: overlapping ranges would smear the data.
    if (d < s + len && s < d + len) inval("memcpy: dst/src overlap");
    return prep(c, "memcpy", MEM2MEM, [{ addr: d, len: len }], [dst, src], opts, 0, s);
  },

  /** Peripheral <-> memory over a list of buffers, each moved whole, in order. */
  prepSlaveSg: function (this: Channel, bufs: any[], dir: Direction, opts?: any): Descriptor {
    var c = this, w = slave(c, dir), segs: Segment[] = [], kept: any[] = [];
    if (!bufs || !bufs.length || (bufs as any).byteLength !== undefined) inval("prepSlaveSg([buf,..],dir)");
    for (var i = 0; i < bufs.length; i++) {
      var b = bufs[i];
      segs.push(segment(c, b, b && b.byteLength, w, "buf" + i));
      kept.push(b);
    }
    return prep(c, "slave_sg", dir, segs, kept, opts, 0);
  },

  /** A ring buffer split into periods of periodLen bytes; calls back once per period until
   * terminated. */
  prepCyclic: function (this: Channel, buf: any, periodLen: number, dir: Direction, opts?: any): Descriptor {
    var c = this, w = slave(c, dir), len = buf && buf.byteLength;
    checkLen(c, len, w, "ring");
    if (!isWholePositive(periodLen) || len % periodLen || periodLen % w) inval("periodLen " + periodLen + ": whole items dividing the ring");
    return prep(c, "cyclic", dir, [segment(c, buf, len, w, "ring")], [buf], opts, periodLen);
  },

  /** Move the submitted descriptors to the hardware queue and start the first. */
  issuePending: function (this: Channel): void {
    var c = this;
    usable(c);
    if (c._needSync) fail("EBUSY", c.name + " terminated: synchronize() first");
    c._q.forEach(function (d) {
      if (d._state === SUBMITTED) d._state = ISSUED;
    });
    startNext(c);
    c._e._kick();
  },

  /** {status: "complete"|"in_progress"|"paused"|"error"|"aborted", residue (bytes)}. */
  txStatus: function (this: Channel, cookie: number): any {
    var c = this, d: Descriptor | undefined, r;
    usable(c);
    if (!isWholePositive(cookie) || cookie >= c._next) inval("cookie " + cookie + ": use what submit() returned");
    c._q.forEach(function (x) {
      if (x._cookie === cookie) d = x;
    });
    // Gone from the queue: remembered, or older than what is remembered and, like Linux, a
    // cookie before the last finished one is done.
    if (!d) return (r = c._done[cookie]) ? status(r.status, r.residue) : status(COMPLETE, 0);
    // (_residue is the whole length until the hardware is done with it or it is aborted)
    r = d._state;
    return status(
      r === ACTIVE && c._paused ? "paused" : r <= ACTIVE ? "in_progress" : d._final,
      r === ACTIVE || d === c._ab ? residue(c, d) : d._residue);
  },

  pause: function (this: Channel): void {
    var c = this;
    usable(c);
    // As Linux's drivers answer -EPERM: nothing to act on is a misuse, not a no-op.
    if (!c._act || c._paused) fail("EPERM", "nothing to pause");
    c._p.pause(c._pc);
    c._paused = true;
    c._act._t0 = c._f.now() - c._act._t0;
    c._e._kick();
  },

  resume: function (this: Channel): void {
    var c = this;
    usable(c);
    if (!c._paused) fail("EPERM", "not paused");
    c._p.resume(c._pc);
    c._paused = false;
    if (c._act) c._act._t0 = c._f.now() - c._act._t0;
    startNext(c);
    c._e._kick();
  },

  /** dmaengine_terminate_async: callable anywhere, never waits. Every descriptor not yet
   * notified becomes aborted and gets no callback; buffers stay pinned until synchronize(). */
  terminateAsync: function (this: Channel): void {
    var c = this, moved = c._act || c._q.length;
    usable(c);
    c._p.terminateAll(c._pc);
    // Its residue is read live until synchronize() reads it from the stopped hardware: the
    // hardware may still move an item now (provider contract, residue()).
    if (c._act) c._ab = c._act;
    c._act = null;
    c._q.forEach(function (d) {
      if (d._state < ABORTED) {
        d._state = ABORTED;
        d._final = "aborted";
        remember(c, d);
      }
    });
    c._paused = false;
    c._needSync = true;
    // Idle before (nothing on the hardware or queued; paused implies active): nothing to poll
    // or pin changed, so the poll timer stays as it is.
    if (moved) c._e._kick();
  },

  /** Deprecated alias of terminateAsync(), as dmaengine_terminate_all: says so once per engine. */
  terminateAll: function (this: Channel): void {
    var e = this._e;
    usable(this);
    if (!e._warned) e._f.warn("espdma: terminateAll() is deprecated: use terminateAsync()+synchronize()");
    e._warned = true;
    this.terminateAsync();
  },

  /** dmaengine_synchronize: returns when the hardware no longer touches the memory of any
   * earlier descriptor and none of their callbacks is running or pending (due callbacks of
   * completed, not terminated, descriptors run here); unpins the aborted ones' buffers.
   * Throws ETIMEDOUT (buffers stay pinned) when the provider cannot confirm the stop. */
  synchronize: function (this: Channel, timeoutMs?: number): void {
    var c = this, e = c._e, ms = waitMs(c, "synchronize", timeoutMs), a, q;
    // Nothing to wait for and no callback due anywhere (only end() and a period set _due): the
    // stream is stopped and nothing changes, so nothing is re-evaluated (measured on 2v29: the
    // full path below costs 30-60 peek32 calls, most of it in _kick()).
    if (!c._needSync && !e._due && !has(c, ABORTED)) return;
    // Callbacks of completed descriptors not terminated are due: run them first, as Linux's
    // vchan_synchronize() kills the completion tasklet before it frees the terminated
    // descriptors. A callback may terminate the channel: the stop below then covers that too.
    deliver(c);
    if (c._needSync || has(c, ABORTED)) {
      c._p.synchronize(c._pc, ms);
      // Stopped: its residue is exact now.
      if ((a = c._ab)) {
        a._residue = residue(c, a);
        remember(c, a);
      }
      c._ab = null;
    }
    // The hardware is proven stopped: unpin, even if the client still holds the tx objects
    // (in place, backwards: no new array, no closure).
    for (q = c._q, a = q.length; a--; ) if (q[a]._state === ABORTED) q.splice(a, 1)[0]._bufs = null;
    c._needSync = false;
    // Nothing left to notify on any channel: no completion run.
    for (a = 0; a < e._chans.length && !pending(e._chans[a]); a++);
    if (a === e._chans.length) e._due = false;
    e._kick();
  },

  /** terminateAsync() + synchronize(); not from inside this channel's callback. */
  terminateSync: function (this: Channel, timeoutMs?: number): void {
    var c = this;
    // Checked before anything changes.
    waitMs(c, "terminateSync", timeoutMs);
    c.terminateAsync();
    c.synchronize(timeoutMs);
  },

  /** Give the channel back (dma_chan_put): stops and synchronizes first, so the buffers are
   * safe to reuse afterwards. Not from inside this channel's callback. */
  release: function (this: Channel, timeoutMs?: number): void {
    var c = this, e = c._e;
    waitMs(c, "release", timeoutMs);
    c.terminateSync(timeoutMs);
    c._p.freeChan(c._pc);
    c._released = true;
    e._chans.splice(e._chans.indexOf(c), 1);
    e._kick();
  },
};

// ------------------------------------------------------------------ engine side

/** Start the next issued descriptor when the hardware is free. From a client call a failing
 * start throws to the caller and the descriptor stays issued; from the poll (inPoll) nobody
 * could catch it: the error is reported, that descriptor ends with status "error" (callback
 * result "aborted", Linux's DMA_TRANS_ABORTED) and the next one is tried, so the poll's other
 * events are still handled. */
function startNext(ch: Channel, inPoll?: boolean): void {
  if (ch._act || ch._paused || ch._needSync) return;
  for (var i = 0; i < ch._q.length; i++) {
    var d = ch._q[i];
    if (d._state === ISSUED) {
      ch._act = d;
      d._state = ACTIVE;
      try {
        ch._p.start(ch._pc, d._hw);
        d._t0 = ch._f.now();
        return;
      } catch (e) {
        ch._act = null;
        d._state = ISSUED;
        if (!inPoll) throw e;
        ch._f.report(e);
        end(ch, d, "aborted", "error", d._hw.len);
      }
    }
  }
}

/** The hardware is done with d: its callback is due. */
function end(ch: Channel, d: Descriptor, result: string, final: string, res: number): void {
  d._result = result;
  d._final = final;
  d._residue = res;
  d._state = COMPLETED;
  ch._e._due = true;
}

/** A hardware event from the provider's poll() for this channel, at time now. Only records
 * it; the callbacks run from the completion run (engine.ts). */
export function hwEvent(ch: Channel, ev: HwEvent, now: number): void {
  var d = ch._act, k = ev.kind, per = k === "period", ok = k === COMPLETE;
  if (!d) return;
  if (k === "segment") {
    // The provider chained the next entry of a scatter-gather list: time it from now.
    d._k++;
    d._t0 = now;
    return;
  }
  // A ring never completes: it reports periods. Other kinds have no periods.
  if ((per || ok) && per !== !!d._per) return;
  if (per) {
    d._periods += ev.count || 1;
    d._n += ev.count || 1;
    ch._e._due = true;
  } else {
    end(ch, d, ok ? "ok" : k, ok ? COMPLETE : "error", ok ? 0 : residue(ch, d));
    ch._act = null;
    startNext(ch, true);
  }
}

/** Completion task: run the callbacks of this channel's completed descriptors, in order. A
 * callback may terminate the channel (the rest become aborted: no callback) or submit more. */
export function deliver(ch: Channel): void {
  var i = 0, d;
  while (i < ch._q.length) {
    d = ch._q[i];
    // Cyclic: one callback per period, while the ring is neither aborted nor done.
    while (d._periods > 0 && (d._state === ACTIVE || d._state === COMPLETED)) {
      d._periods--;
      notify(ch, d, "ok", d._state === ACTIVE ? residue(ch, d) : 0);
    }
    if (d._state !== COMPLETED) {
      i++;
      continue;
    }
    ch._q.splice(i, 1);
    d._state = DONE;
    d._bufs = null;
    remember(ch, d);
    notify(ch, d, d._result, d._residue);
  }
}

/** Callbacks of this channel still to run. */
function pending(ch: Channel): boolean {
  for (var q = ch._q, i = 0; i < q.length; i++) if (q[i]._state === COMPLETED || (q[i]._state === ACTIVE && q[i]._periods > 0)) return true;
  return false;
}

/** A descriptor of this channel is in state s (ABORTED), or, for s < 0, in any state but
 * COMPLETED: the hardware has, or will have, its buffers (the heap must not move, rule 6).
 * (Loops rather than some(): no closure per call, as the poll path allocates nothing.) */
export function has(ch: Channel, s: number): boolean {
  for (var q = ch._q, i = 0; i < q.length; i++) if (s < 0 ? q[i]._state !== COMPLETED : q[i]._state === s) return true;
  return false;
}

/** When this channel wants the next poll (ms, the platform's clock), or -1 when nothing here
 * moves; the schedule is described at DUE_SLACK. Sets `unknown` when its rate is unknown and
 * it is past its first 10 ms (the engine then polls with one interval timer). */
export var due = { unknown: false };
export function pollDue(ch: Channel, now: number): number {
  var d = ch._act, h: any, ms, t;
  due.unknown = false;
  if (!d || ch._paused) return -1;
  h = d._hw;
  ms = h.segMs ? h.segMs[d._k] : d._per ? (h.expectedMs * d._per) / h.len : h.expectedMs;
  t = now - d._t0;
  if (!ms) {
    due.unknown = t >= 10;
    return now + (t < 1 ? 1 : t < 10 ? t : UNKNOWN_MS);
  }
  t = d._t0 + ms * (d._n + 1) + DUE_SLACK;
  // Late: again after 0.1 ms, then at doubling delays, at most UNKNOWN_MS apart.
  return t > now ? t : now + (now - t < 0.1 ? 0.1 : now - t < UNKNOWN_MS ? now - t : UNKNOWN_MS);
}

/** One line for dump(): the queue as cookie + stage letter (submitted, issued, active,
 * completed, x aborted). */
export function describe(ch: Channel): string {
  return ch.name + ": " + (ch._dir || "slave") + (ch._paused ? " paused" : "") + (ch._needSync ? " needs synchronize()" : "") + " q=" +
    ch._q.map(function (d) { return d._cookie + "-siacx".charAt(d._state); }).join(",");
}

// ------------------------------------------------------------------ helpers

function status(s: string, residue: number): any {
  return { status: s, residue: residue };
}

/** The provider's prep of a checked transfer (the PrepRequest: memcpy's destination is its one
 * segment; periodLen 0 but for cyclic), as a new descriptor. */
function prep(c: Channel, kind: string, dir: string, segs: Segment[], bufs: any[], opts: any, per: number, src?: number): Descriptor {
  var cb = callbackOf(opts), at = segs.map(function (g) { return g.addr; });
  // (memcpy: bufs are [dst, src], dst is the one segment)
  if (src !== undefined) at.push(src);
  return new (Descriptor as any)(c, c._p.prep(c._pc, { kind: kind, dir: dir, segments: segs, periodLen: per, src: src, dst: segs[0].addr } as any), bufs, at, cb, per);
}

/** Bytes the hardware has not moved yet of the descriptor on it. */
function residue(c: Channel, d: Descriptor): number {
  return c._p.residue(c._pc, d._hw);
}

function usable(ch: Channel): void {
  if (ch._released) fail("EPERM", ch.name + " released: requestChannel() again");
}

/** Checks of synchronize() and what calls it; returns the bound of the wait in ms. Refused
 * inside any completion callback: on this channel it would wait for itself, on another it
 * would busy-wait inside a callback and run that channel's callbacks nested in it. A bound that
 * is not a number would never expire (t - t0 > NaN is false). */
function waitMs(ch: Channel, what: string, t: any): number {
  usable(ch);
  if (ch._e._inCb) fail("EDEADLK", what + "() in a callback: use terminateAsync(), synchronize() later");
  if (t === undefined) return DEFAULT_SYNC_MS;
  if (typeof t !== "number" || !(t >= 0 && t < 1 / 0)) inval("timeout: ms >= 0");
  return t;
}

/** Checks a slave transfer's direction; returns the memory width. */
function slave(ch: Channel, dir: any): number {
  usable(ch);
  if ((dir !== MEM2DEV && dir !== DEV2MEM) || (ch._dir && ch._dir !== dir)) inval("dir " + dir + " on a " + (ch._dir || "slave") + " channel: request one for it");
  return ch._cfg.memWidth || 1;
}

/** Keep the final status of a cookie for txStatus(). Descriptors finish in cookie order (one
 * at a time on the hardware; an abort takes all the rest), so the oldest is DONE_KEPT back. */
function remember(ch: Channel, d: Descriptor): void {
  ch._done[d._cookie] = status(d._final, d._residue);
  delete ch._done[d._cookie - DONE_KEPT];
}

function notify(ch: Channel, d: Descriptor, result: string, residue: number): void {
  var cb = d._cb;
  if (d._state === DONE) d._cb = null;
  if (!cb) return;
  ch._e._inCb++;
  try {
    cb({ result: result, residue: residue });
  } catch (e) {
    // A throwing callback must not break the channel: report it like Espruino reports an
    // uncaught error and go on with the next descriptor.
    ch._f.report(e);
  } finally {
    ch._e._inCb--;
  }
}
