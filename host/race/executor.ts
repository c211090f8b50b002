// Runs one race case (a program + an adversarial schedule seed) on a fresh virtual board and
// checks every invariant of the design after every step. The model here is what a client may
// expect from the API (the seed's rules), not a copy of the core's logic:
// - a descriptor is submitted, issued, then either notified (its callback ran, once) or aborted
//   (terminateAsync saw it before its callback ran: no callback ever after, txStatus "aborted");
// - after terminateAsync the channel awaits synchronize: issuePending throws EBUSY; a successful
//   synchronize/terminateSync means the stream is stopped (EN=0) and the aborted buffers are the
//   client's again: it may free them or let the interpreter reuse them (canary);
// - synchronize/terminateSync/release inside a callback throw EDEADLK and change nothing; so do
//   they, with EINVAL, for a timeout that is not a number >= 0;
// - callbacks run from the event loop, never inside an API call but synchronize(), which runs
//   the callbacks already due (also on a channel that was not terminated, with transfers
//   running); whatever those callbacks terminate, the same synchronize() has stopped;
// - while any buffer is the hardware's (submitted, running, or aborted and not synchronized),
//   the heap guard refuses E.defrag()/E.toFlatString() (README rule 6);
// - nothing in flight: no timer (checked after every step); a completed memcpy or dev2mem moved
//   exactly its bytes; a mem2dev channel's port saw each descriptor's bytes in order and nothing
//   else; guards intact;
// - late writes are the board's memory-ownership violations: buffers the client gave back are
//   freed (or overwritten with a canary), and buffers it dropped are freed by an emulated
//   collector the moment nothing in the core references them.
import type { BoardDef } from "../../boards/types";
import type { CallbackAction, ChannelKind, RaceCase, Step, TimeoutToken } from "./program";
import { timeoutValue, badTimeout } from "./program";
import { RaceFailure } from "./invariants";
import type { Mutant } from "./mutants";
import { createWorld, gpioAddr, gpioWidths, pacingTimer, startPacing } from "./world";
import type { World } from "./world";
import { enabledStreamsTouching } from "./hw-inspect";
import type { HwStream } from "./hw-inspect";

const GUARD_LEN = 8;
const GUARD = 0xee;
/** Rate of the timer that paces GPIO transfers. */
export const PACE_HZ = 50000;
/** Simulated time the final checks wait for queued transfers and for timers to go away. */
const SETTLE_MS = 100;

interface Buf {
  block: Uint8Array;
  view: Uint8Array;
  start: number;
  end: number;
  freed: boolean;
  /** Byte the client overwrote the block with after giving it back, or -1. */
  canary: number;
}

type DescState = "submitted" | "issued" | "notified" | "aborted";

interface Desc {
  id: number;
  ch: number;
  kind: "memcpy" | "paced" | "cyclic";
  len: number;
  cookie: any;
  bufs: Buf[];
  /** memcpy / dev2mem: what the destination must hold after completion. */
  expect: Uint8Array | null;
  /** mem2dev: the bytes it must put out on the port, in order (cyclic: over and over). */
  sent: Uint8Array | null;
  /** cyclic: bytes per period. */
  per: number;
  state: DescState;
  callbacks: number;
  action: CallbackAction;
  acted: boolean;
  /** Aborted, and a synchronize returned since. */
  abortSynced: boolean;
  /** Submitted after a terminate + synchronize on its channel (invariant 8). */
  afterSync: boolean;
  dropped: boolean;
}

interface Chan {
  index: number;
  kind: ChannelKind;
  api: any;
  awaitingSync: boolean;
  paused: boolean;
  hadSync: boolean;
  released: boolean;
  descs: Desc[];
}

type CallResult = { ok: true; value: any } | { ok: false; err: any };

export interface ExecResult {
  failure: RaceFailure | null;
  steps: number;
}

export class Executor {
  readonly w: World;
  private chans: Chan[] = [];
  private descs: Desc[] = [];
  private bufs: Buf[] = [];
  private depth = 0;
  /** The depth of the synchronize() call now running, whose callbacks may run inside it. */
  private syncAt = -1;
  private step = -1;
  private failure: RaceFailure | null = null;
  private violationsSeen = 0;
  private nextId = 1;

  constructor(readonly board: BoardDef, readonly rc: RaceCase, readonly mutant: Mutant | null) {
    this.w = createWorld(board, rc.schedule, mutant);
    var self = this;
    this.w.loop.onError = function (e) {
      if (!(e instanceof RaceFailure)) self.note("api", "a timer callback threw: " + errText(e));
    };
  }

