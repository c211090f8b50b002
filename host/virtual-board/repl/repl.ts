// Espruino's REPL on a byte stream (jsinteractive.c): `>` prompt, echo of typed characters,
// a line that contains DLE (0x10) is neither echoed nor answered with `=value`, Ctrl-C (0x03)
// interrupts code still running a SysTick after it arrived (on receipt: code that is already
// running sees it only from a transport on another thread, see transports/) and clears the
// input line, input continues on `:` lines until its brackets balance, results
// print as `=value`, and XOFF (0x13) / XON (0x11) go out as the input buffer fills and drains
// (jsdevices.c: XOFF above 6/8 of the buffer, XON below 3/8). Timers run between input lines.

import type { Runtime } from "../runtime/runtime";
import { banner } from "../runtime/runtime";
import { isComplete } from "./brackets";
import { LineEditor } from "./line-editor";
import { Prng } from "../mcu/prng";
import { soon } from "../../common/turn";
import { latin1Bytes, latin1Text } from "../../link/transport";

export const DLE = 0x10, CTRL_C = 0x03, XON = 0x11, XOFF = 0x13;

export interface ReplOptions {
  /** Input buffer size in bytes (Espruino: IOBUFFERMASK+1 events). Default 256. */
  inputBuffer?: number;
  /** "stall": keep bytes beyond the buffer (USB and TCP push back); "drop": lose them, as a
   * UART without flow control does (Espruino sets JSERR_RX_FIFO_FULL). Default "stall". */
  overflow?: "stall" | "drop";
  /** "fast": simulated time jumps to the next timer; "realtime": timers wait for the wall
   * clock (serving a human or the espruino CLI). It is the event loop's clock that decides
   * (createVirtualBoard gives a "realtime" pace a realtime clock). Default "fast". */
  pace?: "fast" | "realtime";
  /** Simulated ms run per host tick while timers are pending (fast pace). Default 1000. */
  sliceMs?: number;
}

/** Link faults for host tests: deterministic for a seed. */
export interface ReplFaults {
  /** Probability that a byte is lost, per direction. */
  dropIn?: number;
  dropOut?: number;
  /** Probability that a byte is corrupted (one bit flipped). */
  corruptIn?: number;
  corruptOut?: number;
  /** Stop answering: output is swallowed (input is still consumed). */
  mute?: boolean;
  /** Reset the board after this many more input bytes (a reset mid-stream). */
  resetAfterInputBytes?: number;
  /** Cut the board's own output once, where a lost byte or a reset would: at the first match
   * of `at` in one output write (a printed line is one write), keep `keep` bytes from the start
   * of the match, then lose `lose` bytes ("line": the rest of the line, its line end kept;
   * "eol": the rest with the line end, so it runs into the next line; default "line"), or
   * with `reset` power-cycle the board there (its output stops; the banner follows). */
  cutOutput?: { at: RegExp | string; keep: number; lose?: number | "line" | "eol"; reset?: boolean };
  seed?: number;
}

export type OutputListener = (bytes: Uint8Array) => void;

export class Repl {
  /** The input line, its cursor and the history (Espruino's line editing). */
  readonly editor = new LineEditor((t) => this.output(t), () => this.inputShown && this.echoOn());
  /** The number in ESC [ n ~ sequences. */
  private escNumber = 0;
  /** Espruino's !inputLineRemoved: the prompt and input line are on the terminal. */
  private inputShown = true;
  private echoOffForLine = false;
  private lastWasCR = false;
  private escape = 0;
  /** Received bytes not yet processed: inq[inHead..] (a queue without O(n) shifts). */
  private inq: number[] = [];
  private inHead = 0;
  private xoff = false;
  /** Ctrl-C bytes received and not yet reached in the queue. */
  private ctrlCQueued = 0;
  private scheduled = false;
  private processing = false;
  private listeners: OutputListener[] = [];
  private faults: ReplFaults = {};
  private prng = new Prng(1);
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  readonly size: number;
  readonly highWater: number;
  readonly lowWater: number;
  /** Bytes lost to a full buffer ("drop" overflow) or to injected faults. */
  dropped = 0;
  private closed = false;

  constructor(readonly runtime: Runtime, readonly opts: ReplOptions = {}) {
    this.size = opts.inputBuffer ?? 256;
    this.highWater = Math.floor((this.size * 6) / 8);
    this.lowWater = Math.floor((this.size * 3) / 8);
  }

  // ------------------------------------------------------------------ wiring

  /** Receive bytes from the host. */
  onOutput(fn: OutputListener): () => void {
    this.listeners.push(fn);
    return () => { this.listeners = this.listeners.filter((f) => f !== fn); };
  }

