// The Espruino-compatible runtime: runs JavaScript (the firmware bundle, REPL lines) in a
// realm of its own (realm.ts: a node:vm context in Node, an iframe in the page) that offers what Espruino 2v2x offers and takes away what it lacks, on the
// virtual MCU (registers through peek/poke, flat buffers in its SRAM, timers on simulated time).

import { realms } from "./realm-node";
import type { Realm, RealmHost } from "./realm";
import type { BoardDef } from "../../../boards/types";
import type { Mcu, HeapBlock } from "../contract";
import type { EventLoop } from "../event-loop";
import { FlatBuffers } from "./flat-buffers";
import { installTypedArrays } from "./typed-arrays";
import { varLayout, stringBlocks, flatBlocks, type VarLayout } from "./layout";
import { CATCH_HOOK } from "./hoisting";
import { EQ_HOOK, LOOSE_HOOK } from "./equality";
import { rewrite } from "./rewrite";
import { dataBlocks, reachable } from "./data-size";
import { FN_HOOK, IIFE_START, IIFE_END, OBJ_HOOK } from "./instrument";
import { FlashFiles, createStorageModule } from "./storage";
import { formatValue, formatUncaught, espruinoMessage } from "./format";
import { espruinoFrames, type SourceInfo } from "./stack";
import { latin1Bytes, latin1Text } from "../../link/transport";

/** Built-ins V8 has and Espruino does not (espruino-compat.md, and Espruino's reference). */
const REMOVED_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "WeakRef", "FinalizationRegistry", "Proxy", "Reflect", "BigInt", "BigInt64Array", "BigUint64Array", "SharedArrayBuffer", "Atomics", "WebAssembly", "Intl", "AggregateError", "Iterator"];
const REMOVED_MEMBERS: [string, string][] = [["Object", "freeze"], ["Number", "isInteger"], ["Array", "from"], ["Promise", "race"], ["Promise", "any"], ["Promise", "allSettled"]];

/** Variables Espruino uses after reset, before user code: 2v29 32-bit Linux build, 5,100
 * variables, `process.memory().usage` as a program's first statement gives 78
 * (test/conformance/golden/memory-usage.out). */
const BASE_VARS = 78;

export interface RuntimeOptions {
  mcu: Mcu;
  loop: EventLoop;
  /** Where console output goes (print, console.log, errors); Espruino's "\r\n" line ends included. */
  write: (text: string) => void;
  /** Flash files (Storage); pass the same object across runtimes to keep them over a power cycle. */
  flash?: FlashFiles;
  /** Wall-clock limit for one synchronous evaluation (a runaway loop); default 20000 ms
   * (not enforced where the realm host cannot: realm-browser.ts). */
  timeoutMs?: number;
  /** Where the board's JavaScript runs (default: node:vm, or the page's iframes in the
   * browser bundle). */
  realms?: RealmHost;
}

export type EvalResult = { ok: true; value: unknown } | { ok: false; error: unknown; interrupted?: boolean; text: string };

