// The Espruino-compatible runtime: runs JavaScript (the firmware bundle, REPL lines) in a
// node:vm context that offers what Espruino 2v2x offers and takes away what it lacks, on the
// virtual MCU (registers through peek/poke, flat buffers in its SRAM, timers on simulated time).

import vm from "node:vm";
import type { BoardDef } from "../../../boards/types";
import type { Mcu, HeapBlock } from "../contract";
import type { EventLoop } from "../event-loop";
import { FlatBuffers, fullGc } from "./flat-buffers";
import { installTypedArrays, flatBreakEven } from "./typed-arrays";
import { FlashFiles, createStorageModule } from "./storage";
import { formatValue, formatUncaught } from "./format";

/** Built-ins V8 has and Espruino does not (espruino-compat.md, and Espruino's reference). */
const REMOVED_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "WeakRef", "FinalizationRegistry", "Proxy", "Reflect", "BigInt", "BigInt64Array", "BigUint64Array", "SharedArrayBuffer", "Atomics", "WebAssembly", "Intl", "AggregateError", "Iterator"];
const REMOVED_MEMBERS: [string, string][] = [["Object", "freeze"], ["Number", "isInteger"], ["Array", "from"], ["Promise", "race"], ["Promise", "any"], ["Promise", "allSettled"]];

/** Variables Espruino itself uses after reset (root, built-in objects), before user code. */
const BASE_VARS = 40;
/** Characters of source stored per variable block (a string block of 16 bytes holds ~12). */
function charsPerBlock(blockSize: number): number {
  return Math.max(blockSize - 4, 4);
}

export interface RuntimeOptions {
  mcu: Mcu;
  loop: EventLoop;
  /** Where console output goes (print, console.log, errors); Espruino's "\r\n" line ends included. */
  write: (text: string) => void;
  /** Flash files (Storage); pass the same object across runtimes to keep them over a power cycle. */
  flash?: FlashFiles;
  /** Wall-clock limit for one synchronous evaluation (a runaway loop); default 20000 ms. */
  timeoutMs?: number;
}

export type EvalResult = { ok: true; value: unknown } | { ok: false; error: unknown; interrupted?: boolean; text: string };

/** Thrown through sandbox code by peek/poke/getTime once an interrupt is pending. */
const INTERRUPT = { espdmaInterrupt: true };
/** Calls f(a...) in a context of its own (invokeInterruptible). */
const CALL = new vm.Script("f.apply(undefined, a)", { filename: "timer" });

interface Pending { kind: "reset" | "load" | "save"; arg?: unknown }

/** What started the interpreter; it decides which boot files run (espruino.com/Saving,
 * "Boot Process"): after reset() (hasBeenReset) neither the saved image nor .bootcde. */
export type BootKind = "power-on" | "load" | "reset";

export class Runtime {
  readonly mcu: Mcu;
  readonly loop: EventLoop;
  readonly board: BoardDef;
  readonly flat: FlatBuffers;
  readonly flash: FlashFiles;
  context!: vm.Context;
  /** The sandbox's global object. */
  g: any;
  /** Echo on the REPL (echo(false) turns it off); the REPL reads it. */
  echo = true;
  /** Work Espruino does after the current command: reset(), load(), save(). */
  pending: Pending | null = null;
  /** Code kept by save(): replayed by load() (our model of the saved RAM image). */
  private saved: string[] | null = null;
  /** Code evaluated since reset, for save(). */
  private journal: string[] = [];
  private codeBlocks = new Map<string, HeapBlock>();
  private sources = new Map<string, string>();
  private evalCount = 0;
  private shared: Int32Array | null = null;
  private commandsSinceSweep = 0;
  /** Collect dropped flat buffers at least every this many commands (see evaluate). */
  sweepEvery = 8;
  private takeRejections: () => { reason: unknown }[] = () => [];
  private interruptFlag = false;
  /** Cycle at which a simulated Ctrl-C arrives (fault injection / deterministic tests). */
  interruptAtCycle = Infinity;
  /** A Ctrl-C received (ctrlC()) interrupts code still running this many cycles later:
   * Espruino's receive interrupt sets EXEC_CTRL_C, a SysTick turns it into EXEC_CTRL_C_WAIT
   * and the next one into EXEC_INTERRUPTED, unless the idle loop handled the Ctrl-C first
   * (jsparse.h, EXEC_CTRL_C). The STM32 SysTick wraps every 2^24 cycles: one period. */
  ctrlCDelayCycles = 1 << 24;
  private ctrlCDue = Infinity;
  private modules = new Map<string, unknown>();
  private moduleCache = new Map<string, unknown>();
  private readonly write: (text: string) => void;
  private readonly timeoutMs: number;
  /** Hooks the REPL sets: echo() changes, output of the reset banner. */
  onEcho: ((on: boolean) => void) | null = null;

