// What every nRF52 EasyDMA peripheral model shares (nRF52832 PS v1.4 / nRF52840 PS v1.7):
// - the register layout of tasks (0x000-0x0FC, triggered by writing 1), events (0x100-0x1FC,
//   set by the hardware, cleared by writing 0), SHORTS 0x200, INTEN 0x300, ENABLE 0x500
//   ("Peripheral interface" chapter, 15.8 / 6.1.8 Tasks, Events, Shortcuts);
// - EasyDMA's reach: Data RAM only (PS v1.4 / v1.7, EasyDMA chapter): a pointer elsewhere
//   "may result in HardFault or RAM corruption" - the model refuses the access and traces it;
// - double-buffered pointers: PTR/MAXCNT are copied into the peripheral when its start task
//   runs, so the CPU may write the next buffer's pointer right after the started event.
// The models plug into the MCU as DMA engines (../dma-engine.ts): the scheduler serves their
// items by bus timing in "normal" mode, or as the adversary says in step mode, and the stop
// latency (the items between a STOP task and the stopped event) is where the race lives.
import type { EasyDmaDef } from "../../../../boards/types";
import type { ModelContext } from "../context";
import type { DmaEngine } from "../dma-engine";
import type { Memory } from "../memory";

export const TASKS_END = 0x100, EVENTS_END = 0x200, SHORTS = 0x200, INTEN = 0x300, INTENSET = 0x304, INTENCLR = 0x308, ENABLE = 0x500;

/** Fault modes: anomalies and worst cases the product specification or errata allow. */
export interface Nrf52Faults {
  /** nRF52832 anomaly 86: START after CALIBRATEOFFSET writes a sample nobody asked for. */
  saadcCalibrationSample?: boolean;
  /** UARTE bytes the sender still puts on the line after STOPRX (PS: up to 4); default 4 while
   * a sender is active. */
  uarteTrailingBytes?: number;
  /** PWM: LOOPSDONE in the same clock as STOP; a LOOPSDONE_SEQSTARTn short then restarts the
   * playback after STOPPED (nrfx_pwm_stop() clears SHORTS first for this reason). */
  pwmLoopsdoneWithStop?: boolean;
  /** anomaly 55 (nRF52832 from rev 2, nRF52840): RXPTRUPD/TXPTRUPD set after STOP. On by
   * default where the part has it. */
  i2sPtrupdAfterStop?: boolean;
}

export interface Nrf52Env {
  ctx: ModelContext;
  mem: Memory;
  part: "nRF52832" | "nRF52840";
  cpuHz: number;
  faults: Nrf52Faults;
  /** Cycles from a start/stop task to its event, and between pipeline items (normal mode). */
  latencyCycles: number;
}

export abstract class EasyDma implements DmaEngine {
  readonly name: string;
  readonly base: number;
  readonly size = 0x1000;
  readyAt = 0;
  /** Plain storage for the configuration registers. */
  protected regs = new Map<number, number>();
  protected events = new Map<number, number>();
  /** Memory writes so far, and writes after this instance's stopped event (for the tests). */
  writes = 0;
  lastStoppedAt = -1;

  constructor(readonly def: EasyDmaDef, protected env: Nrf52Env) {
    this.name = def.name;
    this.base = def.base;
  }

  clocked(): boolean {
    return true;
  }

  get enabled(): boolean {
    return (this.regs.get(ENABLE) || 0) !== 0;
  }

  read32(off: number): number {
    if (off < TASKS_END) return 0; // tasks are write-only
    if (off < EVENTS_END) return this.events.get(off) || 0;
    if (off === INTENSET || off === INTENCLR) return this.regs.get(INTEN) || 0;
    return this.readReg(off) >>> 0;
  }

  write32(off: number, v: number): void {
    if (off < TASKS_END) {
      if (v & 1) {
        this.env.ctx.trace.push("task", { periph: this.name, off: off });
        this.task(off);
      }
      return;
    }
    if (off < EVENTS_END) {
      this.events.set(off, v & 1);
      return;
    }
    if (off === INTENSET) this.regs.set(INTEN, (this.regs.get(INTEN) || 0) | v);
    else if (off === INTENCLR) this.regs.set(INTEN, (this.regs.get(INTEN) || 0) & ~v);
    else this.writeReg(off, v >>> 0);
  }

