// A client's channel, after Linux virt-dma: descriptors sit in lists named by their stage
// (submitted -> issued -> active -> completed -> done, or -> terminated), and every transition
// is a move between lists. The engine (engine.ts) owns the poll timer and the completion task.
import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan, SlaveConfig, Direction, HwEvent, Segment, PrepRequest } from "./provider";
import { Descriptor } from "./descriptor";
import { dmaError, codes } from "./errors";
import { callbackOf, checkLen, checkBuffer, checkWidth, isWholePositive } from "./validate";

/** What a channel needs from its engine. */
export interface ChannelHost {
  platform: Platform;
  provider: Provider;
  /** Re-evaluate the poll timer and the in-flight state after a change. */
  kick(): void;
  scheduleCompletion(): void;
  /** synchronize() finished: drop the completion task if nothing is left to notify. */
  afterSync(): void;
  warnDeprecated(what: string, instead: string): void;
  forget(ch: Channel): void;
}

/** Bounded wait of synchronize() when the caller gives none: stopping takes one data item. */
var DEFAULT_SYNC_MS = 100;
/** Final states remembered per channel for txStatus() of finished cookies. */
var DONE_KEPT = 32;

function removeFrom(list: Descriptor[], d: Descriptor): void {
  for (var i = 0; i < list.length; i++) if (list[i] === d) { list.splice(i, 1); return; }
}

function findIn(list: Descriptor[], cookie: number): Descriptor | null {
  for (var i = 0; i < list.length; i++) if (list[i].cookie === cookie) return list[i];
  return null;
}

export class Channel {
  host: ChannelHost;
  pc: ProviderChan;
  name: string;
  /** Fixed direction of the channel, or "" when a slave channel serves both. */
  dir: string;
  cfg: SlaveConfig;
  // The lists. `active` is the one descriptor on the hardware; `completed` holds those the
  // hardware finished whose callback has not run (and a cyclic one with periods to report);
  // `terminated` holds aborted ones whose buffers stay pinned until synchronize().
  submitted: Descriptor[];
  issued: Descriptor[];
  active: Descriptor | null;
  completed: Descriptor[];
  terminated: Descriptor[];
  nextCookie: number;
  /** cookie -> final {status, residue} of the last DONE_KEPT finished descriptors. */
  done: any;
  doneOrder: number[];
  paused: boolean;
  /** terminateAsync() ran and synchronize() has not: issuePending() is refused meanwhile. */
  needSync: boolean;
  /** Depth of this channel's callbacks running now (synchronize would wait for itself). */
  inCallback: number;
  released: boolean;

  constructor(host: ChannelHost, pc: ProviderChan, dir: string) {
    this.host = host;
    this.pc = pc;
    this.name = pc.name;
    this.dir = dir;
    this.cfg = {};
    this.submitted = [];
    this.issued = [];
    this.active = null;
    this.completed = [];
    this.terminated = [];
    this.nextCookie = 1;
    this.done = {};
    this.doneOrder = [];
    this.paused = false;
    this.needSync = false;
    this.inCallback = 0;
    this.released = false;
  }

  // ------------------------------------------------------------------ client API

  /** Slave configuration (dmaengine_slave_config). Merged into the previous one. */
  config(cfg: SlaveConfig): void {
    this.usable();
    if (!cfg || typeof cfg !== "object") throw dmaError(codes.EINVAL, "config() takes an object such as { periphAddr: 0x4001100c, periphWidth: 1 }");
    checkWidth(cfg.periphWidth, "periphWidth");
    checkWidth(cfg.memWidth, "memWidth");
    var merged: any = {}, k: string, old: any = this.cfg, add: any = cfg;
    for (k in old) if (old.hasOwnProperty(k)) merged[k] = old[k];
    for (k in add) if (add.hasOwnProperty(k)) merged[k] = add[k];
    this.host.provider.config(this.pc, merged);
    this.cfg = merged;
  }