  constructor(opts: RuntimeOptions) {
    this.mcu = opts.mcu;
    this.loop = opts.loop;
    this.board = opts.mcu.board;
    this.write = opts.write;
    this.timeoutMs = opts.timeoutMs ?? 20000;
    this.flat = new FlatBuffers(opts.mcu.heap);
    this.flash = opts.flash ?? new FlashFiles(Math.min(opts.mcu.board.flash.size / 4, 128 * 1024));
    this.loop.onError = (e, timer) => this.reportTimerError(e, timer);
    this.loop.isInterrupt = (e) => e === INTERRUPT || isTimeout(e);
    this.loop.afterCallback = () => { this.interruptFlag = false; this.checkRejections(); };
    this.createContext();
  }

  // ------------------------------------------------------------------ evaluation

  /** Evaluate code as the REPL does. Uncaught errors are printed here and returned. */
  evaluate(code: string, opts: { filename?: string; print?: boolean } = {}): EvalResult {
    var name = opts.filename || "REPL" + (this.evalCount ? ":" + this.evalCount : "");
    this.evalCount++;
    if (this.sources.size > 200) this.sources.delete(this.sources.keys().next().value as string);
    this.sources.set(name, code);
    if (!this.chargeCode(code)) {
      this.out("ERROR: Out of Memory!\r\n");
      var oom = this.sandboxError("Out of Memory!");
      return { ok: false, error: oom, text: "ERROR: Out of Memory!" };
    }
    this.journal.push(code);
    this.interruptFlag = false;
    // A command is a turn boundary: free the flat buffers earlier commands dropped, as
    // Espruino's reference counting would have. A full GC costs milliseconds, so only after
    // an allocation or every sweepEvery commands (counted, so it stays deterministic).
    if (this.flat.allocsSinceSweep > 0 || ++this.commandsSinceSweep >= this.sweepEvery) {
      this.commandsSinceSweep = 0;
      this.collect();
    }
    try {
      var value = this.busy(() => vm.runInContext(code, this.context, { filename: name, timeout: this.timeoutMs, displayErrors: false, breakOnSigint: this.sigintBreak }));
      this.checkRejections();
      return { ok: true, value };
    } catch (e) {
      var text = this.reportUncaught(e, opts.print === false);
      return { ok: false, error: e, interrupted: e === INTERRUPT || isTimeout(e), text };
    } finally {
      this.interruptFlag = false;
    }
  }

  /** Report promise rejections nobody handled (after the promise jobs have run). */
  checkRejections(): void {
    vm.runInContext("undefined", this.context); // a microtask checkpoint for the context
    var r = this.takeRejections();
    for (var i = 0; i < r.length; i++) this.reportUncaught(r[i].reason);
  }

  /** Ask running sandbox code to stop at its next peek/poke/getTime (Ctrl-C). */
  interrupt(): void {
    this.interruptFlag = true;
    this.loop.interrupt();
  }

  /** An error out of a timer callback, printed as Espruino's idle loop does (jsinteractive.c:
   * jsiCheckErrors; an interval whose callback was interrupted is removed, with jsError's line
   * and the CALLBACK error flag; measured on 2v29). */
  private reportTimerError(e: unknown, timer?: { interval: boolean; removed: boolean }): void {
    if (!timer || !(e === INTERRUPT || isTimeout(e))) { this.reportUncaught(e); return; }
    this.out((timer.removed ? "ERROR: Ctrl-C while processing interval - removing it.\r\n" : "") +
      "Execution Interrupted during event processing.\r\n" +
      (timer.removed ? "New interpreter error: CALLBACK\r\n" : ""));
  }

  // ------------------------------------------------------------------ Ctrl-C from another thread

  /** Set by setInterruptSource(): evaluations and timer callbacks run with breakOnSigint, so
   * the thread that reads the console can stop a loop that touches nothing (no peek, poke or
   * getTime to poll the flag) by raising SIGINT (see transports/interrupt.ts). */
  private sigintBreak = false;

  /** Run sandbox code with the "busy" word (shared[1]) raised: the console thread only sends
   * SIGINT while it is up. */
  private busy<T>(f: () => T): T {
    var sh = this.shared;
    if (!sh || sh.length < 2) return f();
    Atomics.store(sh, 1, 1);
    try { return f(); } catch (e: any) {
      if (e && e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
        // This Ctrl-C is used up, and so is the SIGINT that delivered it.
        Atomics.store(sh, 0, 0);
        if (sh.length > 2) Atomics.store(sh, 2, 0);
      }
      throw e;
    } finally {
      Atomics.store(sh, 1, 0);
    }
  }

