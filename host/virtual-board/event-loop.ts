// An event loop as Espruino's idle loop runs timers: setTimeout/setInterval return numeric
// ids, timers fire in order of due time and then of creation.
//
// Two clocks. "simulated" (the default: scenarios, tests, race): time passes only when the loop
// lets it (advancing the MCU models), so every run is deterministic. "realtime" (`espdma repl`,
// `espdma sim`): simulated time is pulled up to the wall clock whenever it is read, so a 30 s
// setTimeout fires after 30 s and getTime() follows the clock on the wall, as on a board.
// Two limits keep a descheduled host process (a loaded machine) from being time the board lives
// through with its DMA running ahead of its own code: catching up stops at the next timer (a
// board's timer interrupt is not late because the host was), and while board code runs a
// catch-up longer than RUNNING_JUMP_MS is cut to that and the rest dropped.
//
// Time comes from the Mcu when there is one (mcu.ms()); without an Mcu the loop keeps its own
// millisecond clock (REPL tests that need no hardware).

import type { Mcu } from "./contract";

/** Realtime: the most simulated time one catch-up may add while board code runs (ms). Code that
 * reads the clock in a loop sees it follow the wall; a longer gap is the host process stalled. */
export const RUNNING_JUMP_MS = 2;

export type TimerFn = (...args: any[]) => void;

interface Timer {
  id: number;
  /** Due time, simulated ms. */
  due: number;
  /** Creation order: breaks ties between timers due at the same time. */
  seq: number;
  /** 0 for setTimeout; the period for setInterval. */
  interval: number;
  fn: TimerFn;
  args: any[];
}

export interface EventLoopOptions {
  /** Cycles one loop turn costs the CPU (Espruino's idle loop is not free). Default 200. */
  turnCycles?: number;
  /** Called with the error a timer callback threw; default rethrows. */
  onError?: (err: unknown, timer?: TimerFailure) => void;
  /** "simulated" (default) or "realtime" (see the top of this file). */
  clock?: "simulated" | "realtime";
  /** The wall clock in ms for "realtime" (default Date.now; tests inject their own). */
  wallMs?: () => number;
}

/** What onError learns about a timer callback that failed. */
export interface TimerFailure {
  /** It was a setInterval. */
  interval: boolean;
  /** The loop removed the interval (its callback was interrupted: Ctrl-C). */
  removed: boolean;
}

export interface RunResult {
  /** Timer callbacks run. */
  ran: number;
  /** True when the run stopped because no timer was left. */
  idle: boolean;
}

export class EventLoop {
  private timers: Timer[] = [];
  private nextId = 1;
  private seq = 0;
  private ownMs = 0;
  private readonly turnCycles: number;
  onError: (err: unknown, timer?: TimerFailure) => void;
  /** How a timer callback is called (default: directly). The runtime sets one that lets a
   * Ctrl-C stop a callback that loops without touching anything. */
  invoke: ((fn: TimerFn, args: any[]) => void) | null = null;
  /** True for an error that means "interrupted" (Ctrl-C): an interval whose callback was
   * interrupted is removed, as Espruino does ("Ctrl-C while processing interval"). */
  isInterrupt: (err: unknown) => boolean = () => false;
  readonly clock: "simulated" | "realtime";
  private readonly wallMs: () => number;
  /** Realtime: simulated ms = simBase + (wall ms - wallBase). */
  private wallBase = 0;
  private simBase = 0;
  /** Simulated ms at the last sync: a smaller reading means the MCU was reset. */
  private lastSim = 0;
  private syncing = false;
  /** Board code running (a timer callback, a REPL command): see RUNNING_JUMP_MS. */
  private running = 0;
  /** Realtime: the wall clock at the last sync. */
  private wallSeen = 0;
  /** Called after every timer callback (the runtime drains the sandbox's promise jobs here). */
  afterCallback: (() => void) | null = null;
  /** Set by interrupt() (Ctrl-C): the current run stops after the running callback. */
  private interrupted = false;

  constructor(readonly mcu?: Mcu, opts: EventLoopOptions = {}) {
    this.turnCycles = opts.turnCycles ?? 200;
    this.onError = opts.onError ?? ((e) => { throw e; });
    this.clock = opts.clock ?? "simulated";
    this.wallMs = opts.wallMs ?? Date.now;
    this.rebase();
  }

  /** Simulated milliseconds since reset (in realtime, first pulled up to the wall clock). */
  now(): number {
    if (this.clock === "realtime" && !this.syncing) this.syncToWall();
    return this.simNow();
  }

