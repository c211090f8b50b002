import { nrf52Board } from "./nrf52";

/** MDBT42Q breakout: nRF52832, 64 KB RAM, 2,950 variables, SoftDevice RAM to 0x20003290
 * (Espruino boards/MDBT42Q.py). */
export const mdbt42q = nrf52Board({ name: "mdbt42q", title: "MDBT42Q", envBoard: ["MDBT42Q"], part: "nRF52832", vars: 2950, appRamBase: 0x20003290 });