  // ---------------------------------------------------------------- running

  run(): ExecResult {
    try {
      this.setup();
      var steps = this.rc.program.steps;
      for (var i = 0; i < steps.length; i++) {
        this.step = i;
        this.exec(steps[i]);
        this.gcSweep();
        this.checkAll();
        // A heap move may come at any point: after every step, and in every callback (below).
        this.checkHeapGuard("E.defrag() after step " + i);
        this.checkIdleTimers();
      }
      this.step = -1;
      this.finish();
    } catch (e) {
      if (!(e instanceof RaceFailure)) {
        try { this.fail("api", "harness stopped on: " + errText(e) + (e && (e as any).stack ? "\n" + String((e as any).stack).split("\n").slice(1, 4).join("\n") : "")); } catch (_) { /* recorded */ }
      }
    }
    return { failure: this.failure, steps: this.rc.program.steps.length };
  }

  private setup(): void {
    var kinds = this.rc.program.channels;
    // Paced channels first: on F1 their fixed request channels might otherwise be taken by MEM2MEM.
    var order = kinds.map(function (k, i) { return i; }).sort(function (a, b) {
      return (kinds[a] === "mem2mem" ? 1 : 0) - (kinds[b] === "mem2mem" ? 1 : 0) || a - b;
    });
    var paced: { [t: string]: boolean } = {};
    for (var n = 0; n < order.length; n++) {
      var i = order[n], kind = kinds[i], api: any;
      if (kind === "mem2mem") {
        api = this.w.engine.requestChannel({ request: "MEM2MEM", dir: "mem2mem" });
      } else {
        var t = pacingTimer(this.board, kind);
        if (!t) throw new Error("no pacing timer for " + kind + " on " + this.board.name);
        api = this.w.engine.requestChannel({ request: t.updateRequest, dir: kind });
        var wd = gpioWidths(this.board, kind, this.rc.program.fifo);
        api.config({ periphAddr: gpioAddr(this.board, kind), periphWidth: wd.periphWidth, memWidth: wd.memWidth });
        if (!paced[t.name]) { startPacing(this.w, t, PACE_HZ); paced[t.name] = true; }
      }
      if (this.mutant && this.mutant.wrapChannel) this.mutant.wrapChannel(api, this.w);
      this.chans[i] = { index: i, kind: kind, api: api, awaitingSync: false, paused: false, hadSync: false, released: false, descs: [] };
    }
  }

  private exec(s: Step): void {
    var self = this;
    if (s.op === "tick") { this.runOne(Infinity); return; }
    if (s.op === "idle") { this.runFor(s.us / 1000); return; }
    if (s.op === "heap") { this.checkHeapGuard("E." + s.call + "()"); return; }
    var c = this.chans[s.ch];
    switch (s.op) {
      case "memcpy":
      case "paced":
        this.newTransfer(c, s.len, 0, s.cb);
        return;
      case "cyclic":
        this.newTransfer(c, s.periods * s.periodLen, s.periodLen, s.cb);
        return;
      case "issue":
        this.issue(c, "issuePending()");
        return;
      case "terminateAsync":
        this.terminateAsync(c);
        return;
      case "stop":
        if (s.split) {
          this.terminateAsync(c);
          this.expectOk(this.callSync(function () { return c.api.synchronize(); }), "synchronize()");
          this.synced(c, "synchronize()");
        } else {
          this.expectOk(this.callSync(function () { return c.api.terminateSync(); }), "terminateSync()");
          this.abortAll(c);
          this.synced(c, "terminateSync()");
        }
        this.giveBackAll(c, s.mode);
        return;
      case "terminateSync":
      case "synchronize":
        this.syncStep(c, s.op, s.timeout);
        return;
      case "pause": {
        var r = this.call(function () { return c.api.pause(); });
        // pause() may refuse when nothing is running; whatever it answers, it must be a DmaError.
        if (!r.ok) this.expectDmaError(r, "pause()");
        else if (this.inFlight(c)) c.paused = true;
        return;
      }
      case "resume": {
        var q = this.call(function () { return c.api.resume(); });
        if (!q.ok) this.expectDmaError(q, "resume()");
        else c.paused = false;
        return;
      }
      case "due":
        this.runUntil(function () { return self.callbackDue(c); }, 5);
        return;
      case "status":
        this.checkStatuses(c);
        return;
      case "release":
        this.giveBackAll(c, s.mode);
        return;
      case "drop":
        c.descs.forEach(function (d) { d.dropped = true; });
        return;
    }
  }

