// The nRF52 EasyDMA peripheral models of a board (boards/*.ts nrf52.peripherals), by kind.
import type { EasyDmaDef } from "../../../../boards/types";
import type { EasyDma, Nrf52Env } from "./easydma";
import { Saadc } from "./saadc";
import { Uarte } from "./uarte";
import { Spim } from "./spim";
import { Pwm } from "./pwm";
import { I2s } from "./i2s";

export type { Nrf52Env, Nrf52Faults } from "./easydma";
export { EasyDma } from "./easydma";
export { Saadc, Uarte, Spim, Pwm, I2s };

export function createEasyDma(def: EasyDmaDef, env: Nrf52Env): EasyDma {
  var K: any = { SAADC: Saadc, UARTE: Uarte, SPIM: Spim, PWM: Pwm, I2S: I2s };
  var m: EasyDma = new K[def.kind](def, env);
  m.reset();
  return m;
}
