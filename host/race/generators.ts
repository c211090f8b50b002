// fast-check generators of race cases: short programs of client operations on one to three
// channels, plus the adversarial scheduler's seed. Short on purpose: races need few steps,
// short programs shrink well and run fast (100,000 schedules per board).
import fc from "fast-check";
import type { CallbackAction, ChannelKind, Program, RaceCase, Step, TimeoutToken } from "./program";

export interface GenOptions {
  /** Offer timer-paced and cyclic channels (needs the driver's pacing helper). */
  paced: boolean;
  /** Two paced channels (one each way) at once: needs two timers whose DMA reaches GPIO. */
  pacedPair?: boolean;
  /** Most steps in a program. */
  maxSteps?: number;
  /** The FIFO family (F4 only): paced channels with memWidth 4 (see Program.fifo). */
  fifo?: boolean;
}

// withCrossShrink: a failing case shrinks towards the first (simplest) alternative too, so a
// minimal program says "callback:none" when the callback's action does not matter.
const callbackAction: fc.Arbitrary<CallbackAction> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant<CallbackAction>("none"), weight: 5 },
  { arbitrary: fc.constant<CallbackAction>("terminateAsync"), weight: 3 },
  { arbitrary: fc.constant<CallbackAction>("submit"), weight: 2 },
  { arbitrary: fc.constant<CallbackAction>("synchronize"), weight: 1 },
  { arbitrary: fc.constant<CallbackAction>("terminateSync"), weight: 1 },
  { arbitrary: fc.constant<CallbackAction>("release"), weight: 1 },
);

/** Small lengths mostly (fast, and the stop lands mid-transfer); now and then a longer one. */
const memLen = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.integer({ min: 1, max: 16 }), weight: 2 },
  { arbitrary: fc.integer({ min: 17, max: 96 }), weight: 3 },
  { arbitrary: fc.integer({ min: 97, max: 400 }), weight: 1 },
);

/** Mostly the default; boundaries and values that must be refused now and then. */
const timeout: fc.Arbitrary<TimeoutToken> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant<TimeoutToken>("none"), weight: 8 },
  { arbitrary: fc.constantFrom<TimeoutToken>("0", "5"), weight: 2 },
  { arbitrary: fc.constantFrom<TimeoutToken>("NaN", "abc", "object", "-1", "Infinity"), weight: 2 },
);

function stepFor(kinds: ChannelKind[], fifo?: boolean): fc.Arbitrary<Step> {
  var ch = fc.integer({ min: 0, max: kinds.length - 1 });
  // FIFO family: whole words in memory; a ring's periods hold whole FIFO thresholds (4 bytes)
  // and leave the 16 bytes a mem2dev stream reads ahead (the driver refuses less).
  var periods = fifo ? fc.integer({ min: 3, max: 4 }) : fc.integer({ min: 2, max: 4 });
  var periodLen = fifo ? fc.constantFrom(8, 12, 16) : fc.integer({ min: 1, max: 12 });
  // A transfer step: memcpy on a mem2mem channel, paced or cyclic on a paced one.
  var xfer: fc.Arbitrary<Step> = fc
    .record({ ch: ch, len: memLen, cb: callbackAction, cyclic: fc.boolean(), periods: periods, periodLen: periodLen })
    .map(function (r): Step {
      if (kinds[r.ch] === "mem2mem") return { op: "memcpy", ch: r.ch, len: r.len, cb: r.cb };
      if (r.cyclic) return { op: "cyclic", ch: r.ch, periods: r.periods, periodLen: r.periodLen, cb: r.cb };
      var len = Math.min(r.len, 48);
      return { op: "paced", ch: r.ch, len: fifo ? (len + 3) & ~3 : len, cb: r.cb };
    });
  function simple(op: "issue" | "terminateAsync" | "pause" | "resume" | "status" | "drop" | "due"): fc.Arbitrary<Step> {
    return ch.map(function (c) { return { op: op, ch: c } as Step; });
  }
  function timed(op: "terminateSync" | "synchronize"): fc.Arbitrary<Step> {
    return fc.record({ ch: ch, timeout: timeout }).map(function (r) { return { op: op, ch: r.ch, timeout: r.timeout } as Step; });
  }
  return fc.oneof(
    { arbitrary: xfer, weight: 30 },
    { arbitrary: simple("issue"), weight: 16 },
    { arbitrary: simple("terminateAsync"), weight: 10 },
    { arbitrary: timed("terminateSync"), weight: 4 },
    { arbitrary: timed("synchronize"), weight: 8 },
    { arbitrary: fc.constantFrom<"defrag" | "toFlatString">("defrag", "toFlatString").map(function (c) { return { op: "heap", call: c } as Step; }), weight: 1 },
    { arbitrary: simple("pause"), weight: 3 },
    { arbitrary: simple("resume"), weight: 3 },
    { arbitrary: simple("status"), weight: 4 },
    { arbitrary: fc.record({ ch: ch, mode: fc.constantFrom<"free" | "canary">("free", "canary") }).map(function (r) { return { op: "release", ch: r.ch, mode: r.mode } as Step; }), weight: 7 },
    { arbitrary: simple("drop"), weight: 3 },
    { arbitrary: fc.record({ ch: ch, split: fc.boolean(), mode: fc.constantFrom<"free" | "canary">("free", "canary") }).map(function (r) { return { op: "stop", ch: r.ch, split: r.split, mode: r.mode } as Step; }), weight: 8 },
    { arbitrary: fc.constant<Step>({ op: "tick" }), weight: 12 },
    { arbitrary: simple("due"), weight: 4 },
    { arbitrary: fc.integer({ min: 1, max: 400 }).map(function (us) { return { op: "idle", us: us } as Step; }), weight: 8 },
  );
}

export function programArb(opts: GenOptions): fc.Arbitrary<Program> {
  var sets: ChannelKind[][] = [["mem2mem"], ["mem2mem", "mem2mem"]];
  if (opts.paced) sets.push(["dev2mem"], ["mem2dev"], ["mem2mem", "dev2mem"], ["mem2dev", "mem2mem"]);
  if (opts.paced && opts.pacedPair) sets.push(["dev2mem", "mem2dev"], ["mem2dev", "mem2mem", "dev2mem"]);
  var kindsArb: fc.Arbitrary<ChannelKind[]> = fc.constantFrom.apply(fc, sets) as fc.Arbitrary<ChannelKind[]>;
  var maxSteps = opts.maxSteps || 12;
  return kindsArb.chain(function (kinds) {
    return fc.array(stepFor(kinds, opts.fifo), { minLength: 1, maxLength: maxSteps }).map(function (steps): Program {
      return opts.fifo ? { channels: kinds, steps: steps, fifo: true } : { channels: kinds, steps: steps };
    });
  });
}

export function raceCaseArb(opts: GenOptions): fc.Arbitrary<RaceCase> {
  return fc.record({ program: programArb(opts), schedule: fc.integer({ min: 1, max: 0x7fffffff }) });
}