  // ---------------------------------------------------------------- client operations

  private call(f: () => any): CallResult {
    this.depth++;
    try {
      return { ok: true, value: f() };
    } catch (e) {
      if (e instanceof RaceFailure) throw e;
      return { ok: false, err: e };
    } finally {
      this.depth--;
    }
  }

  /** A call that may run callbacks inside it (synchronize and what calls it). */
  private callSync(f: () => any): CallResult {
    var at = this.syncAt;
    this.syncAt = this.depth + 1;
    try {
      return this.call(f);
    } finally {
      this.syncAt = at;
    }
  }

  /** synchronize() / terminateSync() with a timeout token, on any channel in any state: also one
   * that was not terminated, with transfers running and callbacks due. */
  private syncStep(c: Chan, op: "synchronize" | "terminateSync", t: TimeoutToken | undefined): void {
    var v = timeoutValue(t), what = op + "(" + (t && t !== "none" ? t : "") + ")";
    var r = this.callSync(function () { return c.api[op](v); });
    if (c.released) { this.expectErr(r, "EPERM", what + " on a released channel", "5"); return; }
    if (badTimeout(t)) {
      // Refused before anything changes: a timeout that is not a number would never expire.
      this.expectErr(r, "EINVAL", what, "5");
      return;
    }
    // A short explicit bound may expire before the stop shows: the buffers stay pinned.
    var timedOut = !r.ok && errCode(r.err) === "ETIMEDOUT" && (t === "0" || t === "5");
    if (!timedOut) this.expectOk(r, what);
    if (op === "terminateSync") this.abortAll(c);
    if (!timedOut) this.synced(c, what);
  }

  /** Rule 6: while the hardware may touch a buffer, a heap move must be refused. */
  private checkHeapGuard(what: string): void {
    for (var i = 0; i < this.descs.length; i++) {
      var d = this.descs[i], c = this.chans[d.ch];
      var owned = d.state === "submitted" || d.state === "issued" || (d.state === "aborted" && !d.abortSynced);
      if (owned && !c.released && !this.w.heapBusy && !this.hardwareDone(c, d)) {
        this.fail("heap", what + " allowed while descriptor #" + d.id + " (" + d.kind + ", " + d.state + ") holds its buffers: the heap may move under the DMA");
      }
    }
  }

  /** A callback of this channel is due: a descriptor the hardware finished, not yet notified. */
  private callbackDue(c: Chan): boolean {
    if (c.released) return true;
    for (var i = 0; i < c.descs.length; i++) if (c.descs[i].kind !== "cyclic" && this.hardwareDone(c, c.descs[i])) return true;
    return false;
  }

  /** An issued descriptor the hardware has finished (its callback may still be due). */
  private hardwareDone(c: Chan, d: Desc): boolean {
    if (d.state !== "issued") return false;
    var r = this.call(function () { return c.api.txStatus(d.cookie); });
    return r.ok && !!r.value && (r.value.status === "complete" || r.value.status === "error");
  }

  private newTransfer(c: Chan, len: number, periodLen: number, action: CallbackAction): Desc | null {
    var self = this;
    var d: Desc = {
      id: this.nextId++, ch: c.index, kind: c.kind === "mem2mem" ? "memcpy" : periodLen ? "cyclic" : "paced", len: len,
      cookie: null, bufs: [], expect: null, sent: null, per: periodLen, state: "submitted", callbacks: 0, action: action, acted: false,
      abortSynced: false, afterSync: c.hadSync, dropped: false,
    };
    var opts = { callback: function (r: any) { self.onCallback(d, r); } };
    var prep: () => any;
    if (d.kind === "memcpy") {
      var src = this.alloc(len), dst = this.alloc(len);
      for (var i = 0; i < len; i++) { src.view[i] = (i * 7 + d.id * 13 + 1) & 0xff; dst.view[i] = src.view[i] ^ 0xff; }
      d.bufs = [src, dst];
      d.expect = new Uint8Array(src.view);
      prep = function () { return c.api.prepMemcpy(dst.view, src.view, len, opts); };
    } else {
      var b = this.alloc(len);
      d.bufs = [b];
      if (c.kind === "dev2mem") {
        b.view.fill(this.w.gpioInput);
      } else {
        for (var j = 0; j < len; j++) b.view[j] = (j * 5 + d.id * 11 + 3) & 0xff;
        d.sent = new Uint8Array(b.view);
      }
      prep = d.kind === "cyclic"
        ? function () { return c.api.prepCyclic(b.view, periodLen, c.kind, opts); }
        : function () { return c.api.prepSlaveSg([b.view], c.kind, opts); };
    }
    var r = this.call(function () { return prep().submit(); });
    if (c.released) { this.expectErr(r, "EPERM", "prep on a released channel", "5"); return null; }
    this.expectOk(r, d.kind + " prep + submit");
    d.cookie = (r as any).value;
    c.descs.push(d);
    this.descs.push(d);
    return d;
  }

