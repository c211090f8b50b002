// The virtual board: MCU models + Espruino-compatible runtime + REPL, and ways to reach it.
//   createVirtualBoard({ board, seed, schedule })  -> { mcu, loop, runtime, repl, ... }
//   serveTcp({ board, host, port, seed })          -> { address, close() }
//   createMcu({ board, seed })                     -> the MCU models alone (bus, DMA, timers)
//
// What the runtime models: a node:vm sandbox without the built-ins Espruino lacks (Map, Set,
// WeakMap, Symbol, Proxy, Reflect, Object.freeze, Number.isInteger, [].lastIndexOf,
// Promise.race...); peek32/poke32 (+ array forms) on the MCU bus, bus faults as "HardFault"
// errors; typed arrays above 22 bytes are flat HeapBlocks in the virtual SRAM (E.getAddressOf,
// DMA writes visible to JS), freed when unreachable (WeakRef sweeps at command boundaries),
// moved by E.defrag; process.memory()/E.getSizeOf in variable blocks; code charged to the
// variable store (a too-big bundle fails with "OUT OF MEMORY", as 2v29 prints it); Storage in a flash
// model; reset/load/save/E.setBootCode and Espruino's boot sequence (power cycle included);
// timers on simulated time (or the wall clock: clock "realtime"), listed in global["\xff"].timers;
// Espruino's REPL protocol; Ctrl-C on receipt (it interrupts code running one SysTick later).
// Not modelled: syntax Espruino rejects (V8 parses ES2022), prototype-method quirks
// (Array.prototype.slice is reachable here), E.toFlatString addresses (strings are engine
// values), a Ctrl-C sent on an in-process transport while code is already running (the
// sender shares the thread; TCP reads in a worker, and `espdma repl` runs the board in one:
// transports/worker-board.ts), and there loops that never touch peek/poke/getTime (a
// wall-clock watchdog of 20 s stops runaway REPL code).
import type { BoardDef } from "../../boards/types";
import { findBoard } from "../../boards/index";
import { createMcu as newMcu, VirtualMcu } from "./mcu/index";
import type { VirtualMcuOptions } from "./mcu/index";
import { EventLoop } from "./event-loop";
import { Runtime } from "./runtime/runtime";
import { FlashFiles } from "./runtime/storage";
import { Repl, ReplOptions } from "./repl/repl";
import { createDuplex } from "./transports/duplex";
import { attachMockPort } from "./transports/serialport-mock";
import { listenTcp, listenTcpInterruptible } from "./transports/tcp";

export type { VirtualMcu, VirtualMcuOptions } from "./mcu/index";
export { createEventLoop, EventLoop } from "./event-loop";
export { createDirectPlatform } from "./direct-platform";
export { Runtime, createRuntime } from "./runtime/runtime";
export { Repl, createRepl, DLE, CTRL_C, XON, XOFF } from "./repl/repl";
export { createDuplex } from "./transports/duplex";
export { attachMockPort, MockBinding } from "./transports/serialport-mock";
export { listenTcp, listenTcpInterruptible } from "./transports/tcp";

export interface VirtualBoardOptions {
  /** A BoardDef or a board name ("pico", "PICO_R1_3"). */
  board: BoardDef | string;
  seed?: number;
  schedule?: "normal" | "adversarial";
  traceBus?: boolean;
  /** REPL options (pace, input buffer, overflow). */
  repl?: ReplOptions;
  /** Keep flash files (Storage) from an earlier board. */
  flash?: FlashFiles;
  /** Firmware bundle source to load at power-on (as if uploaded): require("espdma") works. */
  bundle?: string;
  /** Called with everything the board prints (also available through repl.onOutput). */
  onOutput?: (text: string) => void;
  /** "simulated" (default: deterministic) or "realtime" (timers and getTime() follow the
   * wall clock: `espdma repl`, `espdma sim`). A `repl.pace` of "realtime" implies it. */
  clock?: "simulated" | "realtime";
}

