// A client's channel and its descriptors, after Linux virt-dma's lifecycle: submitted ->
// issued -> active -> completed -> done, or -> aborted (terminated, buffers pinned until
// synchronize()). virt-dma keeps one list per stage; here one queue per channel, in cookie order,
// holds every descriptor not yet done, and a descriptor's `_state` names its stage: the hardware
// runs one descriptor at a time, so completions, aborts and cookies all follow queue order, and
// one queue is less code (this source stays in the board's RAM). The engine (engine.ts) owns the
// poll timer and the completion task.
//
// Size: internal names start with "_" (the build shortens them, rollup.config.js) and internal
// operations are module functions rather than methods (no prototype entry, shorter calls).
// Public names (the client API, the provider and platform contracts) never start with "_".
import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan, SlaveConfig, Direction, HwEvent, HwDesc, Segment } from "./provider";
import { dmaError, inval } from "./errors";
import { callbackOf, checkLen, checkBuffer, checkWidth, isWholePositive } from "./validate";

/** What a channel needs from its engine. */
export interface ChannelHost {
  _f: Platform;
  _p: Provider;
  /** Re-evaluate the poll timer and the in-flight state after a change. */
  _kick(): void;
  _schedule(): void;
  /** synchronize() finished: drop the completion task if nothing is left to notify. */
  _afterSync(): void;
  _warn(what: string): void;
  _forget(ch: Channel): void;
}

/** Bounded wait of synchronize() when the caller gives none: stopping takes one data item. */
var DEFAULT_SYNC_MS = 100;
/** Final states remembered per channel for txStatus() of finished cookies. */
var DONE_KEPT = 32;

// Descriptor stages. PREPARED is not queued; DONE has left the queue.
var PREPARED = 0, SUBMITTED = 1, ISSUED = 2, ACTIVE = 3, COMPLETED = 4, ABORTED = 5, DONE = 6;

/** A prepared transfer and where it is in its life; also the client's "tx"
 * (dma_async_tx_descriptor): prep*() returns it, submit() queues it. */
export class Descriptor {
  _ch: Channel;
  _hw: HwDesc;
  /** Every buffer the hardware may touch: referenced until the descriptor is done, or, once
   * aborted, until synchronize() has seen the hardware stop (the seed's pinning rule). */
  _bufs: any[] | null;
  _cb: ((r: any) => void) | null;
  /** cyclic: bytes per period (0 for other kinds). */
  _per: number;
  _cookie: number;
  _state: number;
  /** "ok" | "read_failed" | "write_failed", set when the hardware is done with it. */
  _result: string;
  _residue: number;
  /** cyclic: periods reported by the hardware whose callback has not run yet. */
  _periods: number;

  constructor(ch: Channel, hw: HwDesc, bufs: any[], cb: ((r: any) => void) | null, per: number) {
    this._ch = ch;
    this._hw = hw;
    this._bufs = bufs;
    this._cb = cb;
    this._per = per;
    this._cookie = 0;
    this._state = PREPARED;
    this._result = "";
    this._residue = hw.len;
    this._periods = 0;
  }

  /** Queue it on its channel; returns the cookie for txStatus(). Once only. */
  submit(): number {
    var ch = this._ch;
    usable(ch);
    if (this._state) throw inval("tx already submitted: prep a new one");
    this._state = SUBMITTED;
    ch._q.push(this);
    return (this._cookie = ch._next++);
  }
}

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
  _act: Descriptor | null;
  _next: number;
  /** cookie -> final {status, residue} of the last DONE_KEPT finished cookies. */
  _done: any;
  _paused: boolean;
  /** terminateAsync() ran and synchronize() has not: issuePending() is refused meanwhile. */
  _needSync: boolean;
  /** Depth of this channel's callbacks running now (synchronize would wait for itself). */
  _inCb: number;
  _released: boolean;

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
  this._act = null;
  this._next = 1;
  this._done = {};
  this._paused = false;
  this._needSync = false;
  this._inCb = 0;
  this._released = false;
}