  /** A timer callback called through a script, so breakOnSigint (and the watchdog) reach it. */
  private invokeInterruptible(fn: (...a: any[]) => void, args: any[]): void {
    var c = this.callContext || (this.callContext = vm.createContext({ f: null, a: null }));
    c.f = fn;
    c.a = args;
    try {
      this.busy(() => CALL.runInContext(c, { breakOnSigint: true, timeout: this.timeoutMs, displayErrors: false }));
    } finally { c.f = c.a = null; }
  }
  private callContext: any = null;

  /** Print an uncaught error as Espruino does; returns the text. */
  reportUncaught(e: unknown, silent = false): string {
    var text: string;
    if (e === INTERRUPT || isTimeout(e)) text = "Execution Interrupted";
    else {
      var pos = positionOf(e, this.sources);
      text = formatUncaught(this.ownText(e), pos ? this.sources.get(pos.file) : undefined, pos || undefined);
    }
    if (!silent) this.out(text + "\r\n");
    return text;
  }

  /** Espruino prints an uncaught exception through its toString (`Uncaught %v`): an Error with
   * a toString of its own (a DmaError's, with its code) prints what that returns (measured on
   * 2v29). Returned as a name/message pair for formatUncaught; other errors as they are. */
  private ownText(e: any): unknown {
    if (!e || typeof e !== "object" || !(e instanceof this.g.Error) || !Object.prototype.hasOwnProperty.call(e, "toString") || typeof e.toString !== "function") return e;
    var t: string;
    try { t = String(e.toString()); } catch (x) { return e; }
    var i = t.indexOf(": ");
    return { name: i > 0 ? t.slice(0, i) : t, message: i > 0 ? t.slice(i + 2) : "", stack: e.stack };
  }

  /** The REPL's `=value` text for a result. */
  format(v: unknown): string {
    return formatValue(v);
  }

  out(text: string): void {
    this.write(text);
  }

  /** Run pending reset()/load()/save() (Espruino does them after the current command). */
  runPending(): Pending | null {
    var p = this.pending;
    this.pending = null;
    if (!p) return null;
    if (p.kind === "save") {
      this.saved = this.journal.slice();
      this.out("Compacting Flash...\r\nCalculating Size...\r\nWriting..\r\nCompressed " + this.journal.join("\n").length + " bytes\r\nChecking...\r\nDone!\r\n");
    } else if (p.kind === "reset") {
      // reset(true) erases all of flash: the files and the image save() wrote there.
      if (p.arg === true) { this.flash.files.clear(); this.saved = null; }
      this.hardReset();
      this.out(banner(this.board));
      this.boot(undefined, "reset");
    } else {
      this.hardReset();
      this.boot(typeof p.arg === "string" ? p.arg : undefined, "load");
    }
    return p;
  }

  /** Start the interpreter as Espruino does (espruino.com/Saving, "Boot Process"): unless it
   * follows reset(), the image save() wrote; on power-on only, .bootPowerOn; always .boot0 to
   * .boot3; then .bootrst, and unless it follows reset() or .bootrst existed, .bootcde; for
   * load(file), .bootrst and the file instead; finally onInit(), unless after reset(). */
  boot(file?: string, kind?: BootKind): void {
    var k: BootKind = kind || (file !== undefined ? "load" : "power-on");
    var reset = k === "reset";
    if (!reset && this.saved) {
      var code = this.saved;
      for (var i = 0; i < code.length; i++) this.evaluate(code[i], { filename: "saved:" + i });
      // The image is a state, not a program: the save() that wrote it (replayed from the
      // journal) must not run again.
      this.pending = null;
    }
    var run = (name: string): boolean => {
      var src = this.readFile(name);
      if (src === undefined) return false;
      this.evaluate(src, { filename: name });
      return true;
    };
    if (k === "power-on") run(".bootPowerOn");
    for (var b = 0; b < 4; b++) run(".boot" + b);
    // load(file) runs as after reset(): .bootrst, then the file (jsiSemiInit(false, file) ->
    // jsiSoftInit(true) -> jsfLoadBootCodeFromFlash(isReset), src/jsinteractive.c; 2v29 prints
    // "bootrst ran" then "f ran" for load("f")).
    if (file !== undefined) { run(".bootrst"); run(file); }
    else if (!run(".bootrst") && !reset) run(".bootcde");
    if (!reset && typeof this.g.onInit === "function") {
      // Called, not evaluated: it must not enter the journal that save() keeps.
      try { this.g.onInit(); } catch (e) { this.reportUncaught(e); }
      this.checkRejections();
    }
  }