  private issue(c: Chan, what: string): void {
    var r = this.call(function () { return c.api.issuePending(); });
    if (c.released) { this.expectErr(r, "EPERM", what + " on a released channel", "5"); return; }
    if (c.awaitingSync) {
      // Between terminateAsync() and synchronize(): refused, and nothing changes.
      this.expectErr(r, "EBUSY", what + " after terminateAsync() and before synchronize()", "5");
      return;
    }
    this.expectOk(r, what);
    c.descs.forEach(function (d) { if (d.state === "submitted") d.state = "issued"; });
  }

  private terminateAsync(c: Chan): void {
    var r = this.call(function () { return c.api.terminateAsync(); });
    if (c.released) { this.expectErr(r, "EPERM", "terminateAsync() on a released channel", "5"); return; }
    this.expectOk(r, "terminateAsync()");
    this.abortAll(c);
  }

  private abortAll(c: Chan): void {
    var self = this;
    c.descs.forEach(function (d) {
      if (d.state === "submitted" || d.state === "issued") {
        d.state = "aborted";
        d.abortSynced = false;
      }
    });
    c.awaitingSync = true;
    c.paused = false;
  }

  /** synchronize()/terminateSync() returned: the stream must be stopped now (invariant 4). */
  private synced(c: Chan, what: string): void {
    var ranges: { start: number; end: number }[] = [];
    c.descs.forEach(function (d) {
      if (d.state === "aborted" && !d.abortSynced) {
        d.abortSynced = true;
        d.bufs.forEach(function (b) { if (!b.freed) ranges.push({ start: b.start, end: b.end }); });
      }
    });
    // The channel's own stream/channel must read EN=0 (RM0090 10.5.5, RM0008 13.4.3): after a
    // synchronize nothing is started until the next issuePending(). (A channel not terminated,
    // before or by a callback synchronize() ran, may still be running.)
    var own = c.awaitingSync ? this.streamOf(c) : null;
    if (own) {
      var st = own.read();
      if (st.en) this.fail("4", what + " returned while " + own.name + " still reads EN=1 (NDTR=" + st.ndtr + ")");
      // An F2/F4 stream finishes its current item after EN is cleared and EN reads 1 until then
      // (RM0090 10.3.14, 10.5.5): a stop is confirmed only by reading EN=0 after asking for it,
      // whether or not the item happened to be done by now. (On the F1 EN is a plain software
      // bit, RM0008 13.4.3: nothing to confirm.)
      if (this.board.family === "F4" && this.w.stopSeen[own.crAddr] === false) {
        this.fail("4", what + " returned but nothing read " + own.name + "'s EN=0 since its stop was asked");
      }
    }
    // And no other stream may still work on a buffer of a terminated descriptor.
    var busy = enabledStreamsTouching(this.w.streams, ranges);
    if (busy.length) this.fail("4", what + " returned while " + busy.join(", ") + " still runs on a terminated descriptor's buffer");
    c.awaitingSync = false;
    c.hadSync = true;
  }

  /** The hardware stream (F4) or channel (F1) behind a client channel, by its name. */
  private streamOf(c: Chan): HwStream | null {
    var name = c.api && c.api.name;
    for (var i = 0; i < this.w.streams.length; i++) if (this.w.streams[i].name === name) return this.w.streams[i];
    return null;
  }

  private inFlight(c: Chan): boolean {
    for (var i = 0; i < c.descs.length; i++) if (c.descs[i].state === "issued") return true;
    return false;
  }

  private liveCyclic(c: Chan): boolean {
    for (var i = 0; i < c.descs.length; i++) if (c.descs[i].kind === "cyclic" && c.descs[i].state === "issued") return true;
    return false;
  }

  // ---------------------------------------------------------------- callbacks

