// General-purpose timer TIM2..TIM5, upcounting only (RM0090 18.3-18.4, RM0368 13.3-13.4,
// RM0008 15.3-15.4): PSC, ARR, CNT, CR1 (CEN, UDIS, URS, OPM, ARPE), DIER (UIE, UDE), SR (UIF),
// EGR (UG). The counter is not stepped tick by tick: it is computed from the cycle it was last
// set at, and the next update event is a closed-form cycle, so idle time costs O(1).
// Each update event raises the board's `updateRequest` DMA line when DIER.UDE is set.
import type { BoardDef, TimerDef } from "../../../boards/types";
import type { Peripheral } from "./bus";
import type { ModelContext } from "./context";

const CR1 = 0x00, DIER = 0x0c, SR = 0x10, EGR = 0x14, CNT = 0x24, PSC = 0x28, ARR = 0x2c;
const CEN = 1, UDIS = 2, URS = 4, OPM = 8, ARPE = 0x80;
const UIF = 1, UDE = 0x100;

export class Timer implements Peripheral {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  private max: number;
  private cpuPerTick: number;
  cr1 = 0;
  dier = 0;
  sr = 0;
  private pscPre = 0;
  private pscAct = 0;
  private arrPre = 0;
  private arrAct = 0;
  /** Counter value at cycle `ref`, with the prescaler counter at 0 there. */
  private cnt0 = 0;
  private ref = 0;
  private other = new Map<number, number>();

  constructor(readonly def: TimerDef, board: BoardDef, private ctx: ModelContext) {
    this.name = def.name;
    this.base = def.base;
    // TIM2 and TIM5 are 32-bit on the F4 (RM0090 18.1); all general-purpose timers are 16-bit on F1.
    this.max = board.family === "F4" && (def.name === "TIM2" || def.name === "TIM5") ? 0xffffffff : 0xffff;
    this.cpuPerTick = board.cpuHz / def.clockHz;
    this.reset();
  }

  reset(): void {
    this.cr1 = this.dier = this.sr = 0;
    this.pscPre = this.pscAct = 0;
    this.arrPre = this.arrAct = this.max; // ARR reset value is all ones (RM0090 18.4.12)
    this.cnt0 = 0;
    this.ref = this.ctx.now();
    this.other.clear();
  }

  clocked(): boolean {
    return this.ctx.clockEnabled(this.def.enr, this.def.bit);
  }

  private running(): boolean {
    // "The counter is blocked while the auto-reload value is null" (RM0090 18.3.2).
    return (this.cr1 & CEN) !== 0 && this.arrAct !== 0;
  }

  private period(): number {
    return (this.pscAct + 1) * this.cpuPerTick;
  }

  private cntAt(c: number): number {
    if (!this.running()) return this.cnt0;
    return this.cnt0 + Math.floor((c - this.ref) / this.period());
  }

  private nextUpdate(): number {
    var limit = this.cnt0 <= this.arrAct ? this.arrAct : this.max;
    return this.ref + (limit - this.cnt0 + 1) * this.period();
  }

  /** Earliest cycle at which this timer raises a DMA request, or Infinity. */
  nextEventCycle(): number {
    if (!this.observed() || !this.clocked()) return Infinity;
    return this.nextUpdate();
  }

  /** Does anything see this timer's individual update events (a DMA stream taking them)?
   * If not, they are applied lazily, in bulk. The MCU catches every timer up before each
   * CPU write to a peripheral, the only way a stream can start to want a request. */
  private observed(): boolean {
    return this.running() && (this.dier & UDE) !== 0 && this.ctx.requestWanted(this.def.updateRequest);
  }

  /** Apply every update event up to and including cycle c. */
  runTo(c: number): void {
    while (this.running()) {
      var t = this.nextUpdate();
      if (t > c) return;
      this.update(t, false);
      // When nothing observes the individual events, skip whole periods.
      if (!(this.cr1 & OPM) && this.running() && !this.observed()) {
        var whole = (this.arrAct + 1) * this.period();
        var n = Math.floor((c - this.ref) / whole);
        if (n > 0) this.ref += n * whole;
      }
    }
  }

  /** Update event: overflow (counter reached ARR) or UG (RM0090 18.3.1-18.3.2). */
  private update(t: number, byUG: boolean): void {
    this.cnt0 = 0;
    this.ref = t;
    if (!byUG && (this.cr1 & UDIS)) return; // counter wraps, no UEV (CR1.UDIS)
    // Preloaded registers are transferred to their shadows on the update event.
    this.pscAct = this.pscPre;
    this.arrAct = this.arrPre;
    if (!(byUG && (this.cr1 & URS))) {
      this.sr |= UIF;
      if (this.dier & UDE) this.ctx.dmaRequest(this.def.updateRequest);
    }
    if (!byUG && (this.cr1 & OPM)) this.cr1 &= ~CEN; // one-pulse mode stops at the update
  }

  /** Move the reference point to the last counter step at or before now, keeping the
   * prescaler's phase (a register write does not reset the prescaler counter). */
  private rebase(): void {
    var now = this.ctx.now();
    this.runTo(now);
    if (!this.running()) {
      this.ref = now;
      return;
    }
    var steps = Math.floor((now - this.ref) / this.period());
    this.cnt0 += steps;
    this.ref += steps * this.period();
  }

  read32(offset: number): number {
    this.runTo(this.ctx.now());
    switch (offset) {
      case CR1: return this.cr1;
      case DIER: return this.dier;
      case SR: return this.sr;
      case EGR: return 0;
      case CNT: return this.cntAt(this.ctx.now()) >>> 0;
      case PSC: return this.pscPre;
      case ARR: return this.arrPre >>> 0;
    }
    return this.other.get(offset) || 0;
  }

  write32(offset: number, value: number): void {
    this.rebase();
    value = value >>> 0;
    switch (offset) {
      case CR1:
        this.cr1 = value & 0x3ff;
        if (!(this.cr1 & ARPE)) this.arrAct = this.arrPre;
        if (this.cr1 & 0x70) this.ctx.trace.push("unmodelled", { periph: this.name, offset: offset, what: "DIR/CMS (down/center counting)" });
        return;
      case DIER: this.dier = value & 0x5f5f; return;
      case SR: this.sr &= value; return; // rc_w0: writing 0 clears, 1 has no effect
      case EGR:
        if (value & 1) this.update(this.ctx.now(), true);
        return;
      case CNT: this.cnt0 = value & this.max; return;
      case PSC: this.pscPre = value & 0xffff; return; // takes effect at the next update event
      case ARR:
        this.arrPre = value & this.max;
        if (!(this.cr1 & ARPE)) this.arrAct = this.arrPre;
        return;
    }
    this.other.set(offset, value);
    this.ctx.trace.push("unmodelled", { periph: this.name, offset: offset, op: "w", value: value });
  }
}
