// The virtual MCU: bus + memory + clock + scheduler + peripheral models, built from a board's
// data (boards/*.ts). Implements the Mcu contract (../contract.ts) for the runtime.
import type { BoardDef } from "../../../boards/types";
import type { Mcu, McuOptions, TraceEvent, Violation } from "../contract";
import { AddressMap, BusFaultError, hex, inPeripheralSpace } from "./bus";
import type { Peripheral } from "./bus";
import type { ModelContext } from "./context";
import { ChannelDma } from "./dma-channel";
import { DmaBus } from "./dma-bus";
import type { DmaEngine } from "./dma-engine";
import { StreamDma } from "./dma-stream";
import { GpioPort } from "./gpio";
import { HeapImpl, Memory } from "./memory";
import { Rcc } from "./rcc";
import { Scheduler } from "./scheduler";
import { DbgMcu, SysInfo } from "./sysinfo";
import { Timer } from "./timer";
import { Trace, traceHash } from "./trace";
import { createEasyDma, EasyDma, Nrf52Faults } from "./nrf52/index";

export interface VirtualMcuOptions extends McuOptions {
  /** Cycles per CPU access (default: 10 us of the board's clock). */
  cpuAccessCycles?: number;
  /** Record every DMA data item in the trace (off by default). */
  traceItems?: boolean;
  /** nRF52: fault modes of the EasyDMA models (nrf52/easydma.ts). */
  nrf52Faults?: Nrf52Faults;
}

export class VirtualMcu implements Mcu {
  readonly board: BoardDef;
  readonly memory: Memory;
  readonly heap: HeapImpl;
  readonly map = new AddressMap();
  readonly tracer: Trace;
  readonly scheduler: Scheduler;
  readonly rcc: Rcc;
  readonly dma: DmaEngine[] = [];
  readonly timers: Timer[] = [];
  readonly gpio: GpioPort[] = [];
  /** nRF52: the EasyDMA peripherals, by name ("SAADC", "SPIM2"); also in `dma`. */
  readonly easydma: { [name: string]: EasyDma } = {};
  readonly dmaBus: DmaBus;
  traceBus: boolean;
  private _cycles = 0;
  private rr = 0;
  private ctx: ModelContext;

  constructor(opts: VirtualMcuOptions) {
    var board = (this.board = opts.board);
    var self = this;
    this.tracer = new Trace(function () { return self._cycles; });
    this.traceBus = !!opts.traceBus;
    this.scheduler = new Scheduler(opts.schedule || "normal", opts.seed === undefined ? 1 : opts.seed, board.cpuHz);
    if (opts.cpuAccessCycles !== undefined) this.scheduler.cpuAccessCycles = this.scheduler.idleQuantumCycles = opts.cpuAccessCycles;
    this.ctx = {
      now: function () { return self._cycles; },
      trace: this.tracer,
      clockEnabled: function (enr, bit) { return self.rcc.isEnabled(enr, bit); },
      dmaRequest: function (name) { self.dmaRequest(name); },
      requestWanted: function (name) { return self.requestWanted(name); },
    };
    this.memory = new Memory(board, this.tracer, this.ctx.now);
    this.heap = new HeapImpl(this.memory, board);
    this.dmaBus = new DmaBus(board, this.memory, this.map, this.tracer, this.ctx.now);
    this.rcc = new Rcc(board, this.ctx);
    // nRF52: no RCC (clocks start on demand) and no DMA controller: EasyDMA peripherals instead.
    if (board.nrf52) this.addNrf52(opts.nrf52Faults);
    else this.map.add(this.rcc);
    for (var d of board.dma) {
      var e: DmaEngine = d.kind === "stream"
        ? new StreamDma(d, this.ctx, this.dmaBus, this.scheduler.timing, board.rcc.dmaEnr)
        : new ChannelDma(d, this.ctx, this.dmaBus, this.scheduler.timing, board.rcc.dmaEnr);
      (e as StreamDma).traceItems = !!opts.traceItems;
      this.dma.push(e);
      this.map.add(e);
    }
    for (var t of board.timers) {
      var tm = new Timer(t, board, this.ctx);
      this.timers.push(tm);
      this.map.add(tm);
    }
    for (var g of board.gpio) {
      var gp = new GpioPort(g, this.ctx);
      this.gpio.push(gp);
      this.map.add(gp);
    }
    this.wireResets();
    this.map.add(new SysInfo(board));
    this.map.add(new DbgMcu(board));
  }