  protected readReg(off: number): number {
    return this.regs.get(off) || 0;
  }
  protected writeReg(off: number, v: number): void {
    this.regs.set(off, v);
  }
  protected reg(off: number): number {
    return this.regs.get(off) || 0;
  }
  protected shorts(bit: number): boolean {
    return ((this.reg(SHORTS) >>> bit) & 1) === 1;
  }

  /** Raise event at offset off (and trace it). */
  protected event(off: number, name: string): void {
    this.events.set(off, 1);
    this.env.ctx.trace.push("event", { periph: this.name, event: name });
  }
  /** The stopped event: from here on no EasyDMA access of this instance (PS). */
  protected stopped(off: number, name: string): void {
    this.lastStoppedAt = this.env.ctx.now();
    this.event(off, name);
  }

  protected abstract task(off: number): void;
  /** A scheduled happening is due (see at()). */
  protected abstract fire(what: string): void;

  /** What the peripheral will do next and when (cycles): items, started/stopped events. */
  protected agenda: { at: number; what: string }[] = [];

  /** Schedule `what` in `delay` cycles. */
  protected at(delay: number, what: string): void {
    this.agenda.push({ at: this.env.ctx.now() + Math.max(0, delay), what: what });
    this.touch();
  }
  protected cancel(what: string): void {
    this.agenda = this.agenda.filter((a) => a.what !== what);
    this.touch();
  }
  protected pending(what: string): boolean {
    return this.agenda.some((a) => a.what === what);
  }

  hasWork(): boolean {
    return this.agenda.length > 0;
  }

  private next(): number {
    var k = -1;
    for (var i = 0; i < this.agenda.length; i++) if (k < 0 || this.agenda[i].at < this.agenda[k].at) k = i;
    return k;
  }

  /** Serve the earliest happening if it is due: one bus slot. */
  step(): boolean {
    var k = this.next();
    if (k < 0 || this.agenda[k].at > this.env.ctx.now()) {
      this.touch();
      return false;
    }
    var a = this.agenda.splice(k, 1)[0];
    this.fire(a.what);
    this.touch();
    return true;
  }

  /** Run every happening due up to now (tests, and Espruino's own blocking drivers). */
  settle(limit = 100000): void {
    while (limit-- > 0 && this.step());
  }

  protected touch(): void {
    var k = this.next();
    this.readyAt = k < 0 ? Infinity : this.agenda[k].at;
  }

  // Peripheral request lines belong to the STM32 DMA controllers; EasyDMA has none.
  request(): void {}
  wants(): boolean {
    return false;
  }
  serveRequests(): void {}

  reset(): void {
    this.regs.clear();
    this.events.clear();
    this.agenda = [];
    this.resetState();
    this.touch();
  }
  protected abstract resetState(): void;

  /** The live heap block a transfer starting at addr writes into (see Memory.dmaWrite). */
  protected ownerAt(addr: number): number {
    return this.env.mem.ownerAt(addr);
  }

  private dataRam(addr: number, size: number, op: string) {
    var r = this.env.mem.regionAt(addr >>> 0);
    if (r && r.def.dma && r.contains(addr + size - 1)) return r;
    this.env.ctx.trace.push("easydma_fault", { periph: this.name, addr: addr >>> 0, op: op, why: "outside Data RAM" });
    return undefined;
  }

  /** An EasyDMA write of size bytes. */
  protected dmaWrite(addr: number, size: 1 | 2 | 4, value: number, owner: number): void {
    var r = this.dataRam(addr, size, "w");
    if (!r) return;
    this.writes++;
    this.env.mem.dmaWrite(r, addr >>> 0, size, value >>> 0, owner, this.name);
  }

  /** An EasyDMA read of size bytes (0 where it cannot reach). */
  protected dmaRead(addr: number, size: 1 | 2 | 4): number {
    var r = this.dataRam(addr, size, "r");
    return r ? this.env.mem.read(r, addr >>> 0, size) : 0;
  }

  /** Cycles per item for a rate in Hz. */
  protected cyclesAt(hz: number): number {
    return Math.max(1, Math.round(this.env.cpuHz / hz));
  }
}
