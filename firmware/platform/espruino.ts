// The Platform on a real Espruino board (and on the virtual board, which offers the same
// globals). Built only when first needed, so the bundle also loads in duktape/mujs, where
// peek32, E and getTime do not exist.
import type { Platform } from "./platform";
import { setHeapBusy } from "./heap-guard";
import { fail } from "../dmaengine/errors";

declare var peek32: any, poke32: any, E: any, getTime: any;

/** The Platform backed by Espruino's globals. */
export function createEspruinoPlatform(): Platform {
  if (typeof peek32 !== "function" || typeof E === "undefined") throw new Error("not Espruino: use espdma.createEngine(platform,provider)");
  return {
    // Espruino's own functions: they ignore `this`, so no wrapper is needed (each closure is
    // about 6 variable blocks on the board). peek32 may read a negative number: the providers
    // read through their own `>>> 0`.
    peek32: peek32,
    poke32: poke32,
    addressOf: function (buf) { return E.getAddressOf(buf, true); },
    setTimeout: setTimeout,
    setInterval: setInterval,
    clearTimeout: clearTimeout,
    now: function () { return getTime() * 1000; },
    // Espruino prints an uncaught error as "Uncaught Error: <message>"; do the same so a throwing
    // callback looks like any other uncaught error on the console.
    // A DmaError's message starts with its code ("EINVAL: ..."): printed once.
    report: function (err) { console.log("Uncaught " + (err && err.code ? err.message : err)); },
    warn: function (msg) { console.log("WARNING: " + msg); },
    // Espruino always has process.env.BOARD ("PICO_R1_3", "ESPRUINOBOARD", ...).
    boardName: function () { return String(process.env.BOARD || ""); },
    inFlight: function (yes) { setHeapBusy(E, yes); },
    alloc: flatAlloc,
  };
}

/** Espruino backs a typed array with one flat block only past a break-even size (measured on
 * 2v29: on the Pico layout 9..17 bytes are chained blocks, E.getAddressOf 0; on 64-bit Linux
 * 21..41), and a flat block need not start 4-byte aligned. So: n + 3 bytes, or 64 when that is
 * not flat, and an n-byte view at the first aligned byte. Running out of memory on Espruino
 * aborts the whole command (not catchable), so the room is checked first: with
 * process.memory(false), which skips the garbage collection (2v29 src/jswrap_process.c;
 * Espruino frees by reference count, so only cycles wait for one), then, when room looks
 * short or no flat block came, once more after a collection before giving up. */
function flatAlloc(n: number): any {
  for (var s = n + 3, gc = false; ; gc = true) {
    var m = (process as any).memory(gc), free = m.free * m.blocksize;
    // The data, plus a header block and one block of slack for the ArrayBuffer and the view.
    var room = s + 3 * m.blocksize <= free;
    if (room) {
      var b = new Uint8Array(s), a = E.getAddressOf(b, true);
      if (a) return b.subarray(a = (4 - (a & 3)) & 3, a + n);
      // Below the break-even size Espruino chains blocks: ask for a size that is flat.
      if (s < 64) { s = 64; continue; }
    }
    if (gc) fail("ENOMEM", "alloc(" + n + "): " + (room ? "no flat block in " + free + " bytes free (fragmented): alloc DMA buffers early" : "only " + free + " bytes free (" + m.free + " blocks of " + m.blocksize + "): free memory or ask less"));
  }
}
