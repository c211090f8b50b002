// The Platform on a real Espruino board (and on the virtual board, which offers the same
// globals). Built only when first needed, so the bundle also loads in duktape/mujs, where
// peek32, E and getTime do not exist.
import type { Platform } from "./platform";
import { setHeapBusy } from "./heap-guard";

declare var peek32: any, poke32: any, E: any, getTime: any;

/** The Platform backed by Espruino's globals. */
export function createEspruinoPlatform(): Platform {
  if (typeof peek32 !== "function" || typeof E === "undefined") throw new Error("not Espruino: use espdma.createEngine(platform,provider)");
  return {
    peek32: function (addr) { return peek32(addr) >>> 0; },
    // Espruino's own functions: they ignore `this`, so no wrapper is needed.
    poke32: poke32,
    addressOf: function (buf) { return E.getAddressOf(buf, true); },
    setTimeout: setTimeout,
    setInterval: setInterval,
    clearTimeout: clearTimeout,
    now: function () { return getTime() * 1000; },
    // Espruino prints an uncaught error as "Uncaught Error: <message>"; do the same so a throwing
    // callback looks like any other uncaught error on the console.
    report: function (err) { console.log("Uncaught " + (err && err.code ? err.code + ": " + err.message : err)); },
    warn: function (msg) { console.log("WARNING: " + msg); },
    // Espruino always has process.env.BOARD ("PICO_R1_3", "ESPRUINOBOARD", ...).
    boardName: function () { return String(process.env.BOARD || ""); },
    inFlight: function (yes) { setHeapBusy(E, yes); },
  };
}
