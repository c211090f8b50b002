// The race harness's event loop: Espruino's timer queue on the virtual MCU's simulated time,
// with one thing the general event loop does not offer: running exactly ONE timer callback at
// a time. A race program interleaves its own top-level steps between any two callbacks (a poll
// and the completion task it queued, say), as a user's own timers due at the same moment would
// on a board. It implements the part of EventLoop that the direct platform uses.
import type { Mcu } from "../virtual-board/contract";

interface Pending {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

export class SimLoop {
  private timers: Pending[] = [];
  private nextId = 1;
  private seq = 0;
  /** Cycles one idle-loop turn costs (Espruino's idle loop is not free). */
  turnCycles = 200;
  /** Called with whatever a timer callback throws (the harness turns it into a failure). */
  onError: (err: unknown) => void = (e) => { throw e; };

  constructor(readonly mcu: Mcu) {}

  now(): number {
    return this.mcu.ms();
  }

  setTimeout(fn: () => void, ms?: number): number {
    var d = Number(ms);
    var t: Pending = { id: this.nextId++, due: this.now() + (isFinite(d) && d > 0 ? d : 0), seq: this.seq++, fn: fn };
    var a = this.timers, i = a.length;
    while (i > 0 && (a[i - 1].due > t.due || (a[i - 1].due === t.due && a[i - 1].seq > t.seq))) i--;
    a.splice(i, 0, t);
    return t.id;
  }

  clearTimeout(id?: unknown): void {
    var a = this.timers;
    for (var i = 0; i < a.length; i++) if (a[i].id === id) { a.splice(i, 1); return; }
  }

  pending(): number {
    return this.timers.length;
  }

  nextDue(): number {
    return this.timers.length ? this.timers[0].due : Infinity;
  }

  /** Let simulated time pass to `ms` with the CPU idle (the DMA keeps going). */
  advanceTo(ms: number): void {
    var target = Math.ceil((ms * this.mcu.board.cpuHz) / 1000);
    var delta = target - this.mcu.cycles;
    if (delta > 0) this.mcu.advance(delta);
  }

  /** Run the earliest timer (waiting for it, at most until `limitMs`). False when none was due. */
  runOne(limitMs = Infinity): boolean {
    var t = this.timers[0];
    if (!t || t.due > limitMs) return false;
    if (t.due > this.now()) this.advanceTo(t.due);
    this.mcu.advance(this.turnCycles);
    this.timers.shift();
    try {
      t.fn();
    } catch (e) {
      this.onError(e);
    }
    return true;
  }

  /** Run every timer due within the next `ms`, then let the rest of the time pass. */
  runFor(ms: number): number {
    var end = this.now() + ms, n = 0;
    while (this.runOne(end)) n++;
    this.advanceTo(end);
    return n;
  }

  /** Run timers until pred() holds or `ms` passed. Returns pred(). */
  runUntil(pred: () => boolean, ms: number): boolean {
    var end = this.now() + ms;
    while (!pred()) if (!this.runOne(end)) break;
    return pred();
  }
}