// The methods in one prototype literal: shorter than an assignment per method (a class).
Channel.prototype = {

  // ------------------------------------------------------------------ client API

  /** Slave configuration (dmaengine_slave_config). Merged into the previous one. */
  config: function (this: Channel, cfg: SlaveConfig): void {
    var c = this, merged: any = {}, k: string, old: any = c._cfg, add: any = cfg;
    usable(c);
    if (!cfg || typeof cfg !== "object") throw inval("config({periphAddr:..,periphWidth:1})");
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
    var c = this, p = c._f, prov = c._p;
    usable(c);
    if (c._dir !== "mem2mem") throw inval("prepMemcpy needs requestChannel({request:\"mem2mem\"})");
    var cb = callbackOf(opts), mw = c._cfg.memWidth || 1, pw = c._cfg.periphWidth || mw;
    checkLen(prov, c._pc, len, pw > mw ? pw : mw, "memcpy");
    var d = checkBuffer(p, prov, dst, len, mw, "dst"), s = checkBuffer(p, prov, src, len, pw, "src");
    return new Descriptor(c, prov.prep(c._pc, { kind: "memcpy", dir: "mem2mem", src: s, dst: d, segments: [{ addr: d, len: len }] }), [dst, src], cb, 0);
  },

  /** Peripheral <-> memory over a list of buffers, each moved whole, in order. */
  prepSlaveSg: function (this: Channel, bufs: any[], dir: Direction, opts?: any): Descriptor {
    var c = this, w = slave(c, dir), cb = callbackOf(opts), segs: Segment[] = [], kept: any[] = [];
    if (!bufs || !bufs.length || (bufs as any).byteLength !== undefined) throw inval("prepSlaveSg([buf,..],dir)");
    for (var i = 0; i < bufs.length; i++) {
      var b = bufs[i], len = b && b.byteLength;
      checkLen(c._p, c._pc, len, w, "buf" + i);
      segs.push({ addr: checkBuffer(c._f, c._p, b, len, w, "buf" + i), len: len });
      kept.push(b);
    }
    return new Descriptor(c, c._p.prep(c._pc, { kind: "slave_sg", dir: dir, segments: segs }), kept, cb, 0);
  },

  /** A ring buffer split into periods of periodLen bytes; calls back once per period until
   * terminated. */
  prepCyclic: function (this: Channel, buf: any, periodLen: number, dir: Direction, opts?: any): Descriptor {
    var c = this, w = slave(c, dir), cb = callbackOf(opts), len = buf && buf.byteLength;
    checkLen(c._p, c._pc, len, w, "ring");
    if (!isWholePositive(periodLen) || len % periodLen || periodLen % w) throw inval("periodLen " + periodLen + ": must divide the ring, whole items");
    var seg = [{ addr: checkBuffer(c._f, c._p, buf, len, w, "ring"), len: len }];
    return new Descriptor(c, c._p.prep(c._pc, { kind: "cyclic", dir: dir, segments: seg, periodLen: periodLen }), [buf], cb, periodLen);
  },

  /** Move the submitted descriptors to the hardware queue and start the first. */
  issuePending: function (this: Channel): void {
    var c = this, q = c._q;
    usable(c);
    if (c._needSync) throw dmaError("EBUSY", c.name + " terminated: synchronize() first");
    for (var i = 0; i < q.length; i++) if (q[i]._state === SUBMITTED) q[i]._state = ISSUED;
    startNext(c);
    c._e._kick();
  },

  /** {status: "complete"|"in_progress"|"paused"|"error"|"aborted", residue (bytes)}. */
  txStatus: function (this: Channel, cookie: number): any {
    var c = this, d: Descriptor | null = null, r, i;
    usable(c);
    if (!isWholePositive(cookie) || cookie >= c._next) throw inval("cookie " + cookie + ": pass what submit() returned");
    for (i = 0; i < c._q.length; i++) if (c._q[i]._cookie === cookie) d = c._q[i];
    // Gone from the queue: remembered, or older than what is remembered and, like Linux, a
    // cookie before the last finished one is done.
    if (!d) return (r = c._done[cookie]) ? status(r.status, r.residue) : status("complete", 0);
    r = d._state;
    return status(
      r === ACTIVE ? (c._paused ? "paused" : "in_progress") : r === COMPLETED ? (d._result === "ok" ? "complete" : "error") : r === ABORTED ? "aborted" : "in_progress",
      r === ACTIVE ? c._p.residue(c._pc, d._hw) : r < ACTIVE ? d._hw.len : d._residue);
  },

  pause: function (this: Channel): void {
    usable(this);
    if (!this._act || this._paused) return;
    this._p.pause(this._pc);
    this._paused = true;
    this._e._kick();
  },

  resume: function (this: Channel): void {
    usable(this);
    if (!this._paused) return;
    this._p.resume(this._pc);
    this._paused = false;
    startNext(this);
    this._e._kick();
  },

  /** dmaengine_terminate_async: callable anywhere, never waits. Every descriptor not yet
   * notified becomes aborted and gets no callback; buffers stay pinned until synchronize(). */
  terminateAsync: function (this: Channel): void {
    var c = this, a = c._act, q = c._q;
    usable(c);
    if (a) a._residue = c._p.residue(c._pc, a._hw);
    c._p.terminateAll(c._pc);
    c._act = null;
    for (var i = 0; i < q.length; i++) {
      var d = q[i];
      if (d._state < ABORTED) {
        d._state = ABORTED;
        remember(c, d, "aborted");
      }
    }
    c._paused = false;
    c._needSync = true;
    c._e._kick();
  },

  /** Deprecated alias of terminateAsync(), as dmaengine_terminate_all. */
  terminateAll: function (this: Channel): void {
    this._e._warn("terminateAll");
    this.terminateAsync();
  },

  /** dmaengine_synchronize: returns when the hardware no longer touches the memory of any
   * earlier descriptor and none of their callbacks is running or pending (due callbacks of
   * completed, not terminated, descriptors run here); unpins the aborted ones' buffers.
   * Throws ETIMEDOUT (buffers stay pinned) when the provider cannot confirm the stop. */
  synchronize: function (this: Channel, timeoutMs?: number): void {
    var c = this, keep: Descriptor[] = [];
    noCallback(c, "synchronize");
    if (c._needSync || aborted(c)) c._p.synchronize(c._pc, timeoutMs === undefined ? DEFAULT_SYNC_MS : timeoutMs);
    // The hardware is proven stopped: unpin, even if the client still holds the tx objects.
    for (var i = 0; i < c._q.length; i++) {
      var d = c._q[i];
      if (d._state === ABORTED) d._bufs = null;
      else keep.push(d);
    }
    c._q = keep;
    c._needSync = false;
    // Callbacks of completed descriptors not terminated are due: run them now, as Linux's
    // synchronize waits for the completion tasklet, so none is pending when this returns.
    deliver(c);
    c._e._afterSync();
    c._e._kick();
  },

  /** terminateAsync() + synchronize(); not from inside this channel's callback. */
  terminateSync: function (this: Channel, timeoutMs?: number): void {
    noCallback(this, "terminateSync");
    this.terminateAsync();
    this.synchronize(timeoutMs);
  },

  /** Give the channel back (dma_chan_put): stops and synchronizes first, so the buffers are
   * safe to reuse afterwards. Not from inside this channel's callback. */
  release: function (this: Channel, timeoutMs?: number): void {
    var c = this;
    noCallback(c, "release");
    c.terminateSync(timeoutMs);
    c._p.freeChan(c._pc);
    c._released = true;
    c._e._forget(c);
  },
};