  private simNow(): number {
    return this.mcu ? this.mcu.ms() : this.ownMs;
  }

  /** Realtime: anchor simulated time to the wall clock from now on. */
  rebase(): void {
    this.wallBase = this.wallSeen = this.wallMs();
    this.simBase = this.lastSim = this.simNow();
  }

  /** Realtime: let simulated time (and the MCU models) catch up with the wall clock. Time
   * never goes back: after a CPU-heavy command it may be ahead, and the wall catches up. */
  private syncToWall(): void {
    var sim = this.simNow();
    if (sim < this.lastSim) this.rebase(); // the MCU was reset: its clock restarted
    var wall = this.wallMs(), target = this.simBase + (wall - this.wallBase);
    if (this.running > 0) {
      // Only what the wall moved since the last reading, at most RUNNING_JUMP_MS; the rest of
      // a longer gap is dropped for good (the base moves), a lag from idle is kept.
      var d = wall - this.wallSeen;
      if (d > RUNNING_JUMP_MS) { this.wallBase += d - RUNNING_JUMP_MS; target -= d - RUNNING_JUMP_MS; d = RUNNING_JUMP_MS; }
      target = Math.min(target, sim + d);
    } else {
      target = Math.min(target, Math.max(sim, this.nextDue()));
    }
    this.wallSeen = wall;
    if (target > sim) {
      this.syncing = true;
      try { this.advanceTo(target); } finally { this.syncing = false; }
    }
    this.lastSim = this.simNow();
  }

  setTimeout(fn: TimerFn, ms?: number, ...args: any[]): number {
    return this.add(fn, ms, 0, args);
  }

  setInterval(fn: TimerFn, ms?: number, ...args: any[]): number {
    var period = Math.max(toMs(ms), 0.001); // a zero period would starve the loop
    return this.add(fn, period, period, args);
  }

  clearTimeout(id?: unknown): void {
    if (typeof id !== "number") return;
    for (var i = 0; i < this.timers.length; i++) {
      if (this.timers[i].id === id) { this.timers.splice(i, 1); return; }
    }
  }

  clearInterval(id?: unknown): void {
    this.clearTimeout(id);
  }

  /** Espruino's clearTimeout() with no argument clears every timer. */
  clearAll(): void {
    this.timers.length = 0;
  }

  /** Number of pending timers. */
  pending(): number {
    return this.timers.length;
  }

  /** The pending timers in due order (copies): what Espruino's global["\xff"].timers shows. */
  list(): { id: number; due: number; interval: number; fn: TimerFn; args: any[] }[] {
    return this.timers.map((t) => ({ id: t.id, due: t.due, interval: t.interval, fn: t.fn, args: t.args.slice() }));
  }

  /** Due time (ms) of the next timer, or Infinity. */
  nextDue(): number {
    return this.timers.length ? this.timers[0].due : Infinity;
  }

  /** Ask the current run to stop (Ctrl-C on the REPL). */
  interrupt(): void {
    this.interrupted = true;
  }

  /** Realtime: run the timers due by the wall clock. Returns the ms until the next one is due
   * (Infinity: none pending; 0: interrupted with timers still due). */
  runDue(): number {
    this.interrupted = false;
    while (this.timers.length && this.timers[0].due <= this.now()) {
      this.turn();
      if (this.interrupted) { this.interrupted = false; return 0; }
    }
    return this.timers.length ? Math.max(0, this.timers[0].due - this.now()) : Infinity;
  }

  /** Realtime: `f` is board code (a REPL command): time up to now was idle, and a stall of the
   * host while it runs is cut (RUNNING_JUMP_MS). */
  runCode<T>(f: () => T, afterIdle = true): T {
    if (this.clock !== "realtime") return f();
    if (afterIdle) this.now();
    this.running++;
    try { return f(); } finally {
      this.now();
      this.running--;
    }
  }

  /** Let simulated time pass to `ms` with the CPU idle: the MCU models progress meanwhile. */
  advanceTo(ms: number): void {
    if (!this.mcu) { if (ms > this.ownMs) this.ownMs = ms; return; }
    var target = Math.ceil((ms * this.mcu.board.cpuHz) / 1000);
    var delta = target - this.mcu.cycles;
    if (delta > 0) this.mcu.advance(delta);
    // Cycles back to ms can round below `ms`: a timer due at `ms` would never be due.
    if (this.mcu.ms() < ms) this.mcu.advance(1);
  }

  /** Let `ms` of simulated time pass without running timers. */
  advanceBy(ms: number): void {
    this.advanceTo(this.now() + ms);
  }