/** Thrown through sandbox code by peek/poke/getTime once an interrupt is pending. */
const INTERRUPT = { espdmaInterrupt: true };

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
  /** The realm the board's code runs in (realm.ts). */
  realm!: Realm;
  readonly realms: RealmHost;
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
  /** Functions alive and the blocks each is charged (instrument.ts, code-cost.ts). */
  private fnCharges: { ref: WeakRef<object>; blk: HeapBlock }[] = [];
  /** Objects the program created (instrument.ts OBJ_HOOK): roots of the data walk while alive. */
  private objects: WeakRef<object>[] = [];
  /** IIFEs running (instrument.ts): charged until they return. */
  private iifes: HeapBlock[] = [];
  /** The program's data, as measured at the last collect() (data-size.ts). */
  private dataBlock: HeapBlock | null = null;
  /** Rewritten sources (rewrite.ts ids) last loaded from Storage: their functions cost less. */
  private flashSources = new Set<number>();
  /** What Espruino had before user code: not the program's data. */
  private baseline: { keys: Set<string>; objects: Set<unknown> } = { keys: new Set(), objects: new Set() };
  /** E.getErrorFlags(): set by running out of memory, cleared when read. */
  private errorFlags = new Set<string>();
  private newFlags = false;

  /** jsinteractive.c, jsiCheckErrors: once idle, new error flags are reported once. */
  reportErrorFlags(): void {
    if (!this.newFlags) return;
    this.newFlags = false;
    this.out("New interpreter error: " + Array.from(this.errorFlags).join(",") + "\r\n");
  }
  /** Sources run lately, by V8 file name, with how Espruino names them in a stack trace. */
  private sources = new Map<string, SourceInfo>();
  /** Espruino's variable layout for this board (block size, string and flat thresholds). */
  readonly layout: VarLayout;
  /** What sandbox code throws to stop at an interrupt (Ctrl-C); conformance runs throw it. */
  readonly interruptSignal: unknown = INTERRUPT;
  /** Flat strings made by E.toFlatString, by content (a string has no identity in V8). */
  private flatStrings = new Map<string, HeapBlock>();
  /** Texts handed out by Storage.read lately: eval() of one of them is code from flash. */
  readonly fromStorage = new Set<string>();
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
    this.realms = opts.realms ?? realms;
    this.flat = new FlatBuffers(opts.mcu.heap);
    this.layout = varLayout(opts.mcu.board.espruino.vars);
    this.flash = opts.flash ?? new FlashFiles(Math.min(opts.mcu.board.flash.size / 4, 128 * 1024));
    this.loop.onError = (e, timer) => this.reportTimerError(e, timer);
    this.loop.isInterrupt = (e) => e === INTERRUPT || isTimeout(e);
    if (!this.realms.limits.timeout) {
      // No timeout in this realm (the page): the watchdog covers timer callbacks too.
      this.loop.invoke = (fn, args) => {
        this.armWatchdog();
        try { fn.apply(undefined, args); } finally { this.watchdogAt = Infinity; }
      };
    }
    this.loop.afterCallback = () => { this.interruptFlag = false; this.dropIifes(); this.checkRejections(); this.reportErrorFlags(); };
    this.createContext();
  }

  // ------------------------------------------------------------------ evaluation

  /** Evaluate code as the REPL does. Uncaught errors are printed here and returned. */
  /** `label`: the frame name Espruino shows ("REPL", "[raw]", "boot code"); `fromFlash`: the
   * code comes from Storage (its functions stay in flash). */
  evaluate(code: string, opts: { filename?: string; print?: boolean; label?: string; fromFlash?: boolean; inputInRam?: boolean } = {}): EvalResult {
    var name = opts.filename || "REPL" + (this.evalCount ? ":" + this.evalCount : "");
    this.evalCount++;
    if (this.sources.size > 200) this.sources.delete(this.sources.keys().next().value as string);
    // V8 runs the rewritten code (rewrite.ts); errors are shown against the original.
    var rw = rewrite(code);
    var label = opts.label || (opts.filename && opts.filename.charAt(0) === "[" ? opts.filename : "REPL");
    this.sources.set(name, { code, rw, name: label, file: label === "boot code" ? name : "" });
    if (opts.fromFlash) this.flashSources.add(rw.id); else this.flashSources.delete(rw.id);
    // inputInRam false: the text is not in the variable store (the Linux build's -e reads it
    // from the command line's memory).
    var held = opts.inputInRam === false ? undefined : this.holdInput(code, !!opts.fromFlash);
    if (held === null) {
      // The command's own text does not fit: 2v29 runs out while it stores it.
      this.out("OUT OF MEMORY\r\n");
      this.errorFlags.add("LOW_MEMORY");
      this.errorFlags.add("MEMORY");
      this.newFlags = true;
      if (opts.print !== false) this.reportErrorFlags();
      return { ok: false, error: this.sandboxError("OUT OF MEMORY"), text: "OUT OF MEMORY" };
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
      this.armWatchdog();
      var value = this.busy(() => this.loop.runCode(() => this.realm.run(rw.code, name, { timeoutMs: this.timeoutMs, breakOnSigint: this.sigintBreak })));
      if (held) this.mcu.heap.free(held);
      this.checkRejections();
      return { ok: true, value };
    } catch (e) {
      var text = this.reportUncaught(e, opts.print === false);
      if (opts.print !== false) this.reportErrorFlags();
      return { ok: false, error: e, interrupted: e === INTERRUPT || isTimeout(e), text };
    } finally {
      if (held && held.live) this.mcu.heap.free(held);
      this.watchdogAt = Infinity;
      this.dropIifes();
      this.interruptFlag = false;
    }
  }

  /** Report promise rejections nobody handled (after the promise jobs have run). */
  checkRejections(): void {
    this.realm.drainJobs();
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
    this.busy(() => this.realm.call(fn, args, { breakOnSigint: true, timeoutMs: this.timeoutMs }));
  }

  /** Print an uncaught error as Espruino does; returns the text. */
  reportUncaught(e: unknown, silent = false, inEvent = false): string {
    var text: string;
    // jsinteractive.c, jsiCheckErrors: the two texts Espruino prints for an interrupt.
    if (e === INTERRUPT || isTimeout(e)) text = inEvent ? "Execution Interrupted during event processing." : "Execution Interrupted";
    else text = formatUncaught(this.ownText(e), espruinoFrames(e, this.sources));
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
      this.evaluate(src, { filename: name, label: "boot code", fromFlash: true });
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
    for (const fb of this.flatStrings.values()) if (fb.live) this.mcu.heap.free(fb);
    this.flatStrings.clear();
    for (var c = 0; c < this.fnCharges.length; c++) if (this.fnCharges[c].blk.live) this.mcu.heap.free(this.fnCharges[c].blk);
    this.fnCharges = [];
    this.objects = [];
    if (this.dataBlock && this.dataBlock.live) this.mcu.heap.free(this.dataBlock);
    this.dataBlock = null;
    this.errorFlags.clear();
    this.journal = [];
    this.moduleCache.clear();
    this.modules.clear();
    this.echo = true;
    this.createContext();
  }

  /** Let go of the realm (the page's iframe) once the board is closed. */
  dispose(): void {
    this.loop.clearAll();
    if (this.realm) this.realm.dispose();
  }

  // ------------------------------------------------------------------ memory

  /** Full GC, then free the flat blocks whose typed arrays are gone and the charges of
   * functions that are gone, and re-measure the program's data. Returns blocks freed. */
  collect(): number {
    if (!this.flat.hasManaged() && !this.fnCharges.length && !this.objects.length && !this.dataBlock) { this.flat.allocsSinceSweep = 0; return 0; }
    this.realms.gc();
    var n = this.flat.sweep(), keep: { ref: WeakRef<object>; blk: HeapBlock }[] = [];
    for (var i = 0; i < this.fnCharges.length; i++) {
      var c = this.fnCharges[i];
      if (c.ref.deref() === undefined) { if (c.blk.live) this.mcu.heap.free(c.blk); n++; }
      else keep.push(c);
    }
    this.fnCharges = keep;
    this.reserveData();
    return n;
  }

  /** The program's data (data-size.ts), held as one block of the heap, so that code, flat
   * buffers and data share the board's variables as on Espruino. Measured at collect(). */
  private reserveData(): void {
    if (this.dataBlock && this.dataBlock.live) this.mcu.heap.free(this.dataBlock);
    this.dataBlock = null;
    var blocks = this.dataNow();
    if (blocks > 1) this.dataBlock = this.mcu.heap.alloc((blocks - 1) * this.layout.blockSize);
  }

  /** Blocks of data reachable from the program's globals now. */
  private dataNow(): number {
    var g = this.g, holder: any = {};
    var keys = Object.getOwnPropertyNames(g);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (this.baseline.keys.has(k)) continue;
      var d = Object.getOwnPropertyDescriptor(g, k);
      if (d && "value" in d) holder[k] = d.value;
    }
    // Every live function is a root too: what only closures reach includes the prototypes
    // (and other properties) of the functions they hold, e.g. a class's methods.
    var roots: unknown[] = [holder];
    for (var c = 0; c < this.fnCharges.length; c++) { var fn = this.fnCharges[c].ref.deref(); if (fn) roots.push(fn); }
    // ... and every live object the program made (what only a closure's scope holds).
    var live: WeakRef<object>[] = [];
    for (var o = 0; o < this.objects.length; o++) { var x = this.objects[o].deref(); if (x) { roots.push(x); live.push(this.objects[o]); } }
    this.objects = live;
    // Pending timers: Espruino keeps each as an object in its timer list (timerBlocks), with
    // its callback and arguments.
    var timers = this.loop.list(), tb = 0;
    for (var t = 0; t < timers.length; t++) { tb += timerBlocks(timers[t].interval > 0, timers[t].args.length); roots.push(timers[t].fn); roots.push.apply(roots, timers[t].args); }
    var flat = this.flat;
    return tb + dataBlocks(roots, this.baseline.objects, this.layout, (x) => !!flat.blockOf(x)) - 1;
  }

  /** Blocks a function costs (instrument.ts gives both): from Storage its code stays in flash. */
  private costOf(text: number, flash: number, source: number): number {
    return this.flashSources.has(source) ? flash : text;
  }

  /** A function was created (instrument.ts): charge it until it is gone. */
  private chargeFunction(fn: object, blocks: number): void {
    this.fnCharges.push({ ref: new WeakRef(fn), blk: this.chargeBlocks(blocks) });
  }

  /** A block of the heap for `blocks` variables, or OUT OF MEMORY. */
  private chargeBlocks(blocks: number): HeapBlock {
    var bs = this.layout.blockSize;
    var blk = this.mcu.heap.alloc((blocks - 1) * bs);
    if (!blk) { this.collect(); blk = this.mcu.heap.alloc((blocks - 1) * bs); }
    if (!blk) throw this.outOfMemory();
    return blk;
  }

  /** What 2v29 does when no variable is left (jsvar.c, jsvNewWithFlags): print OUT OF MEMORY
   * and a stack trace, set the error flags, interrupt the code that is running. */
  private outOfMemory(): unknown {
    var here = new Error("OUT OF MEMORY");
    var frames = espruinoFrames(here, this.sources, "call");
    this.out("OUT OF MEMORY" + formatUncaught(here, frames).replace(/^[^\r]*/, "").replace(/^\r\n/, "") + "\r\n");
    this.errorFlags.add("LOW_MEMORY");
    this.errorFlags.add("MEMORY");
    this.newFlags = true;
    this.interruptFlag = true;
    return INTERRUPT;
  }

  /** An error left IIFEs without their return: they are gone. */
  private dropIifes(): void {
    while (this.iifes.length) { var b = this.iifes.pop()!; if (b.live) this.mcu.heap.free(b); }
  }

  /** process.memory() in variable blocks. Without gc (process.memory(false)) nothing is
   * re-measured: flat buffers and data stand as the last collection left them, plus what was
   * allocated since. (Measuring the data walks WeakRefs, and in the page a dereferenced
   * WeakRef keeps its target until the task ends: a collection later in that task could not
   * free it.) Espruino's reference counting knows at once; see README, memory model. */
  memory(gc = true) {
    var freed = gc ? this.collect() : 0;
    var bs = this.board.espruino.blockSize;
    var total = this.board.espruino.vars;
    var usage = Math.min(total, BASE_VARS + Math.ceil(this.mcu.heap.used() / bs));
    var f = this.board.flash, ram = this.board.ram[0];
    var m: Record<string, number> = { free: total - usage, usage, total, history: 0 };
    if (gc) { m.gc = freed; m.gctime = 0; }
    m.blocksize = bs;
    m.stackEndAddress = ram.base + ram.size - 0x1000;
    m.flash_start = f.base; m.flash_binary_end = f.base + Math.floor(f.size / 2); m.flash_code_start = f.base + f.size - this.flash.capacity; m.flash_length = f.size;
    return m;
  }

  /** The text of a command is held while it runs (Espruino keeps the uploaded line until it
   * has run; code from Storage stays in flash): returns its block, or null when it does not
   * fit. */
  private holdInput(code: string, fromFlash: boolean): HeapBlock | null | undefined {
    var peak = fromFlash ? 0 : Math.ceil(code.length / this.layout.stringExtLen);
    if (peak <= 1) return undefined;
    var bs = this.layout.blockSize;
    var held = this.mcu.heap.alloc((peak - 1) * bs);
    if (!held) { this.collect(); held = this.mcu.heap.alloc((peak - 1) * bs); }
    return held;
  }

  /** Load the firmware bundle (an IIFE defining the global `espdma`) as an upload would (or,
   * fromFlash, as a flashed board runs it from Storage), and make it available as
   * require("espdma"). Returns the evaluation result. */
  loadBundle(src: string, filename = "espdma.js", fromFlash = false): EvalResult {
    var r = this.evaluate(src, { filename, fromFlash });
    if (r.ok && this.g.espdma !== undefined && !this.moduleCache.has("espdma")) this.moduleCache.set("espdma", this.g.espdma);
    return r;
  }

  private readFile(name: string): string | undefined {
    var f = this.flash.files.get(name);
    if (!f) return undefined;
    return latin1Text(f);
  }

  // ------------------------------------------------------------------ the sandbox

  sandboxError(msg: string): Error {
    var E = this.g ? this.g.Error : Error;
    return new E(msg);
  }

  // ------------------------------------------------------------------ watchdog without vm timeout

  /** Cycle at which running code next looks at the wall clock (Infinity: no watchdog: Node's
   * realm times out by itself). A realm that cannot time out (the page's) gets this one: code
   * that polls peek/poke/getTime is stopped after timeoutMs as node:vm would stop it, with
   * "Execution Interrupted"; a loop that touches nothing still cannot be stopped there. */
  private watchdogAt = Infinity;
  private watchdogUntil = 0;
  private watchCalls = 0;
  private static readonly WATCH_CYCLES = 1 << 20;

  private armWatchdog(): void {
    if (this.realms.limits.timeout) return;
    this.watchdogUntil = Date.now() + this.timeoutMs;
    this.watchdogAt = this.mcu.cycles + Runtime.WATCH_CYCLES;
  }

  private watchdog(): void {
    if (Date.now() <= this.watchdogUntil) { this.watchdogAt = this.mcu.cycles + Runtime.WATCH_CYCLES; return; }
    this.watchdogAt = Infinity;
    // What node:vm throws at its timeout: reported the same way ("Execution Interrupted").
    var e: any = new Error("Script execution timed out after " + this.timeoutMs + "ms");
    e.code = "ERR_SCRIPT_EXECUTION_TIMEOUT";
    throw e;
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
    // Cycles pass with bus accesses; getTime() costs none, so calls are counted too.
    if (this.mcu.cycles >= this.watchdogAt || (this.watchdogAt !== Infinity && (++this.watchCalls & 4095) === 0)) this.watchdog();
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
    if (this.realm) this.realm.dispose();
    var realm = this.realms.create("espruino-" + this.board.name);
    var ctx = realm;
    var g = realm.global;
    this.realm = realm;
    this.g = g;
    for (var i = 0; i < REMOVED_GLOBALS.length; i++) delete g[REMOVED_GLOBALS[i]];
    for (var j = 0; j < REMOVED_MEMBERS.length; j++) delete g[REMOVED_MEMBERS[j][0]][REMOVED_MEMBERS[j][1]];
    delete g.Array.prototype.lastIndexOf;
    g.global = g;
    // == and === compare ArrayBuffers and typed arrays by content (equality.ts).
    var bufText = function (x: any): string | null {
      if (x === null || typeof x !== "object") return null;
      var t = Object.prototype.toString.call(x);
      if (t === "[object ArrayBuffer]") return Array.prototype.join.call(new Uint8Array(x), ",");
      if (ArrayBuffer.isView(x) && t !== "[object DataView]") return Array.prototype.join.call(x, ",");
      return null;
    };
    var hook = (k: string, f: Function) => Object.defineProperty(g, k, { enumerable: false, configurable: true, writable: true, value: f });
    hook(EQ_HOOK, function (a: any, b: any) {
      if (a === b) return true;
      if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
      var sa = bufText(a);
      return sa !== null && sa === bufText(b);
    });
    hook(LOOSE_HOOK, function (a: any, b: any) {
      if (a == b) return true;
      var sa = bufText(a), sb = bufText(b);
      if (sa === null && sb === null) return false;
      // An object or a function on the other side is compared by reference (jsvMathsOp).
      var other = sa === null ? a : b;
      if (other !== null && (typeof other === "object" || typeof other === "function") && bufText(other) === null) return false;
      return (sa === null ? String(a) : sa) === (sb === null ? String(b) : sb);
    });
    // indexOf finds a buffer by content too (it uses ===).
    var origIndexOf = g.Array.prototype.indexOf;
    Object.defineProperty(g.Array.prototype, "indexOf", {
      enumerable: false, configurable: true, writable: true,
      value: function (this: any, x: any, from?: number) {
        if (bufText(x) === null) return origIndexOf.call(this, x, from);
        for (var i = from ? from : 0; i < this.length; i++) if (g[EQ_HOOK](this[i], x)) return i;
        return -1;
      },
    });
    // Every function the program creates is charged while it lives (instrument.ts).
    hook(FN_HOOK, function (fn: any, text: number, flash: number, source: number) {
      self.chargeFunction(fn, self.costOf(text, flash, source));
      return fn;
    });
    hook(OBJ_HOOK, function (o: any) {
      if (o !== null && typeof o === "object") {
        // Long timer loops make objects without a collection in between: drop the dead ones.
        if (self.objects.length >= 65536) self.objects = self.objects.filter((r) => r.deref() !== undefined);
        self.objects.push(new WeakRef(o));
      }
      return o;
    });
    hook(IIFE_START, function (text: number, flash: number, source: number) {
      self.iifes.push(self.chargeBlocks(self.costOf(text, flash, source)));
    });
    hook(IIFE_END, function (value: unknown) {
      var blk = self.iifes.pop();
      if (blk && blk.live) self.mcu.heap.free(blk);
      return value;
    });
    // A caught error carries Espruino's message (hoisting.ts rewrites each catch clause).
    Object.defineProperty(g, CATCH_HOOK, {
      enumerable: false, configurable: true, writable: true,
      value: function (e: any) {
        if (e !== null && typeof e === "object" && typeof e.message === "string") {
          var m = espruinoMessage(e);
          if (m.message !== e.message) try { e.message = m.message; } catch { /* frozen: keep it */ }
        }
        return e;
      },
    });
    // eval runs through the same path as uploaded code (no hoisting, memory charged); code
    // read from Storage keeps its function bodies in flash (fromFlash).
    g.eval = function (code: unknown) {
      if (typeof code !== "string") return code;
      var src = code;
      var name = "eval:" + self.evalCount++, rw = rewrite(src);
      if (self.fromStorage.has(src)) self.flashSources.add(rw.id); else self.flashSources.delete(rw.id);
      self.sources.set(name, { code: src, rw, name: "[raw]", file: "" });
      var r = realm.run(rw.code, name);
      
      return r;
    };
    this.takeRejections = trackPromises(g, ctx);
    var mcu = this.mcu as any, loop = this.loop;
    var bs = this.board.espruino.blockSize;

    var PlainAB = g.ArrayBuffer; // engine-managed, not in the variable store (flash data)
    installTypedArrays(g, { flat: this.flat, layout: this.layout, collect: () => this.collect(), error: (m) => this.sandboxError(m) });

    // Hot path (the driver polls registers through these): no closures, one check.
    g.peek32 = function (addr: number, count?: number) {
      if (self.interruptFlag || mcu.cycles >= self.interruptAtCycle || mcu.cycles >= self.watchdogAt || (self.shared !== null && self.shared[0] !== 0)) self.check();
      try {
        if (count === undefined) return mcu.read32(addr >>> 0);
        var out = new g.Uint32Array(count);
        for (var k = 0; k < count; k++) out[k] = mcu.read32((addr + 4 * k) >>> 0);
        return out;
      } catch (e) { throw self.busError(e); }
    };
    g.poke32 = function (addr: number, value: any) {
      if (self.interruptFlag || mcu.cycles >= self.interruptAtCycle || mcu.cycles >= self.watchdogAt || (self.shared !== null && self.shared[0] !== 0)) self.check();
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
      if (typeof fn === "string") { var src = fn; fn = function () { realm.run(src, "timer"); }; }
      return loop.setTimeout(fn, ms, ...args);
    };
    g.setInterval = function (fn: any, ms?: number) {
      var args = Array.prototype.slice.call(arguments, 2);
      if (typeof fn === "string") { var src = fn; fn = function () { realm.run(src, "timer"); }; }
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
        var root: any = realm.run("({ timers: [], watches: [] })", "timers"), now = loop.now();
        var list = loop.list();
        for (var k = 0; k < list.length; k++) {
          var t = list[k], o = realm.run("({})", "timers") as any;
          o.time = t.due - now;
          o.callback = t.fn;
          if (t.interval > 0) o.interval = t.interval;
          if (t.args.length) o.args = (realm.run("[]", "timers") as any[]).concat(t.args);
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
        // print() shows an empty object as "{  }" (2v29: test/conformance/golden/add-cached.out).
        parts.push(typeof a === "string" ? a : formatValue(a).replace(/^\{ \}$/, "{  }"));
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
    g.process = realm.run("({})", "process");
    // Espruino builds process.env afresh on every read (a getter in jswrap_process.c), so a
    // write to one of its fields is lost; assigning process.env itself stores a plain
    // property that later reads get (Espruino's own idiom `process.env = process.env`).
    Object.defineProperty(g.process, "env", {
      enumerable: true, configurable: true,
      get: function () { return realm.run("(" + JSON.stringify(env) + ")", "process.env"); },
      set: function (v: unknown) { Object.defineProperty(g.process, "env", { value: v, writable: true, enumerable: true, configurable: true }); },
    });
    g.process.version = this.board.espruino.version;
    // undefined or true collects first; anything false does not, and the result then has no gc or
    // gctime (jswrap_process_memory, 2v29 src/jswrap_process.c).
    g.process.memory = function (gc?: unknown) { return toSandbox(ctx, self.memory(gc === undefined || !!gc)); };

    var E: any = realm.run("({})", "E");
    E.getAddressOf = function (x: any, flat?: boolean) {
      if (typeof x === "string") { var fb = self.flatStrings.get(x); return fb && fb.live ? fb.addr : 0; }
      return self.flat.addressOf(x);
    };
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
    E.toFlatString = function () {
      // Its arguments are taken as E.toString takes them (test/conformance/programs/
      // to-flat-string.js). A string longer than the flat break-even gets a flat block, so
      // E.getAddressOf(s, true) answers; Espruino may defragment when it cannot find room,
      // which moves other flat buffers; with no room at all it returns undefined.
      var str = E.toString.apply(null, arguments);
      if (str.length <= self.layout.flatBreakEven) return str;
      var old = self.flatStrings.get(str);
      if (old && old.live) return str;
      var blk = self.mcu.heap.alloc(str.length);
      if (!blk) { E.defrag(); blk = self.mcu.heap.alloc(str.length); }
      if (!blk) return undefined;
      for (var k = 0; k < str.length; k++) blk.data[k] = str.charCodeAt(k) & 0xff;
      self.flatStrings.set(str, blk);
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
    E.getSizeOf = function (x: any) { return sizeOf(x, self.layout, self.flat, 0); };
    E.setBootCode = function (code: any, alwaysExec?: boolean) { self.flash.files.set(".bootcde", latin1Bytes(String(code || ""))); };
    E.getErrorFlags = function () {
      var flags = realm.run(JSON.stringify(Array.from(self.errorFlags)), "E");
      self.errorFlags.clear();
      return flags;
    };
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
    }, (t) => {
      if (self.fromStorage.size > 16) self.fromStorage.clear();
      self.fromStorage.add(t);
    });
    var Modules: any = realm.run("({})", "Modules");
    // Espruino evaluates the source inside addCached (test/conformance/programs/add-cached.js):
    // an error there propagates, and the module stays cached with what it exported so far. A
    // function as the source runs without its closure (its text is evaluated).
    Modules.addCached = function (id: string, src: any) {
      var name = String(id);
      self.modules.set(name, src);
      var mod: any = realm.run("({exports:{}})", "module:" + name);
      self.moduleCache.set(name, mod.exports);
      var body = typeof src === "function" ? "(" + Function.prototype.toString.call(src) + ")();" : String(src);
      var head = "(function(exports,module){", wrapped = head + body + "\n})", rw = rewrite(wrapped);
      // Its frames read as Espruino's: "at module (:1:16)", positions in the module's source.
      self.sources.set("module:" + name, { code: body, rw, name: "module", file: "", prefix: head.length });
      var fn: any = realm.run(rw.code, "module:" + name);
      fn.call(mod.exports, mod.exports, mod);
      self.moduleCache.set(name, mod.exports);
    };
    Modules.removeCached = function (id: string) { self.modules.delete(String(id)); self.moduleCache.delete(String(id)); };
    Modules.removeAllCached = function () { self.modules.clear(); self.moduleCache.clear(); };
    Modules.getCached = function () { return realm.run(JSON.stringify(Array.from(self.modules.keys())), "Modules"); };
    g.Modules = Modules;
    g.require = function (id: string) {
      var name = String(id);
      if (name === "Storage") return storage;
      if (self.moduleCache.has(name)) return self.moduleCache.get(name);
      var src: any = self.modules.has(name) ? self.modules.get(name) : self.readFile(name);
      if (src === undefined) throw self.sandboxError('Module "' + name + '" not found');
      var mod: any = realm.run("({exports:{}})", name);
      self.moduleCache.set(name, mod.exports);
      // A module read from Storage runs from flash: its functions keep their code there.
      var fn: any = src;
      if (typeof src !== "function") {
        var mrw = rewrite("(function(exports,module){" + String(src) + "\n})");
        if (!self.modules.has(name)) self.flashSources.add(mrw.id);
        fn = realm.run(mrw.code, name);
      }
      fn.call(mod.exports, mod.exports, mod);
      self.moduleCache.set(name, mod.exports);
      return mod.exports;
    };
    // What exists now is the interpreter's, not the program's data (data-size.ts).
    this.baseline = { keys: new Set(Object.getOwnPropertyNames(g)), objects: reachable(g) };
  }
}