  /** Power-on reset: the peripherals return to their reset state (DMA streams stop), the
   * interpreter starts afresh; RAM contents are lost, flash (Storage, save()) is kept. The
   * caller prints the banner, then calls boot(). */
  powerReset(): void {
    this.mcu.reset();
    this.hardReset();
  }

  /** Clear everything as reset() does: new interpreter state, no timers, flat buffers freed. */
  hardReset(): void {
    this.loop.clearAll();
    this.flat.freeAll();
    for (const blk of this.codeBlocks.values()) if (blk.live) this.mcu.heap.free(blk);
    this.codeBlocks.clear();
    this.journal = [];
    this.moduleCache.clear();
    this.modules.clear();
    this.echo = true;
    this.createContext();
  }

  // ------------------------------------------------------------------ memory

  /** Full GC, then free the flat blocks whose typed arrays are gone. Returns blocks freed. */
  collect(): number {
    if (!this.flat.hasManaged()) { this.flat.allocsSinceSweep = 0; return 0; }
    fullGc();
    return this.flat.sweep();
  }

  /** process.memory() in variable blocks. */
  memory(gc = true) {
    var freed = gc ? this.collect() : 0;
    var bs = this.board.espruino.blockSize;
    var total = this.board.espruino.vars;
    var usage = Math.min(total, BASE_VARS + Math.ceil(this.mcu.heap.used() / bs));
    var f = this.board.flash, ram = this.board.ram[0];
    return {
      free: total - usage, usage, total, history: 0, gc: freed, gctime: 0, blocksize: bs,
      stackEndAddress: ram.base + ram.size - 0x1000,
      flash_start: f.base, flash_binary_end: f.base + Math.floor(f.size / 2), flash_code_start: f.base + f.size - this.flash.capacity, flash_length: f.size,
    };
  }

  /** Count code into variable blocks: a function's source stays in RAM on Espruino, until the
   * function is replaced. Approximation: a chunk that defines a top-level name holding code
   * (`function f(`, `var f = function`, `x.y = (function`...) is charged ceil(chars / (blockSize -
   * 4)) blocks under that name, replacing the name's earlier charge; other chunks (calls,
   * expressions, callbacks passed to APIs) are transient and not charged. */
  private chargeCode(code: string): boolean {
    if (!/function|=>/.test(code)) return true;
    var m = /^(?:function\s+([A-Za-z_$][\w$]*)|(?:var\s+|let\s+|const\s+)?([A-Za-z_$][\w$.]*)\s*=[^=])/m.exec(code);
    if (!m) return true;
    var key = m[1] || m[2];
    var old = this.codeBlocks.get(key);
    if (old && old.live) this.mcu.heap.free(old);
    this.codeBlocks.delete(key);
    var bs = this.board.espruino.blockSize;
    var bytes = Math.ceil(code.length / charsPerBlock(bs)) * bs - bs; // the heap adds a header block
    var blk = this.mcu.heap.alloc(bytes);
    if (!blk) { this.collect(); blk = this.mcu.heap.alloc(bytes); }
    if (!blk) return false;
    this.codeBlocks.set(key, blk);
    return true;
  }

  /** Load the firmware bundle (an IIFE defining the global `espdma`) as an upload would, and
   * make it available as require("espdma"). Returns the evaluation result. */
  loadBundle(src: string, filename = "espdma.js"): EvalResult {
    var r = this.evaluate(src, { filename });
    if (r.ok && this.g.espdma !== undefined) this.modules.set("espdma", "module.exports = espdma;");
    return r;
  }

  private readFile(name: string): string | undefined {
    var f = this.flash.files.get(name);
    if (!f) return undefined;
    return Buffer.from(f).toString("latin1");
  }

  // ------------------------------------------------------------------ the sandbox

  sandboxError(msg: string): Error {
    var E = this.g ? this.g.Error : Error;
    return new E(msg);
  }

  /** A flag another thread raises on Ctrl-C (the TCP worker): polled with the others. */
  setInterruptSource(flag: Int32Array): void {
    this.shared = flag;
    this.sigintBreak = true;
    this.loop.invoke = (fn, args) => this.invokeInterruptible(fn, args);
  }

