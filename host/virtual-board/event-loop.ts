// An event loop on simulated time, as Espruino's idle loop runs timers: setTimeout/setInterval
// return numeric ids, timers fire in order of due time and then of creation, and time passes
// only when the loop lets it (advancing the MCU models), so every run is deterministic.
//
// Time comes from the Mcu when there is one (mcu.ms()); without an Mcu the loop keeps its own
// millisecond clock (REPL tests that need no hardware).

import type { Mcu } from "./contract";

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
  onError?: (err: unknown) => void;
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
  onError: (err: unknown) => void;
  /** Called after every timer callback (the runtime drains the sandbox's promise jobs here). */
  afterCallback: (() => void) | null = null;
  /** Set by interrupt() (Ctrl-C): the current run stops after the running callback. */
  private interrupted = false;

  constructor(readonly mcu?: Mcu, opts: EventLoopOptions = {}) {
    this.turnCycles = opts.turnCycles ?? 200;
    this.onError = opts.onError ?? ((e) => { throw e; });
  }

  /** Simulated milliseconds since reset. */
  now(): number {
    return this.mcu ? this.mcu.ms() : this.ownMs;
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

  /** Let simulated time pass to `ms` with the CPU idle: the MCU models progress meanwhile. */
  advanceTo(ms: number): void {
    if (!this.mcu) { if (ms > this.ownMs) this.ownMs = ms; return; }
    var target = Math.ceil((ms * this.mcu.board.cpuHz) / 1000);
    var delta = target - this.mcu.cycles;
    if (delta > 0) this.mcu.advance(delta);
  }

  /** Let `ms` of simulated time pass without running timers. */
  advanceBy(ms: number): void {
    this.advanceTo(this.now() + ms);
  }

  /** One loop turn: costs turnCycles, then runs every timer due now, in order. Returns how many ran. */
  turn(): number {
    if (this.mcu) this.mcu.advance(this.turnCycles);
    else this.ownMs += this.turnCycles / 1e5;
    var ran = 0, now = this.now();
    while (this.timers.length && this.timers[0].due <= now && !this.interrupted) {
      this.fire(this.timers[0]);
      ran++;
    }
    return ran;
  }

  /** Run timers (skipping idle time) until none is left or `maxMs` of simulated time passed. */
  runUntilIdle(maxMs = 60000): RunResult {
    return this.runUntil(this.now() + maxMs);
  }

  /** Run timers in order until simulated time `ms`; time ends at `ms` unless the loop went idle. */
  runUntil(ms: number): RunResult {
    var ran = 0;
    this.interrupted = false;
    while (!this.interrupted) {
      var t = this.nextDue();
      if (t > ms) {
        if (t !== Infinity) this.advanceTo(ms);
        return { ran, idle: this.timers.length === 0 };
      }
      if (t > this.now()) this.advanceTo(t);
      ran += this.turn();
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
      t.fn.apply(undefined, t.args);
    } catch (e) {
      this.onError(e);
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
