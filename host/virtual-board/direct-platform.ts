// A Platform (firmware/platform/platform.ts) straight on the virtual MCU, without a sandbox:
// for driver and core tests that import the firmware's TypeScript directly. peek32/poke32 go
// to the bus, timers to the simulated-time event loop, and flat buffers come from the MCU's
// heap through directAlloc(), so E.getAddressOf-style addresses and DMA writes are real.

import type { Platform } from "../../firmware/platform/platform";
import type { Mcu, HeapBlock } from "./contract";
import type { EventLoop } from "./event-loop";
import { FlatBuffers } from "./runtime/flat-buffers";

export interface DirectPlatform extends Platform {
  readonly mcu: Mcu;
  readonly loop: EventLoop;
  /** A flat, DMA-reachable Uint8Array of n bytes backed by a HeapBlock (throws when the heap is full). */
  directAlloc(n: number, region?: string): Uint8Array;
  /** The HeapBlock behind a buffer from directAlloc (or a view on it). */
  blockOf(buf: any): HeapBlock | undefined;
  /** Free a buffer from directAlloc: later DMA writes to its range are violations. */
  directFree(buf: any): void;
  /** Errors passed to report(), in order. */
  readonly reported: unknown[];
  /** Lines passed to warn(), in order. */
  readonly warnings: string[];
}

export interface DirectPlatformOptions {
  /** Also print reported errors and warnings to the console. Default false. */
  echo?: boolean;
}

export function createDirectPlatform(mcu: Mcu, loop: EventLoop, opts: DirectPlatformOptions = {}): DirectPlatform {
  var flat = new FlatBuffers(mcu.heap);
  var reported: unknown[] = [];
  var warnings: string[] = [];
  return {
    mcu,
    loop,
    reported,
    warnings,
    peek32: (addr) => mcu.read32(addr >>> 0),
    poke32: (addr, value) => mcu.write32(addr >>> 0, value >>> 0),
    addressOf: (buf) => flat.addressOf(buf),
    setTimeout: (fn, ms) => loop.setTimeout(fn, ms),
    setInterval: (fn, ms) => loop.setInterval(fn, ms),
    clearTimeout: (id) => loop.clearTimeout(id),
    now: () => loop.now(),
    report(err) {
      reported.push(err);
      if (opts.echo) console.log("Uncaught " + String(err && (err as any).message ? "Error: " + (err as any).message : err));
    },
    warn(msg) {
      warnings.push(msg);
      if (opts.echo) console.log(msg);
    },
    boardName: () => mcu.board.envBoard[0] || "",
    directAlloc(n, region) {
      var blk = flat.allocBlock(n, region);
      if (!blk) throw new Error("directAlloc: out of memory for " + n + " bytes on " + mcu.board.name);
      return blk.data;
    },
    blockOf: (buf) => flat.blockOf(buf),
    directFree(buf) {
      var blk = flat.blockOf(buf);
      if (blk) flat.free(blk);
    },
  };
}
