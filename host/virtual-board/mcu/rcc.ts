// RCC: only the clock-enable registers matter to the models; every other register is plain
// storage (reported in the trace when written, as an unmodelled register).
// Reset values: RM0090 6.3.10 AHB1ENR = 0x00100000 (CCMDATARAMEN); RM0368 6.3.9 = 0; RM0008 7.3.6
// AHBENR = 0x00000014 (SRAMEN, FLITFEN); the APBxENR reset to 0 on all three.
import type { BoardDef } from "../../../boards/types";
import type { Peripheral } from "./bus";
import type { ModelContext } from "./context";

export class Rcc implements Peripheral {
  readonly name = "RCC";
  readonly base: number;
  readonly size = 0x400;
  private regs = new Map<number, number>();
  private enableRegs: number[];
  private resetValues: { [off: number]: number };

  constructor(private board: BoardDef, private ctx: ModelContext) {
    this.base = board.rcc.base;
    var enr = [board.rcc.dmaEnr];
    for (var t of board.timers) enr.push(t.enr);
    for (var g of board.gpio) enr.push(g.enr);
    this.enableRegs = enr.filter((v, i) => enr.indexOf(v) === i);
    this.resetValues = {};
    if (board.family === "F1") this.resetValues[0x14] = 0x14;
    else if (board.mcu.indexOf("F407") >= 0) this.resetValues[0x30] = 0x00100000;
    this.reset();
  }

  reset(): void {
    this.regs.clear();
    for (var k in this.resetValues) this.regs.set(Number(k), this.resetValues[k]);
  }

  clocked(): boolean {
    return true;
  }

  isEnabled(enr: number, bit: number): boolean {
    return (((this.regs.get(enr) || 0) >>> bit) & 1) === 1;
  }

  read32(offset: number): number {
    return (this.regs.get(offset) || 0) >>> 0;
  }

  /** Reset registers (xxxRSTR) and the models each bit resets, registered by the MCU. */
  private resets = new Map<number, { bit: number; reset: () => void }[]>();

  /** Setting `bit` of the reset register at `offset` resets a model (RM0090 6.3.5-6.3.9). */
  addReset(offset: number, bit: number, reset: () => void): void {
    var list = this.resets.get(offset);
    if (!list) this.resets.set(offset, (list = []));
    list.push({ bit: bit, reset: reset });
  }

  write32(offset: number, value: number): void {
    var old = this.regs.get(offset) || 0;
    this.regs.set(offset, value >>> 0);
    var resets = this.resets.get(offset);
    if (resets) {
      // The peripheral is held in reset while its bit is 1; the model resets it on the write.
      for (var i = 0; i < resets.length; i++) {
        if ((value >>> resets[i].bit) & 1) {
          this.ctx.trace.push("periph_reset", { offset: offset, bit: resets[i].bit });
          resets[i].reset();
        }
      }
    } else if (this.enableRegs.indexOf(offset) >= 0) {
      if (old !== value >>> 0) this.ctx.trace.push("rcc", { offset: offset, value: value >>> 0 });
    } else {
      this.ctx.trace.push("unmodelled", { periph: this.name, offset: offset, op: "w", value: value >>> 0 });
    }
  }
}
