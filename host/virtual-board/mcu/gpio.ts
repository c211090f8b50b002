// A GPIO port: IDR, ODR, BSRR (RM0090 8.4.5-8.4.7, RM0008 9.2.3-9.2.5). The pins' input levels
// come from a host function (a test, or the host's input model); with none set the port reads
// back its outputs, as pins configured as outputs do. Other registers (MODER, CRL, ...) are
// stored and reported as unmodelled.
import type { GpioDef } from "../../../boards/types";
import type { Peripheral } from "./bus";
import type { ModelContext } from "./context";

export class GpioPort implements Peripheral {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  odr = 0;
  /** Pin levels as a function of the cycle; null: IDR reads back ODR. */
  input: ((cycle: number) => number) | null = null;
  /** Called whenever ODR changes (for tests and the host's output capture). */
  onOutput: ((odr: number, cycle: number) => void) | null = null;
  private other = new Map<number, number>();

  constructor(readonly def: GpioDef, private ctx: ModelContext) {
    this.name = def.name;
    this.base = def.base;
  }

  clocked(): boolean {
    return this.ctx.clockEnabled(this.def.enr, this.def.bit);
  }

  reset(): void {
    this.odr = 0;
    this.other.clear();
  }

  /** Drive the input pins to a fixed level. */
  setInput(levels: number): void {
    this.input = () => levels & 0xffff;
  }

  read32(offset: number): number {
    var d = this.def;
    if (offset === d.idr) return (this.input ? this.input(this.ctx.now()) : this.odr) & 0xffff;
    if (offset === d.odr) return this.odr;
    if (offset === d.bsrr) return 0; // write-only
    return this.other.get(offset) || 0;
  }

  write32(offset: number, value: number): void {
    var d = this.def;
    if (offset === d.odr) this.setOdr(value & 0xffff);
    else if (offset === d.bsrr) {
      // BSy has priority over BRy when both are set (RM0090 8.4.7, RM0008 9.2.5).
      this.setOdr(((this.odr & ~((value >>> 16) & 0xffff)) | (value & 0xffff)) & 0xffff);
    } else if (offset === d.idr) {
      this.ctx.trace.push("write_ignored", { periph: this.name, offset: offset, value: value >>> 0 });
    } else {
      this.other.set(offset, value >>> 0);
      this.ctx.trace.push("unmodelled", { periph: this.name, offset: offset, op: "w", value: value >>> 0 });
    }
  }

  private setOdr(v: number): void {
    if (v === this.odr) return;
    this.odr = v;
    this.ctx.trace.push("gpio", { port: this.name, odr: v });
    if (this.onOutput) this.onOutput(v, this.ctx.now());
  }
}