  private onCallback(d: Desc, r: any): void {
    if (this.failure) return;
    try {
      var c = this.chans[d.ch];
      if (this.depth > 0 && this.depth !== this.syncAt) this.fail("5", "callback of descriptor #" + d.id + " ran inside an API call (callbacks must run from the completion task, or synchronize())");
      d.callbacks++;
      if (d.state === "aborted") {
        this.fail(d.abortSynced ? "1" : "3", "callback of descriptor #" + d.id + " (" + d.kind + ") ran after it was aborted by terminateAsync()" + (d.abortSynced ? " and synchronize() returned" : ""));
      }
      if (d.state === "submitted") this.fail("3", "callback of descriptor #" + d.id + " ran before issuePending()");
      if (d.state === "notified") this.fail("3", "callback of descriptor #" + d.id + " ran " + d.callbacks + " times");
      if (!r || r.result !== "ok") this.fail(d.afterSync ? "8" : "7", "descriptor #" + d.id + " called back with result " + JSON.stringify(r && r.result));
      if (d.kind === "cyclic") {
        // A period callback says a period went through the port: never more than the port saw.
        var moved = c.kind === "mem2dev" ? this.w.odrLog.length : this.w.idrReads;
        if (d.callbacks * d.per > moved) this.fail(d.afterSync ? "8" : "7", "cyclic descriptor #" + d.id + " reported " + d.callbacks + " period(s) of " + d.per + " bytes but the port moved only " + moved + " byte(s)");
      } else {
        d.state = "notified";
        if (r.residue !== 0) this.fail(d.afterSync ? "8" : "7", "descriptor #" + d.id + " completed with residue " + r.residue);
        this.checkData(d);
      }
      this.checkHeapGuard("E.defrag() in a callback");
      if (!d.acted) {
        d.acted = true;
        this.act(c, d);
      }
    } catch (e) {
      if (!(e instanceof RaceFailure)) this.note("api", "callback step crashed: " + errText(e));
    }
  }

  private act(c: Chan, d: Desc): void {
    var self = this;
    switch (d.action) {
      case "none":
        return;
      case "terminateAsync":
        this.terminateAsync(c);
        return;
      case "submit": {
        var n = this.newTransfer(c, 8, 0, "none");
        if (n) this.issue(c, "issuePending() in a callback");
        return;
      }
      default: {
        // synchronize / terminateSync / release in a callback: EDEADLK, and nothing changes.
        var name = d.action;
        var before = this.statuses(c);
        var r = this.call(function () { return c.api[name](); });
        this.expectErr(r, "EDEADLK", name + "() inside a callback", "5");
        var after = this.statuses(c);
        if (before !== after) this.fail("5", name + "() inside a callback was refused but changed the channel: " + before + " -> " + after);
        void self;
      }
    }
  }

  // ---------------------------------------------------------------- checks

  private checkData(d: Desc): void {
    if (d.dropped) return;
    var dst = d.bufs[d.bufs.length - 1];
    if (dst.freed || dst.canary >= 0) return;
    if (d.kind === "paced" && this.chans[d.ch].kind === "dev2mem") {
      // The port counts up per read: the items must be consecutive reads, none lost or doubled.
      for (var j = 1; j < d.len; j++) {
        if (dst.view[j] !== ((dst.view[j - 1] + 1) & 0xff)) {
          this.fail(d.afterSync ? "8" : "7", "dev2mem descriptor #" + d.id + " (" + d.len + " bytes) completed but holds " + outText(Array.prototype.slice.call(dst.view)) + ": not consecutive reads of the port");
        }
      }
      if (d.len === 1 && dst.view[0] === this.w.gpioInput && this.w.idrReads === 0) this.fail(d.afterSync ? "8" : "7", "dev2mem descriptor #" + d.id + " completed but the port was never read");
      return;
    }
    if (!d.expect) return;
    for (var i = 0; i < d.len; i++) {
      if (dst.view[i] !== d.expect[i]) {
        this.fail(d.afterSync ? "8" : "7", "descriptor #" + d.id + " (" + d.kind + ", " + d.len + " bytes) completed but byte " + i + " is 0x" + dst.view[i].toString(16) + ", want 0x" + d.expect[i].toString(16));
      }
    }
  }

  private statuses(c: Chan): string {
    var out: string[] = [];
    for (var i = 0; i < c.descs.length; i++) {
      var d = c.descs[i];
      var r = this.call(function () { return c.api.txStatus(d.cookie); });
      out.push("#" + d.id + ":" + (r.ok ? r.value && r.value.status : "throws " + errCode(r.err)));
    }
    return out.join(" ");
  }

