// Shared helpers for the model tests: build an MCU, program a stream through the bus.
import { pico } from "../../../boards/pico";
import { original } from "../../../boards/original";
import { f4discovery } from "../../../boards/f4discovery";
import { createMcu, f4, f1 } from "../../../host/virtual-board/mcu/index";
import type { VirtualMcu, VirtualMcuOptions } from "../../../host/virtual-board/mcu/index";
import type { BoardDef } from "../../../boards/types";

export const DMA1_F4 = 0x40026000, DMA2_F4 = 0x40026400;
export const DMA1_F1 = 0x40020000, DMA2_F1 = 0x40020400;
export const RCC_F4 = 0x40023800, RCC_F1 = 0x40021000;
export { pico, original, f4discovery };

export function mcuFor(board: BoardDef, o: Partial<VirtualMcuOptions> = {}): VirtualMcu {
  var m = createMcu(Object.assign({ board: board }, o));
  // Clock the DMA controllers (RCC AHB1ENR DMA1EN/DMA2EN, or F1 AHBENR DMA1EN/DMA2EN).
  var rcc = board.rcc.base + board.rcc.dmaEnr;
  var bits = 0;
  for (var d of board.dma) bits |= 1 << d.rccBit;
  m.write32(rcc, m.read32(rcc) | bits);
  return m;
}

/** A script for the step-mode scheduler: the next values, then `rest` forever. */
export function script(values: number[], rest = 0): () => number {
  var i = 0;
  return () => (i < values.length ? values[i++] : rest);
}

export interface StreamSetup {
  par: number;
  m0ar: number;
  m1ar?: number;
  ndtr: number;
  cr: number; // without EN
  fcr?: number;
}

/** Program an F4 stream through the bus (flags cleared, then EN). */
export function startStream(m: VirtualMcu, base: number, x: number, s: StreamSetup): void {
  var ifcr = x < 4 ? f4.LIFCR : f4.HIFCR;
  m.write32(base + ifcr, 0x3d << f4.flagShift(x));
  m.write32(base + f4.SPAR(x), s.par);
  m.write32(base + f4.SM0AR(x), s.m0ar);
  if (s.m1ar !== undefined) m.write32(base + f4.SM1AR(x), s.m1ar);
  m.write32(base + f4.SNDTR(x), s.ndtr);
  if (s.fcr !== undefined) m.write32(base + f4.SFCR(x), s.fcr);
  m.write32(base + f4.SCR(x), s.cr);
  m.write32(base + f4.SCR(x), s.cr | f4.CR_EN);
}

/** Flags of stream x (canonical 6-bit form) read through LISR/HISR. */
export function streamFlags(m: VirtualMcu, base: number, x: number): number {
  return (m.read32(base + (x < 4 ? f4.LISR : f4.HISR)) >>> f4.flagShift(x)) & 0x3f;
}

export const M2M_WORDS = (2 << f4.CR_DIR_SHIFT) | f4.CR_PINC | f4.CR_MINC | (2 << f4.CR_PSIZE_SHIFT) | (2 << f4.CR_MSIZE_SHIFT);

/** Fill a heap block with a recognisable pattern. */
export function fill(data: Uint8Array, seed: number): void {
  for (var i = 0; i < data.length; i++) data[i] = (seed + i * 7) & 0xff;
}

export { f4, f1 };