  /** Memory to memory copy of len bytes. */
  prepMemcpy(dst: any, src: any, len: number, opts?: any): Descriptor {
    this.usable();
    if (this.dir !== "mem2mem") throw dmaError(codes.EINVAL, "prepMemcpy needs a mem2mem channel: requestChannel({ request: \"mem2mem\" })");
    var cb = callbackOf(opts);
    var mw = this.cfg.memWidth || 1, pw = this.cfg.periphWidth || mw;
    var p = this.host.platform, prov = this.host.provider;
    checkLen(prov, this.pc, len, pw > mw ? pw : mw, "memcpy");
    var d = checkBuffer(p, prov, dst, len, mw, "dst");
    var s = checkBuffer(p, prov, src, len, pw, "src");
    var hw = prov.prep(this.pc, { kind: "memcpy", dir: "mem2mem", src: s, dst: d, segments: [{ addr: d, len: len }] });
    return new Descriptor(this, "memcpy", hw, [dst, src], cb, 0);
  }

  /** Peripheral <-> memory over a list of buffers, each moved whole, in order. */
  prepSlaveSg(bufs: any[], dir: Direction, opts?: any): Descriptor {
    this.usable();
    this.checkSlaveDir(dir, "prepSlaveSg");
    var cb = callbackOf(opts);
    if (!bufs || typeof bufs.length !== "number" || bufs.length === 0 || (bufs as any).byteLength !== undefined) {
      throw dmaError(codes.EINVAL, "prepSlaveSg takes a non-empty array of typed arrays");
    }
    var w = this.memWidth(), segs: Segment[] = [], kept: any[] = [];
    for (var i = 0; i < bufs.length; i++) {
      var b = bufs[i], len = b && b.byteLength;
      checkLen(this.host.provider, this.pc, len, w, "buffer " + i);
      segs.push({ addr: checkBuffer(this.host.platform, this.host.provider, b, len, w, "buffer " + i), len: len });
      kept.push(b);
    }
    var hw = this.host.provider.prep(this.pc, { kind: "slave_sg", dir: dir, segments: segs });
    return new Descriptor(this, "slave_sg", hw, kept, cb, 0);
  }

  /** A ring buffer split into periods of periodLen bytes; calls back once per period until
   * terminated. */
  prepCyclic(buf: any, periodLen: number, dir: Direction, opts?: any): Descriptor {
    this.usable();
    this.checkSlaveDir(dir, "prepCyclic");
    var cb = callbackOf(opts);
    var w = this.memWidth(), len = buf && buf.byteLength;
    checkLen(this.host.provider, this.pc, len, w, "ring");
    if (!isWholePositive(periodLen) || len % periodLen || periodLen % w) {
      throw dmaError(codes.EINVAL, "periodLen " + periodLen + " must divide the ring length " + len + " and be a multiple of the data width " + w);
    }
    var addr = checkBuffer(this.host.platform, this.host.provider, buf, len, w, "ring");
    var req: PrepRequest = { kind: "cyclic", dir: dir, segments: [{ addr: addr, len: len }], periodLen: periodLen };
    var hw = this.host.provider.prep(this.pc, req);
    return new Descriptor(this, "cyclic", hw, [buf], cb, periodLen);
  }

  /** Move the submitted descriptors to the hardware queue and start the first. */
  issuePending(): void {
    this.usable();
    if (this.needSync) throw dmaError(codes.EBUSY, "terminateAsync() was called on " + this.name + ": call synchronize() before issuePending()");
    while (this.submitted.length) {
      var d = this.submitted.shift() as Descriptor;
      d.state = "issued";
      this.issued.push(d);
    }
    this.startNext();
    this.host.kick();
  }

  /** {status: "complete"|"in_progress"|"paused"|"error"|"aborted", residue (bytes)}. */
  txStatus(cookie: number): any {
    this.usable();
    if (typeof cookie !== "number" || cookie < 1 || cookie >= this.nextCookie || cookie !== Math.floor(cookie)) {
      throw dmaError(codes.EINVAL, "unknown cookie " + cookie + " on " + this.name + ": pass the value submit() returned");
    }
    var a = this.active;
    if (a && a.cookie === cookie) {
      return { status: this.paused ? "paused" : "in_progress", residue: this.host.provider.residue(this.pc, a.hw) };
    }
    var d = findIn(this.completed, cookie);
    if (d) return { status: d.result === "ok" ? "complete" : "error", residue: d.residue };
    d = findIn(this.issued, cookie) || findIn(this.submitted, cookie);
    if (d) return { status: "in_progress", residue: d.hw.len };
    d = findIn(this.terminated, cookie);
    if (d) return { status: "aborted", residue: d.residue };
    var r = this.done[cookie];
    if (r) return { status: r.status, residue: r.residue };
    // Older than what is remembered: like Linux, a cookie before the last finished one is done.
    return { status: "complete", residue: 0 };
  }