/** Unhandled promise rejections print as Espruino's "Uncaught ..." instead of reaching Node's
 * process-wide handler: every sandbox promise gets an internal rejection observer, `then`
 * marks a promise handled, and checkRejections() reports the rest once the jobs have run. */
function trackPromises(g: any, ctx: Realm): () => { reason: unknown }[] {
  var RealP = g.Promise, proto = RealP.prototype, origThen = proto.then;
  var handled = new WeakSet<object>();
  var rejected: { p: object; reason: unknown }[] = [];
  // A reaction job runs in its handler's realm: the observer must be a sandbox function so its
  // job joins the sandbox's microtask queue (drained at our checkpoints), not the host's.
  var observer = (ctx.run("(function (record) { return function (p) { return function (reason) { record(p, reason); }; }; })", "promises") as any)(
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

function toSandbox(ctx: Realm, v: unknown): any {
  return ctx.run("(" + JSON.stringify(v) + ")", "value");
}

/** The watchdog stopped the code (20 s), or a SIGINT did (breakOnSigint: a Ctrl-C). */
function isTimeout(e: any): boolean {
  return !!e && (e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT" || e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED");
}

/** Blocks a pending timer takes in 2v29's timer list (Pico layout, test/conformance/golden/
 * memory-timers.out: 10 setTimeout 73 blocks with the array of their ids, 10 setInterval 84,
 * with two arguments each 105): the timer 6 (its time and callback), an interval 1 more, its
 * arguments a list of them. The callback is charged as a function. */
export function timerBlocks(interval: boolean, args: number): number {
  return 6 + (interval ? 1 : 0) + (args ? 1 + args : 0);
}

/** E.getSizeOf: variable blocks, as Espruino counts them for data (test/conformance/golden/
 * flat-typed-arrays.out: a view, its ArrayBuffer, and the data's blocks). */
function sizeOf(x: any, l: VarLayout, flat: FlatBuffers, depth: number): number {
  if (x === undefined || x === null) return 0;
  var t = typeof x;
  if (t === "number" || t === "boolean") return 1;
  if (t === "string") return stringBlocks(x.length, l);
  if (t === "function") return 1 + stringBlocks(Function.prototype.toString.call(x).length, l);
  if (ArrayBuffer.isView(x) || Object.prototype.toString.call(x) === "[object ArrayBuffer]") {
    var bytes = (x as any).byteLength;
    var data = bytes > l.flatBreakEven && flat.blockOf(x) ? flatBlocks(bytes, l) : stringBlocks(bytes, l);
    return (ArrayBuffer.isView(x) ? 2 : 1) + data;
  }
  if (depth > 16) return 1;
  var n = 1, keys = Object.keys(x);
  for (var i = 0; i < keys.length; i++) n += 1 + sizeOf(x[keys[i]], l, flat, depth + 1);
  return n;
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
