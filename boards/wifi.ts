import type { BoardDef } from "./types";
import { f4Dma, f4Rcc, f4Gpio, f4Timers, f4Requests } from "./stm32f4";

/** Espruino WiFi: STM32F411CEU6, 128 KB SRAM (RM0383). */
export const wifi: BoardDef = {
  name: "wifi",
  title: "Espruino WiFi",
  mcu: "STM32F411CE",
  family: "F4",
  envBoard: ["ESPRUINOWIFI"],
  cpuHz: 100000000,
  ram: [{ name: "SRAM", base: 0x20000000, size: 128 * 1024, dma: true }],
  flash: { base: 0x08000000, size: 512 * 1024 },
  dma: f4Dma,
  rcc: f4Rcc,
  requests: f4Requests,
  timers: f4Timers(100000000),
  gpio: f4Gpio,
  espruino: { vars: 8190, blockSize: 13, version: "2v29" },
};