  /** Text/bytes from the board to the host (used by the runtime for print and errors). */
  output(text: string | Uint8Array): void {
    if (this.closed) return;
    var b = typeof text === "string" ? latin1Bytes(text) : text;
    var f = this.faults;
    if (f.mute || this.cutResetting) return;
    if (f.cutOutput) b = this.cut(b, f);
    if (f.dropOut || f.corruptOut) b = this.mangle(b, f.dropOut || 0, f.corruptOut || 0);
    if (!b.length) return;
    for (var i = 0; i < this.listeners.length; i++) this.listeners[i](b);
  }

  /** Program output (print, console.log, errors): Espruino first removes the shown input line
   * (jsinteractive.c jsiConsoleRemoveInputLine: "\r" then ESC[J), and returns it when idle. */
  print(text: string): void {
    this.removeInputLine();
    this.output(text);
  }

  private removeInputLine(): void {
    if (!this.inputShown) return;
    this.inputShown = false;
    if (this.echoOn()) this.output(this.editor.removeText());
  }

  /** jsiConsoleReturnInputLine: prompt and the input so far, continuation lines after ':',
   * the cursor put back where it was. */
  private returnInputLine(): void {
    if (this.inputShown) return;
    this.inputShown = true;
    if (this.echoOn()) this.output(this.editor.returnText());
  }

  setFaults(f: ReplFaults): void {
    this.faults = Object.assign({}, f);
    this.prng = new Prng(f.seed ?? 1);
  }

  close(): void {
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
  }

  /** Bytes from the host to the board. */
  receive(data: string | Uint8Array): void {
    if (this.closed) return;
    var b: Uint8Array = typeof data === "string" ? latin1Bytes(data) : data.slice();
    var f = this.faults;
    if (f.dropIn || f.corruptIn) b = this.mangle(b, f.dropIn || 0, f.corruptIn || 0);
    for (var i = 0; i < b.length; i++) {
      if (f.resetAfterInputBytes !== undefined && --f.resetAfterInputBytes < 0) {
        f.resetAfterInputBytes = undefined;
        this.powerCycle();
        return;
      }
      var c = b[i];
      // Ctrl-C acts on receipt, ahead of the queued input, whatever the transport (Espruino's
      // receive interrupt calls jsiCtrlC): a command queued before it that is still running
      // a SysTick later is interrupted. Reached in the queue while idle, it clears the line.
      // Code busy when bytes arrive on this thread cannot see them: TCP reads in a worker.
      if (c === CTRL_C) this.runtime.ctrlC();
      if (this.pendingIn() >= this.size && this.opts.overflow === "drop") { this.dropped++; continue; }
      if (c === CTRL_C) this.ctrlCQueued++;
      this.inq.push(c);
      if (!this.xoff && this.pendingIn() >= this.highWater) {
        this.xoff = true;
        this.output(new Uint8Array([XOFF]));
      }
    }
    this.schedule();
  }

  /** Power cycle (or a reset in the middle of a stream): input lost, peripherals reset, the
   * interpreter restarted, banner printed, then the boot code run as on power-on (the image
   * save() wrote, .boot0-3, .bootcde; espruino.com/Saving "Boot Process"). */
  powerCycle(): void {
    this.inq = [];
    this.inHead = 0;
    this.ctrlCQueued = 0;
    this.editor.clear();
    this.editor.history.length = 0;
    this.echoOffForLine = false;
    this.runtime.powerReset();
    this.inputShown = false;
    this.output(banner(this.runtime.board));
    this.runtime.boot(undefined, "power-on");
    this.inputShown = false;
    this.returnInputLine();
    if (this.xoff) { this.xoff = false; this.output(new Uint8Array([XON])); }
  }

  /** Resolves when all input is processed and no timer is due within `maxMs` of simulated time. */
  settle(maxMs = 60000): Promise<void> {
    var until = this.runtime.loop.now() + maxMs;
    return new Promise((resolve) => {
      var check = () => {
        var loop = this.runtime.loop;
        if (!this.pendingIn() && !this.processing && !this.scheduled && !this.cutResetting && this.sliceEnd < 0 && (loop.pending() === 0 || loop.nextDue() > until)) resolve();
        else soon(check);
      };
      soon(check);
    });
  }

  /** Pending input bytes not yet processed. */
  buffered(): number {
    return this.pendingIn();
  }

  private pendingIn(): number {
    return this.inq.length - this.inHead;
  }

