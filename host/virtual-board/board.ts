// The virtual board itself, as Node and the page share it: MCU models + Espruino-compatible
// runtime + REPL. index.ts adds the Node transports (a Duplex stream, serialport's
// MockBinding, TCP); the page talks to repl directly (host/web/virtual-transport.ts).
import type { BoardDef } from "../../boards/types";
import { findBoard } from "../../boards/index";
import { createMcu as newMcu, VirtualMcu } from "./mcu/index";
import type { VirtualMcuOptions } from "./mcu/index";
import { EventLoop } from "./event-loop";
import { Runtime } from "./runtime/runtime";
import { FlashFiles } from "./runtime/storage";
import { Repl, ReplOptions } from "./repl/repl";
import { latin1Bytes, latin1Text } from "../link/transport";
import type { RealmHost } from "./runtime/realm";

export type { VirtualMcu, VirtualMcuOptions } from "./mcu/index";

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
  /** Files its flash already holds at power-on, by name (a board that kept its Storage). */
  storage?: Record<string, Uint8Array>;
  /** Firmware bundle source to load at power-on (as if uploaded): require("espdma") works. */
  bundle?: string;
  /** Called with everything the board prints (also available through repl.onOutput). */
  onOutput?: (text: string) => void;
  /** "simulated" (default: deterministic) or "realtime" (timers and getTime() follow the
   * wall clock: `espdma repl`, `espdma sim`). A `repl.pace` of "realtime" implies it. */
  clock?: "simulated" | "realtime";
  /** Where its JavaScript runs (default node:vm; the page's bundle: iframes). */
  realms?: RealmHost;
}

/** A virtual board as Node and the page share it (index.ts adds Node's transports). */
export interface CoreBoard {
  board: BoardDef;
  mcu: VirtualMcu;
  loop: EventLoop;
  runtime: Runtime;
  repl: Repl;
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

export function createCoreBoard(opts: VirtualBoardOptions): CoreBoard {
  var board = resolveBoard(opts.board);
  var mcu = newMcu({ board, seed: opts.seed, schedule: opts.schedule, traceBus: opts.traceBus });
  var clock = opts.clock ?? (opts.repl && opts.repl.pace === "realtime" ? "realtime" : "simulated");
  var loop = new EventLoop(mcu, { clock });
  var repl: Repl | undefined;
  var runtime = new Runtime({ mcu, loop, flash: opts.flash, realms: opts.realms, write: (t) => { if (repl) repl.print(t); } });
  repl = new Repl(runtime, opts.repl);
  if (opts.storage) for (const name of Object.keys(opts.storage)) runtime.flash.files.set(name, opts.storage[name].slice());
  if (opts.onOutput) repl.onOutput((b) => opts.onOutput!(latin1Text(b)));
  runtime.boot();
  if (opts.bundle !== undefined) {
    // As if flashed: a Storage module (survives reset(); require("espdma") finds it there)
    // and loaded now, so the global `espdma` exists at power-on.
    runtime.flash.files.set("espdma", latin1Bytes(opts.bundle + "\nmodule.exports = espdma;\n"));
    var res = runtime.loadBundle(opts.bundle, "espdma", true);
    if (!res.ok) throw new Error("The bundle failed to load on the virtual " + board.name + ": " + res.text);
  }
  var r = repl;
  return {
    board, mcu, loop, runtime, repl: r,
    eval(code) {
      var res = runtime.evaluate(code);
      runtime.runPending();
      return res.ok ? res.value : undefined;
    },
    close: () => { r.close(); runtime.dispose(); },
  };
}