  pause(): void {
    this.usable();
    if (!this.active || this.paused) return;
    this.host.provider.pause(this.pc);
    this.paused = true;
    this.host.kick();
  }

  resume(): void {
    this.usable();
    if (!this.paused) return;
    this.host.provider.resume(this.pc);
    this.paused = false;
    this.startNext();
    this.host.kick();
  }

  /** dmaengine_terminate_async: callable anywhere, never waits. Every descriptor not yet
   * notified becomes aborted and gets no callback; buffers stay pinned until synchronize(). */
  terminateAsync(): void {
    this.usable();
    var a = this.active;
    if (a) a.residue = this.host.provider.residue(this.pc, a.hw);
    this.host.provider.terminateAll(this.pc);
    this.active = null;
    if (a) this.abort(a);
    this.abortAll(this.completed);
    this.abortAll(this.issued);
    this.abortAll(this.submitted);
    this.paused = false;
    this.needSync = true;
    this.host.kick();
  }

  /** Deprecated alias of terminateAsync(), as dmaengine_terminate_all. */
  terminateAll(): void {
    this.host.warnDeprecated("terminateAll()", "terminateAsync() (then synchronize()) or terminateSync()");
    this.terminateAsync();
  }

  /** dmaengine_synchronize: returns when the hardware no longer touches the memory of any
   * earlier descriptor and none of their callbacks is pending; then unpins their buffers.
   * Throws ETIMEDOUT (buffers stay pinned) when the provider cannot confirm the stop. */
  synchronize(timeoutMs?: number): void {
    this.usable();
    this.refuseInCallback("synchronize()");
    if (this.needSync || this.terminated.length) {
      this.host.provider.synchronize(this.pc, timeoutMs === undefined ? DEFAULT_SYNC_MS : timeoutMs);
    }
    // The hardware is proven stopped: unpin, even if the client still holds the tx objects.
    for (var i = 0; i < this.terminated.length; i++) this.terminated[i].bufs = null;
    this.terminated = [];
    this.needSync = false;
    this.host.afterSync();
    this.host.kick();
  }

  /** terminateAsync() + synchronize(); not from inside this channel's callback. */
  terminateSync(timeoutMs?: number): void {
    this.usable();
    this.refuseInCallback("terminateSync()");
    this.terminateAsync();
    this.synchronize(timeoutMs);
  }

  /** Give the channel back (dma_chan_put): stops and synchronizes first, so the buffers are
   * safe to reuse afterwards. Not from inside this channel's callback. */
  release(timeoutMs?: number): void {
    this.usable();
    this.refuseInCallback("release()");
    this.terminateAsync();
    this.synchronize(timeoutMs);
    this.host.provider.freeChan(this.pc);
    this.released = true;
    this.host.forget(this);
  }

  // ------------------------------------------------------------------ engine side

  /** Descriptor.submit(). */
  submitDesc(d: Descriptor): number {
    this.usable();
    if (d.state !== "prepared") throw dmaError(codes.EINVAL, "descriptor already submitted (cookie " + d.cookie + "): prepare a new one for another transfer");
    d.cookie = this.nextCookie++;
    d.state = "submitted";
    this.submitted.push(d);
    return d.cookie;
  }

  /** Start the next issued descriptor when the hardware is free. */
  startNext(): void {
    if (this.active || this.paused || this.needSync || !this.issued.length) return;
    var d = this.issued.shift() as Descriptor;
    this.active = d;
    d.state = "active";
    try {
      this.host.provider.start(this.pc, d.hw);
    } catch (e) {
      this.active = null;
      d.state = "issued";
      this.issued.unshift(d);
      throw e;
    }
  }