  // ------------------------------------------------------------------ processing

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    soon(() => { this.scheduled = false; this.tick(); });
  }

  /** Process input up to one executed command, then run due timers, then come back. While
   * a Ctrl-C is queued, go on up to it first: Espruino's idle loop handles the pending input
   * events before it runs timers, so the Ctrl-C clears rather than hits a timer callback. */
  private tick(): void {
    if (this.closed) return;
    if (this.sliceEnd >= 0) {
      // A slice of timers still going (one callback per task, see pump): input waits for it.
      this.processing = true;
      try {
        this.pump();
        if (this.sliceEnd < 0 && !this.pendingIn()) this.returnInputLine();
      } finally {
        this.processing = false;
      }
      if (this.pendingIn() && this.sliceEnd < 0) this.schedule();
      return;
    }
    this.processing = true;
    try {
      while (this.inHead < this.inq.length) {
        var executed = this.char(this.inq[this.inHead++]);
        if (executed && this.ctrlCQueued === 0) break;
      }
      if (this.inHead > 4096 || this.inHead === this.inq.length) { this.inq = this.inq.slice(this.inHead); this.inHead = 0; }
      if (this.xoff && this.pendingIn() <= this.lowWater) {
        this.xoff = false;
        this.output(new Uint8Array([XON]));
      }
      if (!this.pendingIn()) this.returnInputLine();
      this.pump();
      if (!this.pendingIn()) this.returnInputLine();
    } finally {
      this.processing = false;
    }
    if (this.pendingIn()) this.schedule();
  }

  /** Run timers: in fast pace a slice of simulated time per tick; on a realtime clock those
   * the wall clock has reached, then wait on a host timer for the next one. */
  private pump(): void {
    var loop = this.runtime.loop;
    if (loop.clock === "realtime") {
      var wait = loop.runDue();
      if (wait !== Infinity && !this.pumpTimer) {
        this.pumpTimer = setTimeout(() => { this.pumpTimer = null; if (!this.processing) this.tick(); }, Math.max(1, Math.min(1000, wait)));
      }
      return;
    }
    if (this.sliceEnd < 0) {
      if (!loop.pending()) return;
      this.sliceEnd = loop.now() + (this.opts.sliceMs ?? 1000);
    }
    // In the page a WeakRef's target lives until the task ends (realm.ts): a buffer dropped in
    // one callback is collectable in the next only if that runs in a new task. So there each
    // callback gets a tick of its own; the timing in simulated time is the same.
    var r = loop.runUntil(this.sliceEnd, this.runtime.realms.limits.weakRefsHeldPerTask ? 1 : Infinity);
    if (!r.more) { loop.advanceTo(this.sliceEnd); this.sliceEnd = -1; }
    if (loop.pending() || this.sliceEnd >= 0) this.schedule();
  }
  /** End of the slice of simulated time being run (-1: none). */
  private sliceEnd = -1;

  private echoOn(): boolean {
    return this.runtime.echo && !this.echoOffForLine;
  }

  /** Handle one input byte; true when a command was executed (jsiHandleConsoleChar). */
  private char(c: number): boolean {
    var ed = this.editor;
    if (this.escape) return this.escapeChar(c);
    var wasCR = this.lastWasCR;
    this.lastWasCR = c === 0x0d;
    if (c === 0x0a && wasCR) return false; // "\r\n" is one Enter
    if (c === CTRL_C) {
      // Clears the input line; an interrupt raised on receipt (ctrlC(), TCP worker) is done with.
      if (this.ctrlCQueued > 0) this.ctrlCQueued--;
      this.runtime.clearInterrupt();
      if (ed.line !== "") {
        this.removeInputLine();
        ed.clear();
      }
      this.echoOffForLine = false;
      return false;
    }
    if (c === DLE) { this.echoOffForLine = true; return false; }
    if (c === 0x1b) { this.escape = 1; return false; }
    if (c === 0x0d || c === 0x0a) return this.enter(true);
    if (c === 0x09 && this.echoOn()) { this.returnInputLine(); ed.complete(this.runtime.g); return false; }
    if (c < 0x20 && c !== 0x09) return false; // other control characters are ignored
    this.returnInputLine();
    if (c === 0x08 || c === 0x7f) ed.delete(true);
    else ed.insert(c === 0x09 ? "    " : String.fromCharCode(c));
    return false;
  }

  /** The bytes after ESC: ESC [ A/B/C/D arrows, ESC [ H/F and ESC O H/F home and end,
   * ESC [ n ~ (1 home, 3 delete, 4 end, 5/6 page up/down), ESC LF (Alt-Enter: a newline
   * that does not execute; the espruino CLI sends it). */
  private escapeChar(c: number): boolean {
    var ed = this.editor, state = this.escape;
    this.escape = 0;
    if (state === 1) {
      if (c === 0x5b) this.escape = 2;
      else if (c === 0x4f) this.escape = 3;
      else if (c === 0x0a) return this.enter(false);
      return false;
    }
    this.returnInputLine();
    if (state === 3) {
      if (c === 0x46) ed.end();
      else if (c === 0x48) ed.home();
      return false;
    }
    if (state === 2) {
      if (c >= 0x30 && c <= 0x39) { this.escNumber = c - 0x30; this.escape = 4; }
      else if (c === 0x44) ed.left();
      else if (c === 0x43) ed.right();
      else if (c === 0x41) ed.upDown(-1);
      else if (c === 0x42) ed.upDown(1);
      else if (c === 0x46) ed.end();
      else if (c === 0x48) ed.home();
      return false;
    }
    // state 4: ESC [ digits, then the final byte
    if (c >= 0x30 && c <= 0x39) { this.escNumber = this.escNumber * 10 + c - 0x30; this.escape = 4; return false; }
    var n = this.escNumber;
    if (c === 0x48 && n === 2 && ed.line !== "") { this.removeInputLine(); ed.clear(); } // erase the line
    else if (c === 0x7e) {
      if (n === 1) ed.home();
      else if (n === 3) ed.delete(false);
      else if (n === 4) ed.end();
      else if (n === 5) ed.page(false);
      else if (n === 6) ed.page(true);
    }
    return false;
  }

  /** Enter (jsiHandleNewLine): in the middle of the input it splits the line; at its end it
   * executes once the brackets balance (`execute`: not for Alt-Enter), else continues on a ':'
   * line. The executed line, right-trimmed, goes to the history when echo is on. */
  private enter(execute: boolean): boolean {
    var ed = this.editor;
    this.returnInputLine();
    if (!ed.atEnd()) { ed.splitLine(); return false; }
    var src = ed.line;
    if (!execute || !isComplete(src)) {
      ed.line += "\n";
      ed.cursor = ed.line.length;
      if (this.echoOn()) this.output("\r\n:");
      return false;
    }
    // The newline if echoing, the input line counts as removed, execute, `=value`.
    var echo = this.echoOn();
    if (echo) this.output("\r\n");
    this.inputShown = false;
    ed.clear();
    src = src.replace(/\s+$/, "");
    var rt = this.runtime;
    var r = rt.evaluate(src);
    if (src && echo) ed.remember(src);
    if (r.ok && echo && src) this.output("=" + rt.format(r.value) + "\r\n");
    this.echoOffForLine = false;
    rt.runPending();
    return true;
  }

  /** Output is muted from a cutOutput reset until the power cycle runs (not from inside the
   * code that printed: the interpreter is restarted from the event loop, as after a reset). */
  private cutResetting = false;

  private cut(b: Uint8Array, f: ReplFaults): Uint8Array {
    var c = f.cutOutput!;
    var s = latin1Text(b);
    var m = typeof c.at === "string" ? { index: s.indexOf(c.at) } : c.at.exec(s);
    if (!m || m.index < 0) return b;
    f.cutOutput = undefined;
    var from = m.index + c.keep;
    if (c.reset) {
      this.cutResetting = true;
      soon(() => { this.cutResetting = false; if (!this.closed) this.powerCycle(); });
      return b.subarray(0, from);
    }
    var eol = s.indexOf("\n", from);
    if (eol < 0) eol = s.length;
    else if (s[eol - 1] === "\r" && eol - 1 >= from) eol--;
    var to = c.lose === "eol" ? (s.indexOf("\n", from) < 0 ? s.length : s.indexOf("\n", from) + 1)
      : c.lose === "line" || c.lose === undefined ? eol : from + c.lose;
    this.dropped += to - from;
    var out = new Uint8Array(from + b.length - to);
    out.set(b.subarray(0, from));
    out.set(b.subarray(to), from);
    return out;
  }

  private mangle(b: Uint8Array, drop: number, corrupt: number): Uint8Array {
    var out: number[] = [];
    for (var i = 0; i < b.length; i++) {
      if (drop && this.prng.nextU32() / 4294967296 < drop) { this.dropped++; continue; }
      var v = b[i];
      if (corrupt && this.prng.nextU32() / 4294967296 < corrupt) v ^= 1 << this.prng.below(8);
      out.push(v);
    }
    return new Uint8Array(out);
  }
}

export function createRepl(runtime: Runtime, opts?: ReplOptions): Repl {
  return new Repl(runtime, opts);
}
