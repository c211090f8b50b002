// What the driver costs on the board, counted on the virtual MCU: the real drivers
// (firmware/drivers createBoardProvider) under the real core (firmware/index createEngine),
// over the direct platform (host/virtual-board/direct-platform.ts) with every peek32/poke32
// counted. Deterministic: simulated time, fixed seeds.
import { createMcu, VirtualMcu } from "../virtual-board/mcu/index";
import { createEventLoop, EventLoop } from "../virtual-board/event-loop";
import { createDirectPlatform, DirectPlatform } from "../virtual-board/direct-platform";
import { findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import { createBoardProvider, pace } from "../../firmware/drivers/index";
import { createEngine } from "../../firmware/index";

export interface Rig {
  board: BoardDef;
  mcu: VirtualMcu;
  loop: EventLoop;
  /** The direct platform (uncounted: for the bench's own set-up). */
  p: DirectPlatform;
  /** The counted platform the engine and the provider use. */
  counted: DirectPlatform;
  engine: ReturnType<typeof createEngine>;
  /** Register accesses (peek32 + poke32) by the firmware since the last reset. */
  accesses: number;
  /** Count register accesses made while fn runs. */
  count(fn: () => void): number;
}

export function rig(boardName: string, opts: { seed?: number; schedule?: "normal" | "adversarial"; traceItems?: boolean } = {}): Rig {
  var board = findBoard(boardName);
  if (!board) throw new Error("unknown board " + boardName);
  var mcu = createMcu({ board, seed: opts.seed ?? 1, schedule: opts.schedule ?? "normal", traceItems: opts.traceItems } as any) as VirtualMcu;
  var loop = createEventLoop(mcu);
  var p = createDirectPlatform(mcu, loop);
  // The same platform, every register access counted (a prototype wrapper, as in the driver tests).
  var counted: DirectPlatform = Object.create(p);
  var r = {} as Rig;
  counted.peek32 = (a: number) => { r.accesses++; return p.peek32(a); };
  counted.poke32 = (a: number, v: number) => { r.accesses++; p.poke32(a, v); };
  r.board = board;
  r.mcu = mcu;
  r.loop = loop;
  r.p = p;
  r.counted = counted;
  r.engine = createEngine(counted, createBoardProvider(counted, boardName));
  r.accesses = 0;
  r.count = (fn) => {
    var before = r.accesses;
    fn();
    return r.accesses - before;
  };
  return r;
}

/** Timer, request line and GPIO registers for a paced transfer: on the F4 only DMA2 reaches the
 * GPIO port (AHB1), so TIM1_UP (DMA2 stream 5, RM0090 table 43); on the F1 TIM2_UP (DMA1
 * channel 2, RM0008 table 78). The port's clock is switched on here. */
function pacedSetup(r: Rig, hz: number) {
  var b = r.board, g = b.gpio[0];
  r.p.poke32(b.rcc.base + g.enr, r.p.peek32(b.rcc.base + g.enr) | (1 << g.bit));
  var pacer = pace(r.counted, b.family === "F4" ? "TIM1" : "TIM2", hz, b.name);
  var ch = r.engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
  // F1 GPIO takes words only: a byte DMA write reaches every byte lane (RM0008 13.3.4), so the
  // peripheral side is 32-bit and each memory byte is zero-extended (RM0008 table 76).
  ch.config({ periphAddr: g.base + g.odr, periphWidth: b.family === "F1" ? 4 : 1, memWidth: 1 });
  return { pacer, ch };
}

/** The descriptor is on the hardware and not finished (public API only: the core's fields are
 * its own business). */
function moving(ch: any, cookie: number): boolean {
  var st = ch.txStatus(cookie);
  return st.status === "in_progress" && st.residue > 0;
}

function pattern(buf: Uint8Array): Uint8Array {
  for (var i = 0; i < buf.length; i++) buf[i] = (i * 31 + 7) & 0xff;
  return buf;
}

export interface RegisterCounts {
  start_memcpy: number;
  terminate_async: number;
  synchronize_stopped: number;
  poll_idle: number;
}

/** Register accesses of the four hot operations on one board. */
export function registerCounts(boardName: string): RegisterCounts {
  var r = rig(boardName);
  var ch = r.engine.requestChannel({ request: "mem2mem" });
  // Start: prepare, submit and issue a memcpy on an idle channel (a second one, so that the
  // channel's one-time set-up is not counted).
  var src = pattern(r.p.directAlloc(1024)), dst = r.p.directAlloc(1024), big = r.p.directAlloc(8192), big2 = r.p.directAlloc(8192);
  ch.prepMemcpy(dst, src, 1024).submit();
  ch.issuePending();
  r.loop.runUntilIdle(1000);
  var start = r.count(() => {
    ch.prepMemcpy(dst, src, 1024).submit();
    ch.issuePending();
  });
  r.loop.runUntilIdle(1000);
  // terminateAsync with a long memcpy on the hardware.
  var ck = ch.prepMemcpy(big2, big, 8192).submit();
  ch.issuePending();
  if (!moving(ch, ck)) throw new Error("the 8 KB memcpy is not on the hardware when terminated");
  var term = r.count(() => ch.terminateAsync());
  // synchronize() once the stream has already stopped (let 1 ms pass: it stops within an item).
  r.loop.advanceBy(1);
  var sync = r.count(() => ch.synchronize());
  ch.release();
  // poll with nothing complete: one poll-timer run while a transfer of unknown rate waits (its
  // timer stopped before prep: a transfer of known rate is polled when it is due to end, and
  // then finds it complete).
  var z = pacedSetup(r, 1000);
  z.pacer.stop();
  var buf = pattern(r.p.directAlloc(1000));
  var zk = z.ch.prepSlaveSg([buf], "mem2dev").submit();
  z.ch.issuePending();
  if (r.loop.pending() !== 1) throw new Error("expected only the poll timer, found " + r.loop.pending() + " timers");
  var poll = r.count(() => r.loop.runUntil(r.loop.nextDue()));
  if (!moving(z.ch, zk)) throw new Error("the paced transfer completed before the first poll");
  z.ch.terminateSync();
  z.pacer.stop();
  return { start_memcpy: start, terminate_async: term, synchronize_stopped: sync, poll_idle: poll };
}

/** Data items the stream moves after terminateAsync() returns: the worst over a fast memcpy and
 * a paced transfer, under the normal bus timing and a few adversarial schedules. */
export function terminateToStoppedItems(boardName: string, seeds = 8): number {
  var worst = 0, measured = 0;
  for (var s = 0; s <= seeds; s++) {
    for (const paced of [false, true]) {
      var r = rig(boardName, { seed: s + 1, schedule: s === 0 ? "normal" : "adversarial", traceItems: true });
      var ch: any, pacer: any = null, ck: number;
      if (paced) {
        var z = pacedSetup(r, 50000);
        ch = z.ch;
        pacer = z.pacer;
        ck = ch.prepSlaveSg([pattern(r.p.directAlloc(4096))], "mem2dev").submit();
        ch.issuePending();
        r.loop.advanceBy(2); // about 100 items in
      } else {
        ch = r.engine.requestChannel({ request: "mem2mem" });
        ck = ch.prepMemcpy(r.p.directAlloc(8192), pattern(r.p.directAlloc(8192)), 8192).submit();
        ch.issuePending();
      }
      if (!moving(ch, ck)) {
        // The adversarial schedule finished it already: nothing to stop.
        if (pacer) pacer.stop();
        continue;
      }
      measured++;
      ch.terminateAsync();
      var mark = r.mcu.trace.length;
      r.loop.advanceBy(5);
      var items = 0;
      for (var i = mark; i < r.mcu.trace.length; i++) if (r.mcu.trace[i].type === "item") items++;
      if (items > worst) worst = items;
      ch.synchronize();
      if (pacer) pacer.stop();
    }
  }
  if (!measured) throw new Error("every transfer had finished before terminateAsync(): nothing measured");
  return worst;
}

/** Timers left running once nothing is in flight, the worst over: a memcpy completed, a paced
 * transfer completed, a transfer terminated and synchronized, a cyclic ring terminated from its
 * own callback and synchronized, a channel released. Both boards' drivers. */
export function idleTimers(boardName: string): number {
  var r = rig(boardName);
  var worst = 0;
  var check = () => {
    r.loop.runUntilIdle(2000);
    var n = r.loop.pending();
    if (n > worst) worst = n;
  };
  var ch = r.engine.requestChannel({ request: "mem2mem" });
  ch.prepMemcpy(r.p.directAlloc(1024), pattern(r.p.directAlloc(1024)), 1024).submit();
  ch.issuePending();
  check();
  ch.prepMemcpy(r.p.directAlloc(8192), pattern(r.p.directAlloc(8192)), 8192).submit();
  ch.issuePending();
  ch.terminateAsync();
  ch.synchronize();
  check();
  var z = pacedSetup(r, 20000);
  z.ch.prepSlaveSg([pattern(r.p.directAlloc(200))], "mem2dev").submit();
  z.ch.issuePending();
  check();
  var periods = 0;
  z.ch.prepCyclic(r.p.directAlloc(64), 16, "mem2dev", { callback: () => { if (++periods === 3) z.ch.terminateAsync(); } }).submit();
  z.ch.issuePending();
  r.loop.runUntilIdle(2000);
  z.ch.synchronize();
  check();
  z.ch.release();
  ch.release();
  check();
  z.pacer.stop();
  return worst;
}

export interface Latencies {
  /** issuePending() of a 1 KB memcpy to its callback, simulated ms. */
  memcpy1k: number;
  /** Hardware completion (TCIF set) of a timer-paced transfer to its callback, simulated ms. */
  paced: number;
}

function cyclesToMs(r: Rig, c: number): number {
  return (c / r.board.cpuHz) * 1000;
}

export function completionLatency(boardName: string): Latencies {
  var r = rig(boardName);
  var ch = r.engine.requestChannel({ request: "mem2mem" });
  var t0 = 0, t1 = -1;
  ch.prepMemcpy(r.p.directAlloc(1024), pattern(r.p.directAlloc(1024)), 1024, { callback: () => { t1 = r.loop.now(); } }).submit();
  ch.issuePending();
  t0 = r.loop.now();
  r.loop.runUntilIdle(1000);
  if (t1 < 0) throw new Error("the 1 KB memcpy never called back");
  var memcpy1k = t1 - t0;
  // 256 bytes to the GPIO port at 10 kHz: 25.6 ms on the wire.
  var z = pacedSetup(r, 10000);
  var mark = r.mcu.trace.length, t2 = -1;
  z.ch.prepSlaveSg([pattern(r.p.directAlloc(256))], "mem2dev", { callback: () => { t2 = r.loop.now(); } }).submit();
  z.ch.issuePending();
  r.loop.runUntilIdle(1000);
  if (t2 < 0) throw new Error("the paced transfer never called back");
  var tc = -1;
  for (var i = mark; i < r.mcu.trace.length; i++) {
    var e = r.mcu.trace[i];
    if (e.type === "flag" && e.flag === "TCIF" && e.value === 1) { tc = e.cycle; break; }
  }
  if (tc < 0) throw new Error("no TCIF in the trace of the paced transfer");
  z.pacer.stop();
  return { memcpy1k, paced: t2 - cyclesToMs(r, tc) };
}

export interface PollFigures {
  /** Provider polls for one 1 KB memcpy, issuePending() to callback. */
  memcpyPolls: number;
  /** Provider polls for one 256-byte transfer paced at 10 kHz (known rate). */
  pacedPolls: number;
  /** Most engine timers pending at once while transfers run on two channels. */
  timersInFlight: number;
}

/** Polls of a known-rate transfer and of a memcpy, and the timers pending meanwhile (a memcpy
 * and a paced transfer at once, checked at every loop turn). */
export function pollFigures(boardName: string): PollFigures {
  var r = rig(boardName);
  var prov: any = (r.engine as any)._p, orig = prov.poll, polls = 0;
  prov.poll = function (l: any) { polls++; return orig.call(prov, l); };
  var ch = r.engine.requestChannel({ request: "mem2mem" });
  var done = 0;
  ch.prepMemcpy(r.p.directAlloc(1024), pattern(r.p.directAlloc(1024)), 1024, { callback: () => { done++; } }).submit();
  ch.issuePending();
  r.loop.runUntilIdle(1000);
  if (done !== 1) throw new Error("the memcpy did not call back");
  var memcpyPolls = polls;
  var z = pacedSetup(r, 10000);
  polls = 0;
  z.ch.prepSlaveSg([pattern(r.p.directAlloc(256))], "mem2dev", { callback: () => { done++; } }).submit();
  z.ch.issuePending();
  // A memcpy on the other channel meanwhile: still one timer.
  ch.prepMemcpy(r.p.directAlloc(4096), pattern(r.p.directAlloc(4096)), 4096, { callback: () => { done++; } }).submit();
  ch.issuePending();
  var most = 0;
  r.loop.runUntilTrue(() => { most = Math.max(most, r.loop.pending()); return done === 3; }, 1000);
  if ((done as number) !== 3) throw new Error("the paced transfer did not call back");
  var pacedPolls = polls - 1; // (the memcpy's own poll)
  z.pacer.stop();
  return { memcpyPolls, pacedPolls, timersInFlight: most };
}

export interface SgFigures {
  /** Longest time from one segment's TCIF to the next segment's enable, simulated ms. */
  maxGapMs: number;
  /** issuePending() to the callback. */
  totalMs: number;
}

/** Scatter-gather of 150/50/150/50 items at 1 kHz to the GPIO port (400 ms on the wire): how
 * long the next segment waits after the previous one ends (the driver chains it from a poll). */
export function sgFigures(boardName: string): SgFigures {
  var r = rig(boardName);
  var z = pacedSetup(r, 1000);
  var mark = r.mcu.trace.length, t0 = r.loop.now(), t1 = -1;
  var bufs = [150, 50, 150, 50].map((n) => pattern(r.p.directAlloc(n)));
  z.ch.prepSlaveSg(bufs, "mem2dev", { callback: () => { t1 = r.loop.now(); } }).submit();
  z.ch.issuePending();
  r.loop.runUntilIdle(2000);
  if (t1 < 0) throw new Error("the scatter-gather transfer never called back");
  var name = (z.ch as any).name, tc = -1, gap = 0, gaps = 0;
  for (var i = mark; i < r.mcu.trace.length; i++) {
    var e: any = r.mcu.trace[i];
    if (e.source !== name) continue;
    if (e.type === "flag" && e.flag === "TCIF" && e.value === 1) tc = e.cycle;
    else if (e.type === "en" && e.value === 1 && tc >= 0) {
      gap = Math.max(gap, cyclesToMs(r, e.cycle - tc));
      gaps++;
      tc = -1;
    }
  }
  if (gaps !== 3) throw new Error("expected 3 segment chainings in the trace, found " + gaps);
  z.pacer.stop();
  return { maxGapMs: gap, totalMs: t1 - t0 };
}
