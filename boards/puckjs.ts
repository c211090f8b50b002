import { nrf52Board } from "./nrf52";

/** Puck.js: nRF52832, 64 KB RAM, 2,630 variables, SoftDevice RAM to 0x20003290 (Espruino
 * boards/PUCKJS.py: 'variables', chip 'ram', LD_APP_RAM_BASE). */
export const puckjs = nrf52Board({ name: "puckjs", title: "Puck.js", envBoard: ["PUCKJS"], part: "nRF52832", vars: 2630, appRamBase: 0x20003290 });