  private checkStatuses(c: Chan): void {
    if (c.released) return;
    for (var i = 0; i < c.descs.length; i++) {
      var d = c.descs[i];
      var r = this.call(function () { return c.api.txStatus(d.cookie); });
      this.expectOk(r, "txStatus(cookie of #" + d.id + ")");
      var st = (r as any).value && (r as any).value.status;
      if (d.state === "aborted" && st !== "aborted") this.fail("3", "txStatus of aborted descriptor #" + d.id + " is " + JSON.stringify(st) + ", want \"aborted\"");
      if (d.state === "notified" && st !== "complete") this.fail("3", "txStatus of completed descriptor #" + d.id + " is " + JSON.stringify(st) + ", want \"complete\"");
      if ((d.state === "issued" || d.state === "submitted") && (st === "aborted" || st === "error")) {
        this.fail("3", "txStatus of live descriptor #" + d.id + " (" + d.state + ") is " + JSON.stringify(st));
      }
    }
  }

  /** Invariant 6: with nothing in flight (no descriptor issued and not yet ended, no channel
   * waiting for synchronize()), no timer of the driver is left: the board may sleep. */
  private checkIdleTimers(): void {
    for (var i = 0; i < this.descs.length; i++) if (this.descs[i].state === "issued") return;
    for (var j = 0; j < this.chans.length; j++) if (this.chans[j].awaitingSync) return;
    var n = this.w.loop.pending();
    if (n) this.fail("6", n + " timer(s) pending while no transfer is in flight");
  }

  /** Invariant 7 for mem2dev: the port saw, in order, each descriptor's bytes: all of them for
   * one that called back, a prefix for one aborted or still running, the ring over and over
   * for a cyclic one, and nothing else (no byte twice, none skipped, nothing after a stop). */
  private checkOutput(c: Chan): void {
    var log = this.w.odrLog, reach: { [p: number]: boolean } = { 0: true }, list = [0];
    for (var i = 0; i < c.descs.length; i++) {
      var d = c.descs[i], data = d.sent!, n = data.length, ring = d.kind === "cyclic";
      var full = d.state === "notified" && !ring, next: { [p: number]: boolean } = {}, nl: number[] = [];
      for (var k = 0; k < list.length; k++) {
        var p = list[k], m = 0;
        while (p + m < log.length && (ring || m < n) && log[p + m] === data[m % n]) m++;
        if (full) { if (m === n && !next[p + n]) { next[p + n] = true; nl.push(p + n); } continue; }
        for (var q = p; q <= p + m; q++) if (!next[q]) { next[q] = true; nl.push(q); }
      }
      if (!nl.length) this.fail(d.afterSync ? "8" : "7", "mem2dev descriptor #" + d.id + " (" + (ring ? "cyclic, " : "") + n + " bytes, " + d.state + "): the port output " + outText(log) + " is not its bytes in order");
      reach = next;
      list = nl;
    }
    if (!reach[log.length]) this.fail("7", "the port output " + outText(log) + " has bytes no descriptor sent (after " + c.descs.length + " descriptor(s))");
  }

  /** After every step: late DMA writes, guard bytes, canaries, errors the board reported. */
  private checkAll(): void {
    if (this.failure) throw this.failure;
    for (var ci = 0; ci < this.chans.length; ci++) if (this.chans[ci].kind === "mem2dev") this.checkOutput(this.chans[ci]);
    var v = this.w.mcu.violations;
    if (v.length > this.violationsSeen) {
      var x = v[this.violationsSeen];
      this.violationsSeen = v.length;
      var late = x.kind === "write_to_freed" || x.kind === "write_to_moved";
      this.fail(late ? "2" : "7", x.source + " wrote 0x" + x.addr.toString(16) + " (" + x.kind + (x.detail ? ", " + x.detail : "") + ") at cycle " + x.cycle);
    }
    for (var i = 0; i < this.bufs.length; i++) {
      var b = this.bufs[i];
      if (b.freed) continue;
      var blk = b.block;
      if (b.canary >= 0) {
        for (var k = 0; k < blk.length; k++) {
          if (blk[k] !== b.canary) this.fail("2", "a buffer given back after synchronize() was written at 0x" + (b.start - GUARD_LEN + k).toString(16) + " (canary 0x" + b.canary.toString(16) + " became 0x" + blk[k].toString(16) + ")");
        }
        continue;
      }
      for (var g = 0; g < GUARD_LEN; g++) {
        if (blk[g] !== GUARD) this.fail("7", "guard byte before buffer at 0x" + b.start.toString(16) + " changed");
        if (blk[blk.length - 1 - g] !== GUARD) this.fail("7", "guard byte after buffer at 0x" + b.start.toString(16) + " (" + b.view.length + " bytes) changed");
      }
    }
    var rep = this.w.direct.reported;
    if (rep.length) this.fail("api", "the board reported an uncaught error: " + errText(rep[0]));
  }