// ------------------------------------------------------------------ engine side

/** Start the next issued descriptor when the hardware is free. */
function startNext(ch: Channel): void {
  if (ch._act || ch._paused || ch._needSync) return;
  for (var i = 0; i < ch._q.length; i++) {
    var d = ch._q[i];
    if (d._state === ISSUED) {
      ch._act = d;
      d._state = ACTIVE;
      try {
        ch._p.start(ch._pc, d._hw);
      } catch (e) {
        ch._act = null;
        d._state = ISSUED;
        throw e;
      }
      return;
    }
  }
}

/** A hardware event from the provider's poll() for this channel. Only records it; callbacks
 * run from the completion task. */
export function hwEvent(ch: Channel, ev: HwEvent): void {
  var d = ch._act, k = ev.kind;
  if (!d) return;
  // A ring never completes: it reports periods. Other kinds have no periods.
  if ((k === "period" || k === "complete") && (k === "period") !== !!d._per) return;
  if (k === "period") {
    d._periods += ev.count || 1;
  } else {
    d._result = k === "complete" ? "ok" : k;
    d._residue = k === "complete" ? 0 : ch._p.residue(ch._pc, d._hw);
    d._state = COMPLETED;
    ch._act = null;
  }
  ch._e._schedule();
  startNext(ch);
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
      notify(ch, d, "ok", d._state === ACTIVE ? ch._p.residue(ch._pc, d._hw) : 0);
    }
    if (d._state !== COMPLETED) {
      i++;
      continue;
    }
    ch._q.splice(i, 1);
    d._state = DONE;
    d._bufs = null;
    remember(ch, d, d._result === "ok" ? "complete" : "error");
    notify(ch, d, d._result, d._residue);
  }
}