  /** A Ctrl-C byte arrived on the console (any transport), as Espruino's receive interrupt
   * sees it, before the REPL reaches it in its input queue: code that is running then, or
   * that starts before the REPL gets to the byte, is interrupted once it has run for
   * ctrlCDelayCycles (at its next peek/poke/getTime). */
  ctrlC(): void {
    var due = this.mcu.cycles + this.ctrlCDelayCycles;
    if (this.ctrlCDue === Infinity) this.ctrlCDue = due;
    if (this.ctrlCDue < this.interruptAtCycle) this.interruptAtCycle = this.ctrlCDue;
  }

  /** The REPL has reached the Ctrl-C byte while idle: it only clears the line; forget the
   * pending interrupt (nothing was running, or it stopped). */
  clearInterrupt(): void {
    if (this.shared) Atomics.store(this.shared, 0, 0);
    if (this.ctrlCDue !== Infinity && this.interruptAtCycle === this.ctrlCDue) this.interruptAtCycle = Infinity;
    this.ctrlCDue = Infinity;
  }

  private check(): void {
    var raised = this.shared !== null && Atomics.load(this.shared, 0) !== 0;
    if (this.interruptFlag || raised || this.mcu.cycles >= this.interruptAtCycle) {
      if (raised) Atomics.store(this.shared!, 0, 0);
      this.interruptAtCycle = Infinity;
      this.ctrlCDue = Infinity;
      this.interruptFlag = true;
      throw INTERRUPT;
    }
  }

  private busCall<T>(f: () => T): T {
    this.check();
    try {
      return f();
    } catch (e: any) {
      throw this.busError(e);
    }
  }

  /** A bus fault becomes an Error in the sandbox (the simulator itself never crashes). */
  busError(e: any): unknown {
    if (e && e.code === "BUS_FAULT") return this.sandboxError("HardFault: " + e.message);
    return e;
  }

