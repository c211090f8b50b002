// The nRF52 bundle is its own (firmware/index-nrf52.ts): the STM32 bundle carries none of it,
// and a ceiling on what the nRF52 driver adds to the core keeps it from growing unnoticed
// (Puck.js: 2,630 variables).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ensureBuilt, DRIVER, DRIVER_NRF52 } from "../../host/scenarios/bundle";
import { driverBundleBytes } from "../drivers/size";

test("the STM32 bundle has no nRF52 code; the nRF52 bundle has no STM32 driver, and its driver adds at most 6,200 bytes to the core", async () => {
  ensureBuilt();
  var stm = readFileSync(DRIVER, "latin1"), nrf = readFileSync(DRIVER_NRF52, "latin1");
  assert.doesNotMatch(stm, /SAADC|EasyDMA|puckjs|banglejs2/);
  assert.doesNotMatch(nrf, /PICO_R1_3|ESPRUINOBOARD|TIM1_UP/);
  assert.match(nrf, /EasyDMA/);
  // The core alone: the STM32 bundle built with its drivers stubbed out (test/drivers/size.ts).
  var core = (await driverBundleBytes()).withoutDrivers;
  assert.ok(nrf.length - core <= 6200, "nRF52 driver + glue: " + (nrf.length - core) + " bytes over the core's " + core);
});
