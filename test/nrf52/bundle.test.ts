// The nRF52 bundle is its own (firmware/index-nrf52.ts): the STM32 bundle carries none of it,
// and a ceiling keeps the nRF52 one from growing unnoticed (Puck.js: 2,630 variables).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ensureBuilt, DRIVER, DRIVER_NRF52 } from "../../host/scenarios/bundle";

test("the STM32 bundle has no nRF52 code; the nRF52 bundle has no STM32 driver and stays under 15,000 bytes", () => {
  ensureBuilt();
  var stm = readFileSync(DRIVER, "latin1"), nrf = readFileSync(DRIVER_NRF52, "latin1");
  assert.doesNotMatch(stm, /SAADC|EasyDMA|puckjs|banglejs2/);
  assert.doesNotMatch(nrf, /PICO_R1_3|ESPRUINOBOARD|TIM1_UP/);
  assert.match(nrf, /EasyDMA/);
  assert.ok(nrf.length <= 15000, nrf.length + " bytes");
});
