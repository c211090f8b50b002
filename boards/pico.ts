import type { BoardDef } from "./types";
import { f4Dma, f4Rcc, f4Gpio, f4Timers, f4Requests } from "./stm32f4";

/** Espruino Pico: STM32F401CDU6, 96 KB SRAM (RM0368). */
export const pico: BoardDef = {
  name: "pico",
  title: "Espruino Pico",
  mcu: "STM32F401CD",
  family: "F4",
  envBoard: ["PICO_R1_3", "PICO"],
  cpuHz: 84000000,
  ram: [{ name: "SRAM", base: 0x20000000, size: 96 * 1024, dma: true }],
  flash: { base: 0x08000000, size: 384 * 1024 },
  dma: f4Dma,
  rcc: f4Rcc,
  requests: f4Requests,
  timers: f4Timers(84000000),
  gpio: f4Gpio,
  espruino: { vars: 5100, blockSize: 13, version: "2v29" },
};