  private createContext(): void {
    var self = this;
    // Own microtask queue, drained after every evaluation and every timer callback (Espruino
    // runs promise jobs from its idle loop): promise order is deterministic in simulated time.
    var ctx = vm.createContext({}, { name: "espruino-" + this.board.name, microtaskMode: "afterEvaluate" });
    var g = vm.runInContext("this", ctx);
    this.context = ctx;
    this.g = g;
    for (var i = 0; i < REMOVED_GLOBALS.length; i++) delete g[REMOVED_GLOBALS[i]];
    for (var j = 0; j < REMOVED_MEMBERS.length; j++) delete g[REMOVED_MEMBERS[j][0]][REMOVED_MEMBERS[j][1]];
    delete g.Array.prototype.lastIndexOf;
    g.global = g;
    this.takeRejections = trackPromises(g, ctx);
    var mcu = this.mcu as any, loop = this.loop;
    var bs = this.board.espruino.blockSize;

    var PlainAB = g.ArrayBuffer; // engine-managed, not in the variable store (flash data)
    installTypedArrays(g, { flat: this.flat, blockSize: bs, collect: () => this.collect(), error: (m) => this.sandboxError(m) });

    // Hot path (the driver polls registers through these): no closures, one check.
    g.peek32 = function (addr: number, count?: number) {
      if (self.interruptFlag || mcu.cycles >= self.interruptAtCycle || (self.shared !== null && self.shared[0] !== 0)) self.check();
      try {
        if (count === undefined) return mcu.read32(addr >>> 0);
        var out = new g.Uint32Array(count);
        for (var k = 0; k < count; k++) out[k] = mcu.read32((addr + 4 * k) >>> 0);
        return out;
      } catch (e) { throw self.busError(e); }
    };
    g.poke32 = function (addr: number, value: any) {
      if (self.interruptFlag || mcu.cycles >= self.interruptAtCycle || (self.shared !== null && self.shared[0] !== 0)) self.check();
      try {
        if (value !== null && typeof value === "object") {
          for (var k = 0; k < value.length; k++) mcu.write32((addr + 4 * k) >>> 0, value[k] >>> 0);
        } else mcu.write32(addr >>> 0, value >>> 0);
      } catch (e) { throw self.busError(e); }
    };
    g.peek8 = function (addr: number, count?: number) {
      var one = (a: number) => self.busCall(() => (mcu.read8 ? mcu.read8(a >>> 0) : (mcu.read32((a & ~3) >>> 0) >>> ((a & 3) * 8)) & 0xff));
      if (count === undefined) return one(addr);
      var out = new g.Uint8Array(count);
      for (var k = 0; k < count; k++) out[k] = one(addr + k);
      return out;
    };
    g.poke8 = function (addr: number, value: any) {
      if (!mcu.write8) throw self.sandboxError("poke8 is not modelled on this virtual MCU: use poke32");
      var vals = value !== null && typeof value === "object" ? value : [value];
      for (var k = 0; k < vals.length; k++) { var a = addr + k, v = vals[k]; self.busCall(() => mcu.write8(a >>> 0, v & 0xff)); }
    };
    g.getTime = function () { self.check(); return loop.now() / 1000; };
    g.setTimeout = function (fn: any, ms?: number) {
      var args = Array.prototype.slice.call(arguments, 2);
      if (typeof fn === "string") { var src = fn; fn = function () { vm.runInContext(src, ctx); }; }
      return loop.setTimeout(fn, ms, ...args);
    };
    g.setInterval = function (fn: any, ms?: number) {
      var args = Array.prototype.slice.call(arguments, 2);
      if (typeof fn === "string") { var src = fn; fn = function () { vm.runInContext(src, ctx); }; }
      return loop.setInterval(fn, ms, ...args);
    };
    g.clearTimeout = function (id?: number) { if (arguments.length === 0) loop.clearAll(); else loop.clearTimeout(id); };
    g.clearInterval = function (id?: number) { if (arguments.length === 0) loop.clearAll(); else loop.clearInterval(id); };
    // Espruino keeps its timers in the hidden root: global["\xff"].timers, an array indexed by
    // timer id (jsinteractive.c, JSI_TIMERS_NAME), each { time, callback, interval? }; tools
    // count running timers there. A fresh snapshot per read; `time` is ms until due.
    Object.defineProperty(g, "\xff", {
      enumerable: false, configurable: true,
      get: function () {
        var root = vm.runInContext("({ timers: [], watches: [] })", ctx), now = loop.now();
        var list = loop.list();
        for (var k = 0; k < list.length; k++) {
          var t = list[k], o = vm.runInContext("({})", ctx);
          o.time = t.due - now;
          o.callback = t.fn;
          if (t.interval > 0) o.interval = t.interval;
          if (t.args.length) o.args = vm.runInContext("[]", ctx).concat(t.args);
          root.timers[t.id] = o;
        }
        return root;
      },
    });
    g.changeInterval = function (id: number, ms: number) {
      throw self.sandboxError("changeInterval(" + id + ", " + ms + ") is not modelled on the virtual board");
    };

    var print = function () {
      var parts: string[] = [];
      for (var k = 0; k < arguments.length; k++) {
        var a = arguments[k];
        parts.push(typeof a === "string" ? a : formatValue(a));
      }
      self.out(parts.join(" ") + "\r\n");
    };
    g.print = print;
    g.console = { log: print, info: print, warn: print, error: print, debug: print };

    var env = {
      VERSION: this.board.espruino.version,
      GIT_COMMIT: "virtual",
      BOARD: this.board.envBoard[0],
      RAM: this.board.ram.reduce((n, r) => n + r.size, 0),
      FLASH: this.board.flash.size,
      SPIFLASH: 0,
      STORAGE: this.flash.capacity,
      SERIAL: "virtual-" + this.board.name,
      CONSOLE: "USB",
      MODULES: "Storage",
      EXPTR: 0x20000100,
    };
    g.process = vm.runInContext("({})", ctx);
    g.process.env = vm.runInContext("(" + JSON.stringify(env) + ")", ctx);
    g.process.version = this.board.espruino.version;
    g.process.memory = function (gc?: boolean) { return toSandbox(ctx, self.memory(gc !== false)); };

    var E: any = vm.runInContext("({})", ctx);
    E.getAddressOf = function (x: any, flat?: boolean) { return self.flat.addressOf(x); };
    E.toArrayBuffer = function (s: any) {
      var str = String(s), n = str.length;
      var buf = new g.ArrayBuffer(n), u = new Uint8Array(buf);
      for (var k = 0; k < n; k++) u[k] = str.charCodeAt(k) & 0xff;
      return buf;
    };
    E.toUint8Array = function () {
      var bytes: number[] = [];
      var add = (v: any) => {
        if (typeof v === "string") for (var k = 0; k < v.length; k++) bytes.push(v.charCodeAt(k) & 0xff);
        else if (v !== null && typeof v === "object" && typeof v.length === "number") for (var q = 0; q < v.length; q++) add(v[q]);
        else if (v !== null && typeof v === "object" && v.data !== undefined) { for (var c = 0; c < (v.count || 1); c++) add(v.data); }
        else bytes.push(Number(v) & 0xff);
      };
      for (var k = 0; k < arguments.length; k++) add(arguments[k]);
      return new g.Uint8Array(bytes);
    };
    E.toString = function () { return String.fromCharCode.apply(null, Array.from(E.toUint8Array.apply(null, arguments))); };
    E.toFlatString = function (s: any) {
      // Strings are engine values here: there is no address to give. Espruino may defragment
      // when it cannot find room for the flat string, which moves other flat buffers.
      var str = String(s);
      if (str.length > flatBreakEven(bs) && self.mcu.heap.total() - self.mcu.heap.used() < str.length * 2) E.defrag();
      return str;
    };
    // E.CRC32(data): the standard CRC-32 (reflected, poly 0xEDB88320, init and final xor
    // 0xFFFFFFFF) over the data one byte at a time, as an unsigned integer (jswrap_espruino.c,
    // jswrap_espruino_CRC32: every element of iterable data, each taken as an integer's low
    // byte; strings by character code). Left out of SAVE_ON_FLASH builds only; none of the
    // boards modelled is one (boards/ESPRUINOBOARD.py has just SAVE_ON_FLASH_MATH).
    E.CRC32 = function (data: any) {
      var crc = 0xffffffff;
      var add = (v: number) => {
        crc = (crc ^ (v & 0xff)) >>> 0;
        for (var k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
      };
      var toInt = (x: any) => { var n = Math.trunc(Number(x)); return isFinite(n) ? n : 0; };
      if (typeof data === "string") for (var i = 0; i < data.length; i++) add(data.charCodeAt(i));
      else if (data !== null && typeof data === "object") {
        if (Object.prototype.toString.call(data) === "[object ArrayBuffer]") data = new Uint8Array(data);
        if (typeof data.length === "number") for (var j = 0; j < data.length; j++) add(toInt(data[j]));
      }
      return (~crc) >>> 0;
    };
    E.defrag = function () { self.collect(); self.mcu.heap.defrag(); };
    E.getSizeOf = function (x: any) { return sizeOf(x, bs, self.flat, 0); };
    E.setBootCode = function (code: any, alwaysExec?: boolean) { self.flash.files.set(".bootcde", Buffer.from(String(code || ""), "latin1")); };
    E.getErrorFlags = function () { return vm.runInContext("[]", ctx); };
    E.reboot = function () { self.pending = { kind: "load" }; };
    g.E = E;
    // nRF52 boards: analogRead() drives the SAADC model as Espruino drives the chip.
    if (this.board.nrf52) g.analogRead = function (pin: any) { return self.busCall(() => mcu.analogRead(+pin)); };

    g.reset = function (clearFlash?: boolean) { self.pending = { kind: "reset", arg: clearFlash }; };
    g.load = function (file?: string) { self.pending = { kind: "load", arg: file }; };
    g.save = function () { self.pending = { kind: "save" }; };
    g.echo = function (on: any) { self.echo = !!on; if (self.onEcho) self.onEcho(self.echo); };
    g.dump = function () { self.out(self.journal.join("\n") + "\r\n"); };

    var storage = createStorageModule(this.flash, (m) => this.sandboxError(m), (b) => {
      // Espruino maps the file in flash: no RAM used, no SRAM address.
      var buf = new PlainAB(b.length);
      new Uint8Array(buf).set(b);
      return buf;
    });
    var Modules: any = vm.runInContext("({})", ctx);
    Modules.addCached = function (id: string, src: any) { self.modules.set(String(id), src); self.moduleCache.delete(String(id)); };
    Modules.removeCached = function (id: string) { self.modules.delete(String(id)); self.moduleCache.delete(String(id)); };
    Modules.removeAllCached = function () { self.modules.clear(); self.moduleCache.clear(); };
    Modules.getCached = function () { return vm.runInContext(JSON.stringify(Array.from(self.modules.keys())), ctx); };
    g.Modules = Modules;
    g.require = function (id: string) {
      var name = String(id);
      if (name === "Storage") return storage;
      if (self.moduleCache.has(name)) return self.moduleCache.get(name);
      var src: any = self.modules.has(name) ? self.modules.get(name) : self.readFile(name);
      if (src === undefined) throw self.sandboxError('Module "' + name + '" not found');
      var mod = vm.runInContext("({exports:{}})", ctx);
      self.moduleCache.set(name, mod.exports);
      var fn = typeof src === "function" ? src : vm.runInContext("(function(exports,module){" + String(src) + "\n})", ctx, { filename: name });
      fn.call(mod.exports, mod.exports, mod);
      self.moduleCache.set(name, mod.exports);
      return mod.exports;
    };
  }
}

/** Unhandled promise rejections print as Espruino's "Uncaught ..." instead of reaching Node's
 * process-wide handler: every sandbox promise gets an internal rejection observer, `then`
 * marks a promise handled, and checkRejections() reports the rest once the jobs have run. */
function trackPromises(g: any, ctx: vm.Context): () => { reason: unknown }[] {
  var RealP = g.Promise, proto = RealP.prototype, origThen = proto.then;
  var handled = new WeakSet<object>();
  var rejected: { p: object; reason: unknown }[] = [];
  // A reaction job runs in its handler's realm: the observer must be a sandbox function so its
  // job joins the sandbox's microtask queue (drained at our checkpoints), not the host's.
  var observer = vm.runInContext("(function (record) { return function (p) { return function (reason) { record(p, reason); }; }; })", ctx)(
    function (p: object, reason: unknown) { if (!handled.has(p)) rejected.push({ p, reason }); },
  );
  function track(p: any) {
    origThen.call(p, undefined, observer(p));
    return p;
  }
  Object.defineProperty(proto, "then", {
    value: function (this: any, a?: any, b?: any) { handled.add(this); return track(origThen.call(this, a, b)); },
    writable: true, configurable: true,
  });
  var P = function (this: any, executor: any) {
    if (!(this instanceof P)) throw new g.TypeError("Constructor Promise requires 'new'");
    return track(new RealP(executor));
  } as any;
  P.prototype = proto;
  ["resolve", "reject", "all"].forEach(function (k) { if (RealP[k]) P[k] = RealP[k]; });
  Object.defineProperty(proto, "constructor", { value: P, writable: true, configurable: true });
  g.Promise = P;
  return function () {
    var out = rejected.filter((r) => !handled.has(r.p));
    rejected = [];
    return out;
  };
}

function toSandbox(ctx: vm.Context, v: unknown): any {
  return vm.runInContext("(" + JSON.stringify(v) + ")", ctx);
}

/** The watchdog stopped the code (20 s), or a SIGINT did (breakOnSigint: a Ctrl-C). */
function isTimeout(e: any): boolean {
  return !!e && (e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT" || e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED");
}

/** E.getSizeOf: variable blocks, roughly as Espruino counts them. */
function sizeOf(x: any, bs: number, flat: FlatBuffers, depth: number): number {
  if (x === undefined || x === null) return 0;
  var t = typeof x;
  if (t === "number" || t === "boolean") return 1;
  if (t === "string") return Math.max(1, Math.ceil(x.length / charsPerBlock(bs)));
  if (t === "function") return 1 + Math.ceil(Function.prototype.toString.call(x).length / charsPerBlock(bs));
  if (ArrayBuffer.isView(x) || Object.prototype.toString.call(x) === "[object ArrayBuffer]") {
    var blk = flat.blockOf(x);
    var bytes = blk ? blk.size : (x as any).byteLength;
    // view + ArrayBuffer + data (a flat string has one header block)
    return (ArrayBuffer.isView(x) ? 2 : 1) + (blk ? 1 + Math.ceil(bytes / bs) : Math.ceil(bytes / charsPerBlock(bs)));
  }
  if (depth > 16) return 1;
  var n = 1, keys = Object.keys(x);
  for (var i = 0; i < keys.length; i++) n += 1 + sizeOf(x[keys[i]], bs, flat, depth + 1);
  return n;
}

/** Where in the evaluated source an error was raised: the first stack frame in known code. */
function positionOf(e: any, sources: Map<string, string>): { file: string; line: number; col: number } | null {
  var stack = e && typeof e.stack === "string" ? e.stack : "";
  var re = /(?:\(|at |^)([^()\s]+):(\d+):(\d+)\)?/gm, m: RegExpExecArray | null;
  while ((m = re.exec(stack))) {
    if (sources.has(m[1])) return { file: m[1], line: +m[2], col: +m[3] };
  }
  // SyntaxError from the compiler: "file:line" on the first line, no column.
  var s = /^([^\s:]+):(\d+)\n/.exec(stack);
  if (s && sources.has(s[1])) return { file: s[1], line: +s[2], col: 1 };
  return null;
}

export function banner(board: BoardDef): string {
  return (
    "\r\n" +
    " ____                 _\r\n" +
    "|  __|___ ___ ___ _ _|_|___ ___\r\n" +
    "|  __|_ -| . |  _| | | |   | . |\r\n" +
    "|____|___|  _|_| |___|_|_|_|___|\r\n" +
    "         |_| espruino.com\r\n" +
    " " + board.espruino.version + " (c) 2024 G.Williams\r\n" +
    " virtual " + board.title + " (espdma)\r\n\r\n"
  );
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  return new Runtime(opts);
}