  // ---------------------------------------------------------------- buffers

  private alloc(len: number): Buf {
    var block = this.w.direct.directAlloc(len + 2 * GUARD_LEN);
    block.fill(GUARD);
    var view = block.subarray(GUARD_LEN, GUARD_LEN + len);
    var start = this.w.direct.addressOf(view);
    var b: Buf = { block: block, view: view, start: start, end: start + len, freed: false, canary: -1 };
    this.bufs.push(b);
    return b;
  }

  /** May the client give this descriptor's buffers back? Only once the hardware is done with
   * them: its callback ran (not cyclic), or it was aborted and a synchronize returned since. */
  private mayGiveBack(d: Desc): boolean {
    return (d.state === "notified" && d.kind !== "cyclic") || (d.state === "aborted" && d.abortSynced);
  }

  private giveBackAll(c: Chan, mode: "free" | "canary"): void {
    for (var i = 0; i < c.descs.length; i++) {
      var d = c.descs[i];
      if (!d.dropped && this.mayGiveBack(d)) for (var j = 0; j < d.bufs.length; j++) this.giveBack(d.bufs[j], mode);
    }
  }

  private giveBack(b: Buf, mode: "free" | "canary"): void {
    if (b.freed || b.canary >= 0) return;
    if (mode === "free") this.free(b);
    else {
      b.canary = 0x5a;
      b.block.fill(b.canary);
    }
  }

  private free(b: Buf): void {
    if (b.freed) return;
    b.freed = true;
    this.w.direct.directFree(b.block);
  }

  /** The emulated garbage collector: a buffer the client dropped is freed as soon as nothing
   * in the core references it any more. What the core holds is found by walking its objects
   * from the engine (as a collector would), not from our model of when it should let go: a
   * core that unpins too early gets its buffers freed early, and a late DMA write to them is
   * then a memory-ownership violation of the board. */
  private gcSweep(): void {
    var cand: Buf[] = [];
    for (var i = 0; i < this.descs.length; i++) {
      var d = this.descs[i];
      if (d.dropped) for (var j = 0; j < d.bufs.length; j++) if (!d.bufs[j].freed) cand.push(d.bufs[j]);
    }
    if (!cand.length) return;
    var held = this.coreHeld();
    for (var k = 0; k < cand.length; k++) if (!held.has(cand[k].view)) this.free(cand[k]);
  }