  /** A hardware event from the provider's poll() for this channel. Only queues; callbacks run
   * from the completion task. */
  hwEvent(ev: HwEvent): void {
    var d = this.active;
    if (!d) return;
    if (ev.kind === "period") {
      if (d.kind !== "cyclic") return;
      d.periods += ev.count || 1;
      this.queue(d);
      return;
    }
    if (ev.kind === "complete") {
      if (d.kind === "cyclic") return; // a ring never completes; its periods are reported
      d.result = "ok";
      d.residue = 0;
    } else {
      d.result = ev.kind;
      d.residue = this.host.provider.residue(this.pc, d.hw);
    }
    d.state = "completed";
    this.active = null;
    this.queue(d);
    this.startNext();
  }

  /** Completion task: run the callbacks of this channel's completed descriptors. A callback
   * may terminate the channel, which empties `completed` and ends the loop. */
  deliver(): void {
    while (this.completed.length) {
      var d = this.completed.shift() as Descriptor;
      d.queued = false;
      if (d.kind === "cyclic") {
        while (d.periods > 0 && (d.state === "active" || d.state === "completed")) {
          d.periods--;
          this.notify(d, "ok", d.state === "active" ? this.host.provider.residue(this.pc, d.hw) : 0);
        }
        if (d.state !== "completed") continue;
      }
      this.finish(d, d.result === "ok" ? "complete" : "error");
      this.notify(d, d.result, d.residue);
    }
  }

  /** The poll period this channel needs (ms), or -1 when nothing here is moving. */
  pollWanted(): number {
    var d = this.active;
    if (!d || this.paused) return -1;
    var ms = d.hw.expectedMs;
    if (d.kind === "cyclic" && d.periodLen) ms = ms * d.periodLen / d.hw.len;
    return ms / 4;
  }

  describe(): string {
    return this.name + ": " + (this.dir || "slave") + (this.paused ? " paused" : "") + (this.needSync ? " needs synchronize()" : "") +
      " active=" + (this.active ? this.active.cookie : "-") + " submitted=" + this.submitted.length +
      " issued=" + this.issued.length + " completed=" + this.completed.length + " terminated=" + this.terminated.length;
  }

  // ------------------------------------------------------------------ helpers

  private usable(): void {
    if (this.released) throw dmaError(codes.EPERM, "channel " + this.name + " was released: request a new one with requestChannel()");
  }

  private refuseInCallback(what: string): void {
    if (this.inCallback) {
      throw dmaError(codes.EDEADLK, what + " inside a completion callback of " + this.name +
        " would wait for itself: call terminateAsync() here and synchronize() later, outside the callback");
    }
  }

  private checkSlaveDir(dir: any, what: string): void {
    if (dir !== "mem2dev" && dir !== "dev2mem") throw dmaError(codes.EINVAL, what + " direction must be \"mem2dev\" or \"dev2mem\", got " + dir);
    if (this.dir === "mem2mem" || (this.dir && this.dir !== dir)) {
      throw dmaError(codes.EINVAL, what + " " + dir + " on a " + this.dir + " channel: request a channel for that direction");
    }
  }

  private memWidth(): number {
    return this.cfg.memWidth || 1;
  }

  private queue(d: Descriptor): void {
    if (!d.queued) {
      d.queued = true;
      this.completed.push(d);
    }
    this.host.scheduleCompletion();
  }

  private abort(d: Descriptor): void {
    if (d.state === "aborted") return;
    d.state = "aborted";
    d.queued = false;
    this.remember(d.cookie, "aborted", d.residue);
    this.terminated.push(d);
  }

  private abortAll(list: Descriptor[]): void {
    while (list.length) this.abort(list.shift() as Descriptor);
  }

  private finish(d: Descriptor, status: string): void {
    d.state = "done";
    d.bufs = null;
    this.remember(d.cookie, status, d.residue);
  }

  private remember(cookie: number, status: string, residue: number): void {
    if (!cookie) return;
    this.done[cookie] = { status: status, residue: residue };
    this.doneOrder.push(cookie);
    if (this.doneOrder.length > DONE_KEPT) delete this.done[this.doneOrder.shift() as number];
  }

  private notify(d: Descriptor, result: string, residue: number): void {
    var cb = d.callback;
    if (d.state === "done") d.callback = null;
    if (!cb) return;
    this.inCallback++;
    try {
      cb({ result: result, residue: residue });
    } catch (e) {
      // A throwing callback must not break the channel: report it like Espruino reports an
      // uncaught error and go on with the next descriptor.
      this.host.platform.report(e);
    } finally {
      this.inCallback--;
    }
  }
}
