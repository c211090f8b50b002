// A race program: what a client does, step by step, on one or more channels of the virtual
// board. Plain JSON, so a failure prints it and `--replay` runs it again exactly.

/** What a callback does the first time it runs (later runs only record themselves). */
export type CallbackAction =
  | "none"
  | "terminateAsync" // legal anywhere, also inside a callback
  | "submit"         // prep + submit + issuePending a new memcpy on the same channel
  | "synchronize"    // wrong here: must throw EDEADLK and change nothing
  | "terminateSync"  // wrong here: must throw EDEADLK and change nothing
  | "release";       // wrong here: must throw EDEADLK and change nothing

/** The timeout a synchronize-type call is given, as a JSON-safe token: "none" (the default),
 * a boundary ("0"), a small one ("5"), or what must be refused with EINVAL (not a number >= 0). */
export type TimeoutToken = "none" | "0" | "5" | "NaN" | "abc" | "object" | "-1" | "Infinity";

/** The value a token stands for. */
export function timeoutValue(t: TimeoutToken | undefined): any {
  switch (t) {
    case undefined: case "none": return undefined;
    case "NaN": return NaN;
    case "abc": return "abc";
    case "object": return {};
    case "Infinity": return Infinity;
    default: return Number(t);
  }
}

/** True when the call must refuse the timeout (EINVAL). */
export function badTimeout(t: TimeoutToken | undefined): boolean {
  var v = timeoutValue(t);
  return v !== undefined && !(typeof v === "number" && v >= 0 && v < Infinity);
}

/** How the client gives back buffers it may give back (only after synchronize / its callback). */
export type ReleaseMode = "free" | "canary";

export type Step =
  | { op: "memcpy"; ch: number; len: number; cb: CallbackAction }
  /** Timer-paced transfer on a paced channel: GPIO IDR -> buffer or buffer -> GPIO ODR. */
  | { op: "paced"; ch: number; len: number; cb: CallbackAction }
  /** Ring buffer of `periods` periods of `periodLen` bytes, a callback per period. */
  | { op: "cyclic"; ch: number; periods: number; periodLen: number; cb: CallbackAction }
  | { op: "issue"; ch: number }
  | { op: "terminateAsync"; ch: number }
  | { op: "terminateSync"; ch: number; timeout?: TimeoutToken }
  /** Also on a channel that was not terminated, with transfers running and callbacks due:
   * synchronize() runs those callbacks, and must then cover what they terminate. */
  | { op: "synchronize"; ch: number; timeout?: TimeoutToken }
  /** A heap move (E.defrag, or E.toFlatString that may defragment) at this point of the
   * lifecycle: the guard must refuse it while any buffer is the hardware's (rule 6). */
  | { op: "heap"; call: "defrag" | "toFlatString" }
  | { op: "pause"; ch: number }
  | { op: "resume"; ch: number }
  | { op: "status"; ch: number }
  /** Give back the buffers the client may give back on this channel: freed (the heap may hand
   * the range out again) or overwritten with a canary (memory reused by the interpreter). */
  | { op: "release"; ch: number; mode: ReleaseMode }
  /** Drop the client's references to every buffer of the channel: the (emulated) garbage
   * collector frees each one when the core lets go of it too. */
  | { op: "drop"; ch: number }
  /** The client idiom the seed is about: stop the channel (terminateSync(), or terminateAsync()
   * then synchronize()) and give its buffers back at once. */
  | { op: "stop"; ch: number; split: boolean; mode: ReleaseMode }
  /** Run timers one at a time until a callback of this channel is due: the hardware has
   * finished a descriptor and the core has seen it, its callback has not run (bounded). The
   * window in which synchronize() must run that callback and cover what it terminates. */
  | { op: "due"; ch: number }
  /** Run exactly one timer callback (a poll, a completion task, a pacing timer). */
  | { op: "tick" }
  /** Let simulated time pass, running timers. */
  | { op: "idle"; us: number };

/** Channel kinds: a memory-to-memory channel, or a timer-paced one (GPIO <-> memory). */
export type ChannelKind = "mem2mem" | "dev2mem" | "mem2dev";

export interface Program {
  channels: ChannelKind[];
  steps: Step[];
  /** FIFO family (F4): paced channels move bytes on the port and words in memory, so the
   * stream's FIFO packs (dev2mem) or unpacks and reads ahead (mem2dev), RM0090 10.3.11-10.3.12.
   * Lengths are then whole words. */
  fifo?: boolean;
}

/** One case of the search: a program and the seed of the adversarial DMA schedule. */
export interface RaceCase {
  program: Program;
  schedule: number;
}

export function describeStep(s: Step): string {
  switch (s.op) {
    case "memcpy": return "ch" + s.ch + ".memcpy(" + s.len + " bytes) callback:" + s.cb;
    case "paced": return "ch" + s.ch + ".paced(" + s.len + " bytes) callback:" + s.cb;
    case "cyclic": return "ch" + s.ch + ".cyclic(" + s.periods + " x " + s.periodLen + " bytes) callback:" + s.cb;
    case "release": return "ch" + s.ch + ".release buffers (" + s.mode + ")";
    case "drop": return "ch" + s.ch + ".drop buffer references";
    case "stop": return "ch" + s.ch + (s.split ? ".terminateAsync(); synchronize()" : ".terminateSync()") + "; release buffers (" + s.mode + ")";
    case "tick": return "run one timer callback";
    case "due": return "run timers until a callback of ch" + s.ch + " is due";
    case "idle": return "idle " + s.us + " us";
    case "heap": return "E." + s.call + "()";
    case "synchronize": case "terminateSync": return "ch" + s.ch + "." + s.op + "(" + (s.timeout && s.timeout !== "none" ? s.timeout : "") + ")";
    default: return "ch" + (s as any).ch + "." + s.op + "()";
  }
}

export function describeProgram(p: Program): string {
  var lines = ["channels: " + p.channels.map(function (k, i) { return "ch" + i + "=" + k; }).join(" ")];
  for (var i = 0; i < p.steps.length; i++) lines.push("  " + i + ": " + describeStep(p.steps[i]));
  return lines.join("\n");
}
