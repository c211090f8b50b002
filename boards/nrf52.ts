import type { BoardDef, EasyDmaDef } from "./types";

// Shared by the nRF52 boards. Base addresses: nRF52832 PS v1.4 and nRF52840 PS v1.7 (memory map,
// instantiation table), the same as Nordic's MDK headers
// (nrf52.h / nrf52840.h, NRF_xxx_BASE). Several peripherals share one base (SPIM0/TWIM0/SPI0 at
// 0x40003000, SPIM1/TWIM1 at 0x40004000, UARTE0/UART0 at 0x40002000), and one ENABLE register
// at base + 0x500 says which of them, if any, is on.
//
// What Espruino uses, from its nRF5x port (targets/nrf5x/jshardware.c, app_config.h) and board
// files: SAADC in analogRead() and battery readings (nrf_analog_read: START, SAMPLE, STOP, then
// disable; it first STOPs and disables a SAADC it finds enabled), PWM0-2 in analogWrite()
// (JSH_TIMER1..3), SPIM0 for SPI1 (NRF_DRV_SPI_INSTANCE(0)), TWI1 (I2C1, at SPIM1's base),
// UART0 for Serial1 (UARTE0's base), UARTE1 for Serial2 on the nRF52840 (UART1_ENABLED), I2S
// for neopixel output (i2s_ws2812b_drive.c).

const ANALOG_READ = "analogRead() and battery readings take it (and stop a running conversion)";

function common(): EasyDmaDef[] {
  return [
    { name: "SAADC", kind: "SAADC", base: 0x40007000, espruino: ANALOG_READ },
    { name: "UARTE0", kind: "UARTE", base: 0x40002000, espruino: "Serial1 (UART0 shares the base)" },
    { name: "SPIM0", kind: "SPIM", base: 0x40003000, espruino: "SPI1, hardware SPI" },
    { name: "SPIM1", kind: "SPIM", base: 0x40004000, espruino: "I2C1 (TWI1 shares the base)" },
    { name: "SPIM2", kind: "SPIM", base: 0x40023000 },
    { name: "PWM0", kind: "PWM", base: 0x4001c000, espruino: "analogWrite()" },
    { name: "PWM1", kind: "PWM", base: 0x40021000, espruino: "analogWrite()" },
    { name: "PWM2", kind: "PWM", base: 0x40022000, espruino: "analogWrite()" },
    { name: "I2S", kind: "I2S", base: 0x40025000, espruino: "neopixel writes" },
  ];
}

/** The nRF52832's EasyDMA peripherals as Espruino uses them. */
export function nrf52832Peripherals(): EasyDmaDef[] {
  return common();
}

/** The nRF52840 adds UARTE1, SPIM3 and PWM3 (PS v1.7 instantiation table). */
export function nrf52840Peripherals(): EasyDmaDef[] {
  return common().concat([
    { name: "UARTE1", kind: "UARTE", base: 0x40028000, espruino: "Serial2" },
    { name: "SPIM3", kind: "SPIM", base: 0x4002f000 },
    { name: "PWM3", kind: "PWM", base: 0x4002d000 },
  ]);
}

/** An nRF52 board: no DMA controller, no timers or GPIO models of the STM32 kind. Data RAM
 * (the only memory EasyDMA reaches, PS v1.4 / v1.7, EasyDMA chapter: elsewhere "may result in
 * HardFault or RAM corruption") starts at 0x20000000: 64 KB on the 52832, 256 KB on the 52840.
 * Flash from 0. HFCLK 64 MHz. Variable block size: 13 bytes from 2,048 variables, 14 from 8,192
 * (espruino-compat.md). */
export function nrf52Board(o: { name: string; title: string; envBoard: string[]; part: "nRF52832" | "nRF52840"; vars: number; appRamBase: number; periph?: (p: EasyDmaDef[]) => EasyDmaDef[] }): BoardDef {
  var big = o.part === "nRF52840", p = big ? nrf52840Peripherals() : nrf52832Peripherals();
  return {
    name: o.name,
    title: o.title,
    mcu: o.part,
    family: "NRF52",
    envBoard: o.envBoard,
    cpuHz: 64000000,
    ram: [{ name: "Data RAM", base: 0x20000000, size: (big ? 256 : 64) * 1024, dma: true }],
    flash: { base: 0, size: (big ? 1024 : 512) * 1024 },
    dma: [],
    rcc: { base: 0, dmaEnr: 0 },
    requests: {},
    timers: [],
    gpio: [],
    nrf52: { part: o.part, peripherals: o.periph ? o.periph(p) : p, appRamBase: o.appRamBase },
    espruino: { vars: o.vars, blockSize: o.vars >= 8192 ? 14 : 13, version: "2v29" },
  };
}