/** Callbacks still to run (the completion task is needed). */
export function pending(ch: Channel): boolean {
  for (var i = 0; i < ch._q.length; i++) if (ch._q[i]._state === COMPLETED || (ch._q[i]._state === ACTIVE && ch._q[i]._periods)) return true;
  return false;
}

/** Aborted descriptors whose buffers synchronize() has not released yet. */
export function aborted(ch: Channel): boolean {
  for (var i = 0; i < ch._q.length; i++) if (ch._q[i]._state === ABORTED) return true;
  return false;
}

/** The poll period this channel needs (ms), or -1 when nothing here is moving. */
export function pollWanted(ch: Channel): number {
  var d = ch._act;
  if (!d || ch._paused) return -1;
  return (d._per ? d._hw.expectedMs * d._per / d._hw.len : d._hw.expectedMs) / 4;
}

/** One line for dump(): the queue as cookie + stage letter (submitted, issued, active,
 * completed, x aborted). */
export function describe(ch: Channel): string {
  var s = "";
  for (var i = 0; i < ch._q.length; i++) s += (i ? "," : "") + ch._q[i]._cookie + "-siacx".charAt(ch._q[i]._state);
  return ch.name + ": " + (ch._dir || "slave") + (ch._paused ? " paused" : "") + (ch._needSync ? " needs synchronize()" : "") + " q=" + s;
}

// ------------------------------------------------------------------ helpers

function status(s: string, residue: number): any {
  return { status: s, residue: residue };
}

function usable(ch: Channel): void {
  if (ch._released) throw dmaError("EPERM", ch.name + " released: requestChannel() again");
}

/** synchronize() and what calls it would wait for themselves inside this channel's callback. */
function noCallback(ch: Channel, what: string): void {
  usable(ch);
  if (ch._inCb) throw dmaError("EDEADLK", what + "() in a callback of " + ch.name + ": use terminateAsync(), synchronize() later");
}

/** Checks a slave transfer's direction; returns the memory width. */
function slave(ch: Channel, dir: any): number {
  usable(ch);
  if ((dir !== "mem2dev" && dir !== "dev2mem") || (ch._dir && ch._dir !== dir)) throw inval(ch.name + " is " + (ch._dir || "slave") + ": dir " + dir + " needs a channel for it");
  return ch._cfg.memWidth || 1;
}

/** Keep the final status of a cookie for txStatus(). Descriptors finish in cookie order (one
 * at a time on the hardware; an abort takes all the rest), so the oldest is DONE_KEPT back. */
function remember(ch: Channel, d: Descriptor, s: string): void {
  ch._done[d._cookie] = status(s, d._residue);
  delete ch._done[d._cookie - DONE_KEPT];
}

function notify(ch: Channel, d: Descriptor, result: string, residue: number): void {
  var cb = d._cb;
  if (d._state === DONE) d._cb = null;
  if (!cb) return;
  ch._inCb++;
  try {
    cb({ result: result, residue: residue });
  } catch (e) {
    // A throwing callback must not break the channel: report it like Espruino reports an
    // uncaught error and go on with the next descriptor.
    ch._f.report(e);
  } finally {
    ch._inCb--;
  }
}