  private addNrf52(faults?: Nrf52Faults): void {
    var b = this.board, n = b.nrf52!;
    // Defaults: the anomalies the part has, and the PS's worst case for UARTE trailing bytes.
    var f: Nrf52Faults = { saadcCalibrationSample: n.part === "nRF52832", i2sPtrupdAfterStop: true, uarteTrailingBytes: 4, ...faults };
    var env = { ctx: this.ctx, mem: this.memory, part: n.part, cpuHz: b.cpuHz, faults: f, latencyCycles: this.scheduler.timing.latencyCycles };
    for (var d of n.peripherals) {
      var m = createEasyDma(d, env);
      this.easydma[d.name] = m;
      this.dma.push(m);
      this.map.add(m);
    }
  }

  /** nRF52: Espruino's analogRead(pin) on the SAADC model (nrf52/saadc.ts): pins P0.02-P0.05
   * are AIN0-3, P0.28-P0.31 AIN4-7 (PS v1.4 pin assignments, AIN pins); any other pin reads NaN, as
   * Espruino's jshPinAnalog returns for a pin with no analog input. Its result variable is a
   * short-lived block of RAM (Espruino's is on the C stack). */
  analogRead(pin: number): number {
    var s = this.easydma.SAADC as any, p = Number(pin) | 0;
    var ain = p >= 2 && p <= 5 ? p - 2 : p >= 28 && p <= 31 ? p - 24 : -1;
    if (!s || ain < 0) return NaN;
    var scratch = this.heap.alloc(4);
    if (!scratch) return NaN;
    try {
      return s.analogRead(ain, scratch.addr);
    } finally {
      this.heap.free(scratch);
    }
  }

  /** RCC reset registers: on the F4 each xxxRSTR sits 0x20 below its xxxENR (AHB1RSTR 0x10,
   * APB1RSTR 0x20, APB2RSTR 0x24; RM0090 6.3.5-6.3.9), with the same bit per peripheral. On
   * the F1, APB2RSTR 0x0C and APB1RSTR 0x10 sit 0x0C below their ENR; there is no AHB reset
   * register, so the DMA controllers cannot be reset (RM0008 7.3.4-7.3.5). */
  private wireResets(): void {
    var b = this.board, rcc = this.rcc, f4 = b.family === "F4";
    var rst = (enr: number) => (f4 ? enr - 0x20 : enr - 0x0c);
    if (f4) for (var i = 0; i < this.dma.length; i++) rcc.addReset(rst(b.rcc.dmaEnr), b.dma[i].rccBit, this.dma[i].reset.bind(this.dma[i]));
    for (var t of this.timers) rcc.addReset(rst(t.def.enr), t.def.bit, t.reset.bind(t));
    for (var g of this.gpio) rcc.addReset(rst(g.def.enr), g.def.bit, g.reset.bind(g));
  }

  get cycles(): number {
    return this._cycles;
  }
  get trace(): TraceEvent[] {
    return this.tracer.events;
  }
  get violations(): Violation[] {
    return this.memory.violations;
  }
  ms(): number {
    return (this._cycles / this.board.cpuHz) * 1000;
  }
  traceHash(): string {
    return traceHash(this.tracer.events);
  }
  peripheral(name: string): Peripheral | undefined {
    return this.map.byName(name);
  }
  dmaController(name: string): DmaEngine | undefined {
    for (var i = 0; i < this.dma.length; i++) if (this.dma[i].name === name) return this.dma[i];
    return undefined;
  }

  // ------------------------------------------------------------------ CPU accesses

  read32(addr: number): number {
    this.cpuTick();
    return this.cpuRead(addr >>> 0, 4);
  }
  write32(addr: number, value: number): void {
    this.cpuTick();
    this.cpuWrite(addr >>> 0, 4, value >>> 0);
  }
  read16(addr: number): number {
    this.cpuTick();
    return this.cpuRead(addr >>> 0, 2);
  }
  write16(addr: number, value: number): void {
    this.cpuTick();
    this.cpuWrite(addr >>> 0, 2, value & 0xffff);
  }
  read8(addr: number): number {
    this.cpuTick();
    return this.cpuRead(addr >>> 0, 1);
  }
  write8(addr: number, value: number): void {
    this.cpuTick();
    this.cpuWrite(addr >>> 0, 1, value & 0xff);
  }

