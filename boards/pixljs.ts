import { nrf52Board } from "./nrf52";

/** Pixl.js: nRF52832, 64 KB RAM, 2,950 variables, SoftDevice RAM to 0x20003290 (Espruino
 * boards/PIXLJS.py). Its LCD is driven through SPI1 (SPIM0), already in the common list. */
export const pixljs = nrf52Board({ name: "pixljs", title: "Pixl.js", envBoard: ["PIXLJS"], part: "nRF52832", vars: 2950, appRamBase: 0x20003290 });