export interface VirtualBoard {
  board: BoardDef;
  mcu: VirtualMcu;
  loop: EventLoop;
  runtime: Runtime;
  repl: Repl;
  /** A Duplex stream to the REPL (in-process transport). */
  stream(): import("node:stream").Duplex;
  /** Expose the REPL as a serialport MockBinding port at `path`. */
  attachMockPort(path?: string, usb?: { vendorId?: string; productId?: string; manufacturer?: string; serialNumber?: string }): () => void;
  /** Evaluate code directly (not through the REPL); prints uncaught errors to the output. */
  eval(code: string): unknown;
  close(): void;
}

export function resolveBoard(board: BoardDef | string): BoardDef {
  if (typeof board !== "string") return board;
  var b = findBoard(board);
  if (!b) throw new Error("Unknown board " + JSON.stringify(board) + ": use pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q or banglejs2");
  return b;
}

/** The MCU models alone (bus, memory, DMA, timers, GPIO; no runtime, no REPL), e.g.
 * createMcu({ board: "pico", seed: 1, schedule: "adversarial" }). */
export function createMcu(opts: Omit<VirtualMcuOptions, "board"> & { board: BoardDef | string }): VirtualMcu {
  return newMcu({ ...opts, board: resolveBoard(opts.board) });
}

export function createVirtualBoard(opts: VirtualBoardOptions): VirtualBoard {
  var board = resolveBoard(opts.board);
  var mcu = newMcu({ board, seed: opts.seed, schedule: opts.schedule, traceBus: opts.traceBus });
  var clock = opts.clock ?? (opts.repl && opts.repl.pace === "realtime" ? "realtime" : "simulated");
  var loop = new EventLoop(mcu, { clock });
  var repl: Repl | undefined;
  var runtime = new Runtime({ mcu, loop, flash: opts.flash, write: (t) => { if (repl) repl.print(t); } });
  repl = new Repl(runtime, opts.repl);
  if (opts.onOutput) repl.onOutput((b) => opts.onOutput!(b.toString("latin1")));
  runtime.boot();
  if (opts.bundle !== undefined) {
    // As if flashed: a Storage module (survives reset(); require("espdma") finds it there)
    // and loaded now, so the global `espdma` exists at power-on.
    runtime.flash.files.set("espdma", Buffer.from(opts.bundle + "\nmodule.exports = espdma;\n", "latin1"));
    var res = runtime.loadBundle(opts.bundle, "espdma", true);
    if (!res.ok) throw new Error("The bundle failed to load on the virtual " + board.name + ": " + res.text);
  }
  var r = repl;
  return {
    board, mcu, loop, runtime, repl: r,
    stream: () => createDuplex(r),
    attachMockPort: (path, usb) => attachMockPort(r, path, usb),
    eval(code) {
      var res = runtime.evaluate(code);
      runtime.runPending();
      return res.ok ? res.value : undefined;
    },
    close: () => r.close(),
  };
}

export interface ServeTcpOptions {
  board: BoardDef | string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  seed?: number;
  schedule?: "normal" | "adversarial";
  /** Default "realtime": timers follow the wall clock, as on a board. */
  pace?: "fast" | "realtime";
  /** Firmware bundle source to preload (see VirtualBoardOptions.bundle). */
  bundle?: string;
  /** Sockets in a worker thread so a client's Ctrl-C interrupts busy code (default true). */
  interruptible?: boolean;
}

export interface ServedBoard {
  address: { host: string; port: number };
  board: VirtualBoard;
  close(): Promise<void>;
}

/** Serve a virtual board's REPL on TCP (espruino CLI: `-p tcp://host:port`). */
export async function serveTcp(opts: ServeTcpOptions): Promise<ServedBoard> {
  var vb = createVirtualBoard({ board: opts.board, seed: opts.seed, schedule: opts.schedule, bundle: opts.bundle, repl: { pace: opts.pace ?? "realtime" } });
  var listen = opts.interruptible === false ? listenTcp : listenTcpInterruptible;
  var srv = await listen(vb.repl, opts.host ?? "127.0.0.1", opts.port ?? 0);
  return {
    address: srv.address,
    board: vb,
    close: async () => { await srv.close(); vb.close(); },
  };
}
