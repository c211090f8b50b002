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
import { createCoreBoard, CoreBoard, VirtualBoardOptions } from "./board";
import type { BoardDef } from "../../boards/types";
import { createDuplex } from "./transports/duplex";
import { attachMockPort } from "./transports/serialport-mock";
import { listenTcp, listenTcpInterruptible } from "./transports/tcp";

export type { VirtualMcu, VirtualMcuOptions } from "./mcu/index";
export type { CoreBoard, VirtualBoardOptions } from "./board";
export { resolveBoard, createMcu, createCoreBoard } from "./board";
export { createEventLoop, EventLoop } from "./event-loop";
export { createDirectPlatform } from "./direct-platform";
export { Runtime, createRuntime } from "./runtime/runtime";
export { Repl, createRepl, DLE, CTRL_C, XON, XOFF } from "./repl/repl";
export { createDuplex } from "./transports/duplex";
export { attachMockPort, MockBinding } from "./transports/serialport-mock";
export { listenTcp, listenTcpInterruptible } from "./transports/tcp";

export interface VirtualBoard extends CoreBoard {
  /** A Duplex stream to the REPL (in-process transport). */
  stream(): import("node:stream").Duplex;
  /** Expose the REPL as a serialport MockBinding port at `path`. */
  attachMockPort(path?: string, usb?: { vendorId?: string; productId?: string; manufacturer?: string; serialNumber?: string }): () => void;
}

/** A virtual board with Node's ways to reach it (board.ts has the board itself). */
export function createVirtualBoard(opts: VirtualBoardOptions): VirtualBoard {
  var vb = createCoreBoard(opts);
  return {
    ...vb,
    stream: () => createDuplex(vb.repl),
    attachMockPort: (path, usb) => attachMockPort(vb.repl, path, usb),
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
