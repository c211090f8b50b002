import { nrf52Board } from "./nrf52";

/** Bangle.js 2: nRF52840, 256 KB RAM, 12,000 variables, SoftDevice RAM to 0x20003b70 (Espruino
 * boards/BANGLEJS2.py). Its memory LCD is on SPI1 (libs/graphics/lcd_memlcd.c, LCD_SPI
 * EV_SPI1), that is SPIM0 (ESPR_USE_SPI3 is not set), enabled from boot. Storage lives in the
 * external SPI flash, mapped in software at 0x60000000 and bit-banged (jshardware.c
 * SPIFLASH_BASE): not memory EasyDMA can reach. */
export const banglejs2 = nrf52Board({
  name: "banglejs2", title: "Bangle.js 2", envBoard: ["BANGLEJS2"], part: "nRF52840", vars: 12000, appRamBase: 0x20003b70,
  periph: (p) => p.map((d) => (d.name === "SPIM0" ? { ...d, espruino: "the memory LCD (SPI1)" } : d)),
});
