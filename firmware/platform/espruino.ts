// The Platform on a real Espruino board (and on the virtual board, which offers the same
// globals). Built only when first needed, so the bundle also loads in duktape/mujs, where
// peek32, E and getTime do not exist.
import type { Platform } from "./platform";
import { setHeapBusy } from "./heap-guard";

declare var peek32: any, poke32: any, E: any, getTime: any, print: any;

function say(line: string): void {
  if (typeof console !== "undefined" && console.log) console.log(line);
  else if (typeof print !== "undefined") print(line);
}

function message(err: any): string {
  if (err && typeof err === "object" && err.message !== undefined) {
    return (err.code ? err.code + ": " : "") + err.message;
  }
  return String(err);
}

/** The Platform backed by Espruino's globals. */
export function createEspruinoPlatform(): Platform {
  if (typeof peek32 !== "function" || typeof E === "undefined") {
    throw new Error("espdma: this is not an Espruino board (no peek32/E): create the engine with espdma.createEngine(platform, provider)");
  }
  return {
    peek32: function (addr) { return peek32(addr) >>> 0; },
    poke32: function (addr, value) { poke32(addr, value); },
    addressOf: function (buf) { return E.getAddressOf(buf, true); },
    setTimeout: function (fn, ms) { return setTimeout(fn, ms); },
    clearTimeout: function (id) { clearTimeout(id); },
    now: function () { return getTime() * 1000; },
    // Espruino prints an uncaught error as "Uncaught <message>"; do the same so a throwing
    // callback looks like any other uncaught error on the console.
    report: function (err) { say("Uncaught " + message(err)); },
    warn: function (msg) { say("WARNING: " + msg); },
    boardName: function () {
      return typeof process !== "undefined" && process.env && process.env.BOARD ? String(process.env.BOARD) : "";
    },
    inFlight: function (yes) { setHeapBusy(E, yes); },
  };
}
