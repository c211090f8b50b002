// Identification registers firmware reads to tell chips apart: SCB CPUID (ARMv7-M ARM B3.2.3)
// and DBGMCU_IDCODE (RM0090 38.6.1, RM0368 23.6.1, RM0383 23.6.1, RM0008 31.6.1).
import type { BoardDef } from "../../../boards/types";
import type { Peripheral } from "./bus";

const DEV_ID: { [mcu: string]: number } = {
  STM32F401CD: 0x433, // F401xD/E
  STM32F411CE: 0x431,
  STM32F407VG: 0x413,
  STM32F103RC: 0x414, // high-density F1
};

export class SysInfo implements Peripheral {
  readonly name = "SCB";
  readonly base = 0xe000ec00;
  readonly size = 0x400;
  constructor(private board: BoardDef) {}
  clocked(): boolean {
    return true;
  }
  read32(offset: number): number {
    // CPUID: Cortex-M4 r0p1 on F4, Cortex-M3 r1p1 on F1.
    if (offset === 0x100) return this.board.family === "F4" ? 0x410fc241 : 0x411fc231;
    return 0;
  }
  write32(): void {}
}

export class DbgMcu implements Peripheral {
  readonly name = "DBGMCU";
  readonly base = 0xe0042000;
  readonly size = 0x400;
  constructor(private board: BoardDef) {}
  clocked(): boolean {
    return true;
  }
  read32(offset: number): number {
    if (offset === 0) return (0x1000 << 16) | (DEV_ID[this.board.mcu] || 0);
    return 0;
  }
  write32(): void {}
}