  /** Read memory without costing time or tracing (for tests and the runtime's own views). */
  debugRead(addr: number, size: 1 | 2 | 4 = 4): number {
    var r = this.memory.regionAt(addr >>> 0);
    if (!r) throw new BusFaultError(addr >>> 0, "debugRead: not RAM at " + hex(addr));
    return this.memory.read(r, addr >>> 0, size);
  }
  debugWrite(addr: number, size: 1 | 2 | 4, value: number): void {
    var r = this.memory.regionAt(addr >>> 0);
    if (!r) throw new BusFaultError(addr >>> 0, "debugWrite: not RAM at " + hex(addr));
    this.memory.write(r, addr >>> 0, size, value);
  }

  private cpuTick(): void {
    var s = this.scheduler;
    this.runUntil(this._cycles + s.cpuAccessCycles);
    if (s.next) this.dmaSteps(s.next());
  }

  private fault(addr: number, what: string): never {
    var f = new BusFaultError(addr, what + " at " + hex(addr));
    this.tracer.push("bus_fault", { addr: addr, message: f.message });
    throw f;
  }

  private cpuRead(addr: number, size: number): number {
    var v = this.cpuReadRaw(addr, size);
    if (this.traceBus) this.tracer.push("bus", { op: "r", addr: addr, size: size, value: v });
    return v;
  }

