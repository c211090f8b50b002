import type { BoardDef } from "./types";
import { f4Dma, f4Rcc, f4Gpio, f4Timers, f4Requests } from "./stm32f4";

/** STM32F4DISCOVERY: STM32F407VGT6 (RM0090). SRAM1 112 KB + SRAM2 16 KB are on the bus
 * matrix; the 64 KB CCM RAM is reachable by the CPU only, not by DMA (RM0090 2.3.1). */
export const f4discovery: BoardDef = {
  name: "f4discovery",
  title: "STM32F4DISCOVERY",
  mcu: "STM32F407VG",
  family: "F4",
  envBoard: ["STM32F4DISCOVERY"],
  cpuHz: 168000000,
  ram: [
    { name: "SRAM1", base: 0x20000000, size: 112 * 1024, dma: true },
    { name: "SRAM2", base: 0x2001c000, size: 16 * 1024, dma: true },
    { name: "CCM", base: 0x10000000, size: 64 * 1024, dma: false },
  ],
  flash: { base: 0x08000000, size: 1024 * 1024 },
  dma: f4Dma,
  rcc: f4Rcc,
  requests: f4Requests,
  timers: f4Timers(168000000),
  gpio: f4Gpio,
  espruino: { vars: 5450, blockSize: 13, version: "2v29" },
};