  /** Every typed array reachable from the engine, not counting the platform and the provider
   * (board services, not the core's data). */
  private coreHeld(): Set<unknown> {
    var w = this.w;
    var skip = new Set<unknown>([w.platform, w.direct, w.provider, w.mcu, w.loop, w.hooks, w.board]);
    var seen = new Set<unknown>(), out = new Set<unknown>(), stack: any[] = [w.engine];
    while (stack.length) {
      var o = stack.pop();
      if (seen.has(o) || skip.has(o)) continue;
      seen.add(o);
      if (ArrayBuffer.isView(o)) { out.add(o); continue; }
      for (var key in o) {
        var v = o[key];
        if (v !== null && typeof v === "object") stack.push(v);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- time

  private runOne(limitMs: number): boolean {
    var ran = this.w.loop.runOne(limitMs);
    if (this.failure) throw this.failure;
    return ran;
  }

  private runFor(ms: number): void {
    var end = this.w.loop.now() + ms;
    while (this.runOne(end)) { /* keep going */ }
    this.w.loop.advanceTo(end);
  }

  private runUntil(pred: () => boolean, ms: number): boolean {
    var end = this.w.loop.now() + ms;
    while (!pred()) if (!this.runOne(end)) break;
    return pred();
  }

  // ---------------------------------------------------------------- the end of a case

  /** Let queued work finish, tear everything down and check what must hold at the end. */
  private finish(): void {
    var self = this;
    var live = this.chans.filter(function (c) { return !c.released; });
    // Everything submitted gets issued and (unless a cyclic transfer holds the channel) completes.
    live.forEach(function (c) {
      if (c.paused) {
        var r = self.call(function () { return c.api.resume(); });
        self.expectOk(r, "resume() of a paused channel");
        c.paused = false;
      }
      if (!c.awaitingSync) self.issue(c, "issuePending()");
    });
    var expected = function () {
      return self.descs.filter(function (d) {
        var c = self.chans[d.ch];
        return d.kind !== "cyclic" && d.state === "issued" && !self.liveCyclic(c);
      });
    };
    this.runUntil(function () { return expected().length === 0; }, SETTLE_MS);
    this.gcSweep();
    this.checkAll();
    var stuck = expected();
    if (stuck.length) this.fail(stuck[0].afterSync ? "8" : "3", "descriptor #" + stuck[0].id + " (" + stuck[0].kind + ", " + stuck[0].len + " bytes) never ended: no callback " + SETTLE_MS + " ms after issuePending()");
    // Stop everything, the way a client does before freeing: terminateSync().
    live.forEach(function (c) {
      self.expectOk(self.callSync(function () { return c.api.terminateSync(); }), "terminateSync() at the end");
      self.abortAll(c);
      self.synced(c, "terminateSync()");
    });
    this.gcSweep();
    this.runFor(SETTLE_MS);
    this.checkAll();
    if (this.w.loop.pending()) this.fail("6", this.w.loop.pending() + " timer(s) still pending " + SETTLE_MS + " ms after terminateSync() of every channel");
    // Invariant 8: each channel carries a new transfer correctly after terminate + synchronize.
    live.forEach(function (c) {
      var kind = c.kind;
      var d = self.newTransfer(c, kind === "mem2mem" ? 24 : self.rc.program.fifo ? 8 : 6, 0, "none");
      if (!d) return;
      d.afterSync = true;
      self.issue(c, "issuePending() after terminateSync()");
      self.runUntil(function () { return d!.callbacks > 0; }, SETTLE_MS);
      if (d.callbacks === 0) self.fail("8", "a new " + d.kind + " after terminateSync() never completed");
    });
    this.runFor(1);
    this.checkAll();
    // Every submitted descriptor ended exactly once.
    this.descs.forEach(function (d) {
      if (d.kind === "cyclic") return;
      if (d.state === "notified" && d.callbacks === 1) return;
      if (d.state === "aborted" && d.callbacks === 0) return;
      self.fail("3", "descriptor #" + d.id + " ended as " + d.state + " with " + d.callbacks + " callback(s)");
    });
    // Releasing the channels leaves no timer behind.
    live.forEach(function (c) {
      self.expectOk(self.callSync(function () { return c.api.release(); }), "release()");
      c.released = true;
    });
    this.runFor(SETTLE_MS);
    this.checkAll();
    if (this.w.loop.pending()) this.fail("6", this.w.loop.pending() + " timer(s) still pending after every channel was released");
  }

  // ---------------------------------------------------------------- outcomes

  private expectOk(r: CallResult, what: string): void {
    if (!r.ok) this.fail("api", what + " threw " + errText(r.err));
  }

  private expectErr(r: CallResult, code: string, what: string, inv: string): void {
    if (r.ok) this.fail(inv, what + " succeeded; it must throw DmaError " + code);
    else if (errCode(r.err) !== code) this.fail(inv, what + " threw " + errText(r.err) + "; want DmaError " + code);
  }

  private expectDmaError(r: CallResult, what: string): void {
    if (!r.ok && (!r.err || typeof r.err.code !== "string" || r.err.name !== "DmaError")) this.fail("api", what + " threw " + errText(r.err) + " (not a DmaError)");
  }

  /** Record the first failure and stop the current step. */
  private fail(inv: string, detail: string): never {
    if (!this.failure) this.failure = new RaceFailure(inv, detail, this.step);
    throw this.failure;
  }

  /** Record a failure seen where throwing would not stop the case (inside a timer). */
  private note(inv: string, detail: string): void {
    if (!this.failure) this.failure = new RaceFailure(inv, detail, this.step);
  }
}

function outText(log: number[]): string {
  var s = log.slice(0, 24).map(function (b) { return b.toString(16); }).join(" ");
  return "[" + s + (log.length > 24 ? " ... (" + log.length + " bytes)" : "") + "]";
}

function errCode(e: any): string {
  return e && typeof e.code === "string" ? e.code : "";
}

function errText(e: any): string {
  if (e && typeof e === "object") return (e.code ? e.code + " " : "") + (e.message || String(e));
  return String(e);
}

export function runCase(board: BoardDef, rc: RaceCase, mutant: Mutant | null): ExecResult {
  return new Executor(board, rc, mutant).run();
}