  private cpuReadRaw(addr: number, size: number): number {
    var r = this.memory.regionAt(addr);
    if (r) {
      // Cortex-M3/M4 allow unaligned LDR/LDRH to normal memory (ARMv7-M A3.2.1).
      if (!r.contains(addr + size - 1)) this.fault(addr, "access past the end of " + r.def.name);
      return this.memory.read(r, addr, size);
    }
    var p = this.map.find(addr);
    if (p) {
      // Unaligned accesses to Device memory fault (ARMv7-M A3.2.1).
      if (addr % size) this.fault(addr, "unaligned access to " + p.name);
      if (!p.clocked()) {
        this.tracer.push("unclocked", { periph: p.name, addr: addr, op: "r" });
        return 0;
      }
      var off = addr - p.base, w = p.read32(off & ~3);
      if (size === 4) return w >>> 0;
      return (w >>> ((off & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
    }
    if (this.inFlash(addr, size)) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    if (inPeripheralSpace(addr)) {
      this.tracer.push("unmodelled", { addr: addr, op: "r" });
      return 0;
    }
    return this.fault(addr, "read of unmapped address");
  }

  private cpuWrite(addr: number, size: number, value: number): void {
    if (this.traceBus) this.tracer.push("bus", { op: "w", addr: addr, size: size, value: value });
    var r = this.memory.regionAt(addr);
    if (r) {
      if (!r.contains(addr + size - 1)) this.fault(addr, "access past the end of " + r.def.name);
      this.memory.write(r, addr, size, value);
      return;
    }
    var p = this.map.find(addr);
    if (p) {
      if (addr % size) this.fault(addr, "unaligned access to " + p.name);
      this.catchUpTimers();
      if (!p.clocked()) {
        this.tracer.push("unclocked", { periph: p.name, addr: addr, op: "w", value: value });
        return;
      }
      var off = addr - p.base;
      if (size === 4) p.write32(off, value);
      else if (p.wordOnly) {
        this.tracer.push("write_ignored", { periph: p.name, addr: addr, size: size, value: value, why: "word access only" });
      } else {
        var sh = (off & 3) * 8, mask = size === 1 ? 0xff : 0xffff;
        p.write32(off & ~3, ((p.read32(off & ~3) & ~(mask << sh)) | ((value & mask) << sh)) >>> 0);
      }
      return;
    }
    if (this.inFlash(addr, size)) {
      // Flash is programmed through FLASH_CR, not by plain stores: the store has no effect.
      this.tracer.push("write_ignored", { addr: addr, value: value, why: "flash is read-only" });
      return;
    }
    if (inPeripheralSpace(addr)) {
      this.tracer.push("unmodelled", { addr: addr, op: "w", value: value });
      return;
    }
    this.fault(addr, "write to unmapped address");
  }

  private inFlash(addr: number, size: number): boolean {
    var f = this.board.flash;
    // The boot alias at 0x00000000 maps flash (RM0090 2.4, RM0008 3.4).
    return (addr >= f.base && addr + size <= f.base + f.size) || addr + size <= f.size;
  }

  // ------------------------------------------------------------------ time

  advance(cycles: number): void {
    if (!(cycles >= 0)) return;
    this.runUntil(this._cycles + cycles);
    var s = this.scheduler;
    if (s.next) this.dmaSteps(s.next());
  }

  /** Advance to an absolute cycle (no-op if it is in the past). */
  advanceTo(cycle: number): void {
    if (cycle > this._cycles) this.advance(cycle - this._cycles);
  }

  nextEventCycle(): number {
    var t = Infinity;
    for (var i = 0; i < this.timers.length; i++) {
      var n = this.timers[i].nextEventCycle();
      if (n < t) t = n;
    }
    var step = this.scheduler.next !== null;
    for (var j = 0; j < this.dma.length; j++) {
      var e = this.dma[j];
      if (!e.hasWork()) continue;
      var c = step ? this._cycles + this.scheduler.idleQuantumCycles : Math.max(e.readyAt, this._cycles);
      if (c < t) t = c;
    }
    return t;
  }

  /** Run every timed event up to `target`, then set the clock to it. */
  private runUntil(target: number): void {
    var step = this.scheduler.next !== null;
    var timers = this.timers, dma = this.dma;
    for (;;) {
      var t = Infinity, tm: Timer | null = null, eng: DmaEngine | null = null;
      for (var i = 0; i < timers.length; i++) {
        var n = timers[i].nextEventCycle();
        if (n < t) { t = n; tm = timers[i]; }
      }
      if (!step) {
        for (var j = 0; j < dma.length; j++) {
          if (!dma[j].hasWork()) continue;
          var c = Math.max(dma[j].readyAt, this._cycles);
          if (c < t) { t = c; eng = dma[j]; tm = null; }
        }
      }
      if (t > target) break;
      if (t > this._cycles) this._cycles = t;
      if (eng) eng.step();
      else if (tm) {
        // Step mode: a latched request is served before the next timer event at the latest.
        // On the chip a request waits a few cycles, far less than a timer period; without
        // this the adversary would manufacture overruns (DMEIF) the hardware cannot produce.
        if (step) for (var k = 0; k < dma.length; k++) dma[k].serveRequests();
        tm.runTo(t);
        if (this.scheduler.next) this.dmaSteps(this.scheduler.next());
      }
    }
    if (target > this._cycles) this._cycles = target;
  }

  /** Step mode: serve n bus slots, the controllers taking turns. */
  dmaSteps(n: number): void {
    var e = this.dma, len = e.length;
    for (var i = 0; i < n; i++) {
      var served = false;
      for (var k = 0; k < len; k++) {
        var idx = (this.rr + k) % len;
        if (e[idx].step()) {
          served = true;
          this.rr = (idx + 1) % len;
          break;
        }
      }
      if (!served) return;
    }
  }

  // ------------------------------------------------------------------ requests, reset

  /** Apply the timers' unobserved update events up to now (see Timer.observed). */
  private catchUpTimers(): void {
    for (var i = 0; i < this.timers.length; i++) this.timers[i].runTo(this._cycles);
  }

  requestWanted(name: string): boolean {
    var lines = this.board.requests[name];
    if (!lines) return false;
    for (var i = 0; i < lines.length; i++) {
      var e = this.dmaController(lines[i].dma);
      if (e && e.wants(lines[i].stream, lines[i].channel)) return true;
    }
    return false;
  }

  /** Raise a request line by its name in the board's request map (e.g. "TIM2_UP"). */
  dmaRequest(name: string): void {
    var lines = this.board.requests[name];
    if (!lines) return;
    for (var i = 0; i < lines.length; i++) {
      var e = this.dmaController(lines[i].dma);
      if (e) e.request(lines[i].stream, lines[i].channel);
    }
  }

  reset(): void {
    this.rcc.reset();
    for (var i = 0; i < this.dma.length; i++) this.dma[i].reset();
    for (var j = 0; j < this.timers.length; j++) this.timers[j].reset();
    for (var k = 0; k < this.gpio.length; k++) this.gpio[k].reset();
    this.tracer.push("reset");
  }
}

export function createMcu(opts: VirtualMcuOptions): VirtualMcu {
  return new VirtualMcu(opts);
}