  /** The time a turn split over several calls runs its timers up to (-1: no turn open). */
  private turnNow = -1;

  /** One loop turn: costs turnCycles, then runs every timer due now, in order. Returns how many
   * ran. With maxCallbacks, the turn stops after that many and the next call goes on with it
   * (same time, no second turn cost): the page runs each callback in a task of its own
   * (realm.ts, weakRefsHeldPerTask). */
  turn(maxCallbacks = Infinity): number {
    if (this.turnNow < 0) {
      if (this.mcu) this.mcu.advance(this.turnCycles);
      else this.ownMs += this.turnCycles / 1e5;
      this.turnNow = this.clock === "realtime" ? this.now() : this.simNow();
    }
    var ran = 0, now = this.turnNow;
    while (this.timers.length && this.timers[0].due <= now && !this.interrupted) {
      if (ran >= maxCallbacks) return ran;
      this.fire(this.timers[0]);
      ran++;
    }
    this.turnNow = -1;
    return ran;
  }

  /** Run timers (skipping idle time) until none is left or `maxMs` of simulated time passed. */
  runUntilIdle(maxMs = 60000): RunResult {
    return this.runUntil(this.now() + maxMs);
  }

  /** Run timers in order until simulated time `ms`; time ends at `ms` unless the loop went idle.
   * With maxCallbacks, returns once that many ran ({more: true}): call again to go on. */
  runUntil(ms: number, maxCallbacks = Infinity): RunResult & { more?: boolean } {
    var ran = 0;
    this.interrupted = false;
    while (!this.interrupted) {
      if (this.turnNow < 0) {
        var t = this.nextDue();
        if (t > ms) {
          if (t !== Infinity) this.advanceTo(ms);
          return { ran, idle: this.timers.length === 0 };
        }
        if (t > this.now()) this.advanceTo(t);
      }
      ran += this.turn(maxCallbacks - ran);
      if (ran >= maxCallbacks) return { ran, idle: false, more: true };
    }
    this.interrupted = false;
    return { ran, idle: this.timers.length === 0 };
  }

  /** Run timers for `ms` of simulated time from now; time always ends at now + ms. */
  runFor(ms: number): RunResult {
    var end = this.now() + ms;
    var r = this.runUntil(end);
    this.advanceTo(end);
    return r;
  }

  /** Run until pred() is true (checked after every turn) or maxMs passed. Returns pred(). */
  runUntilTrue(pred: () => boolean, maxMs = 60000): boolean {
    var end = this.now() + maxMs;
    this.interrupted = false;
    while (!pred()) {
      if (this.interrupted) { this.interrupted = false; return false; }
      var t = this.nextDue();
      if (t > end) return pred();
      if (t > this.now()) this.advanceTo(t);
      this.turn();
    }
    return true;
  }

  private add(fn: TimerFn, ms: number | undefined, interval: number, args: any[]): number {
    if (typeof fn !== "function") throw new Error("Function or String not supplied!");
    var t: Timer = { id: this.nextId++, due: this.now() + Math.max(toMs(ms), 0), seq: this.seq++, interval, fn, args };
    this.insert(t);
    return t.id;
  }

  private insert(t: Timer): void {
    var a = this.timers, i = a.length;
    while (i > 0 && (a[i - 1].due > t.due || (a[i - 1].due === t.due && a[i - 1].seq > t.seq))) i--;
    a.splice(i, 0, t);
  }

  private fire(t: Timer): void {
    this.timers.shift();
    if (t.interval > 0) {
      // Espruino reschedules from the due time, not from now, so intervals do not drift.
      t.due += t.interval;
      t.seq = this.seq++;
      this.insert(t);
    }
    try {
      var fn = t.fn, args = t.args;
      // The loop synced just before (turn()), up to this timer's due time at most.
      if (this.invoke) { var inv = this.invoke; this.runCode(() => inv(fn, args), false); }
      else this.runCode(() => fn.apply(undefined, args), false);
    } catch (e) {
      var removed = false;
      if (t.interval > 0 && this.isInterrupt(e)) { this.clearTimeout(t.id); removed = true; }
      this.onError(e, { interval: t.interval > 0, removed });
    }
    if (this.afterCallback) {
      try { this.afterCallback(); } catch (e) { this.onError(e); }
    }
  }
}

function toMs(ms: unknown): number {
  var n = Number(ms);
  return isFinite(n) ? n : 0;
}

export function createEventLoop(mcu?: Mcu, opts?: EventLoopOptions): EventLoop {
  return new EventLoop(mcu, opts);
}
