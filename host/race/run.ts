// runRace(): the search. fast-check generates race cases (program + schedule seed), each runs
// on a fresh virtual board; the first failing case is shrunk to a minimal one and printed with
// the violated invariant and the exact command that replays it. Mutants (broken providers and
// cores) run as controls: each must be caught, and we report after how many schedules.
import fc from "fast-check";
import type { BoardDef } from "../../boards/types";
import { findBoard } from "../../boards/index";
import { raceCaseArb } from "./generators";
import type { GenOptions } from "./generators";
import { runCase } from "./executor";
import { failureInfo } from "./invariants";
import type { FailureInfo } from "./invariants";
import { mutants as allMutants, findMutant } from "./mutants";
import type { Mutant } from "./mutants";
import { describeProgram, describeStep } from "./program";
import type { RaceCase } from "./program";
import { pacingTimer, twoPacedChannels } from "./world";

export interface RaceOptions {
  /** Board name ("pico", "original", ...). Default "pico". */
  board?: string;
  /** Schedules (cases) to search on the real stack. Default 1000. */
  schedules?: number;
  /** At most this many schedules per mutant (default 20000): a mutant stops at its first
   * catch, so a large budget costs little, and a rarely hit hazard is still caught. A mutant
   * that is equivalent on the board (cannot be caught there) gets `schedules` instead. */
  mutantSchedules?: number;
  /** fast-check seed of the search. Default 1. */
  seed?: number;
  /** undefined/"all": the search and every mutant; "none": the search only; a name: that mutant only. */
  mutant?: string;
  /** Replay one case (from a failure's replay command) instead of searching. */
  replay?: RaceCase;
  /** Shrink failures to a minimal case (default true). */
  shrink?: boolean;
  /** Print failures (and progress) as they are found. Default false. */
  log?: (line: string) => void;
  /** Where a mutant's catch report goes (default: log). A catch is the control working, not a
   * failure: the CLI shows it with --verbose only. */
  logCatch?: (line: string) => void;
  /** Offer timer-paced and cyclic transfers (default true; false: memcpy only). */
  paced?: boolean;
  /** The FIFO program family (F4 boards): paced channels pack bytes into words (Program.fifo). */
  fifo?: boolean;
  /** Accepted for the command's sake: the caller prints the JSON. */
  json?: boolean;
}

export interface RaceFailureReport extends FailureInfo {
  board: string;
  mutant: string | null;
  case: RaceCase;
  /** Human-readable report: invariant, step, program, schedule seed, replay command. */
  text: string;
  replay: string;
}

export interface MutantResult {
  name: string;
  caught: boolean;
  /** Schedules run until the first failure (or all of them when not caught). */
  schedules: number;
  /** Present when the hazard the mutant plants cannot occur on this board's DMA (with the
   * reference manual's word for it): it is then not expected to be caught. */
  equivalent?: string;
}

export interface RaceResult {
  /** Schedules searched on the real stack (0 when only a mutant ran; 1 for a replay). */
  schedules: number;
  /** Violations found on the real stack (for a replay: on the stack it ran, mutant or not). */
  violations: number;
  mutants: MutantResult[];
  seed: number;
  failures: RaceFailureReport[];
  /** Wall-clock milliseconds of the search on the real stack (for the schedules/minute figure). */
  ms: number;
}

export function genOptions(board: BoardDef, paced?: boolean, fifo?: boolean): GenOptions {
  var can = !!pacingTimer(board, "dev2mem") && !!pacingTimer(board, "mem2dev");
  var g: GenOptions = { paced: can && paced !== false, pacedPair: twoPacedChannels(board) };
  if (fifo && board.family === "F4") g.fifo = true;
  return g;
}

/** Default budget of schedules per mutant (see RaceOptions.mutantSchedules). */
export const DEFAULT_MUTANT_SCHEDULES = 20000;

export function runRace(opts: RaceOptions): RaceResult {
  var board = findBoard(opts.board || "pico");
  if (!board) throw new Error("unknown board " + JSON.stringify(opts.board) + ": pico, wifi, original, f4discovery");
  var seed = opts.seed === undefined ? 1 : opts.seed;
  var n = opts.schedules === undefined ? 1000 : opts.schedules;
  var mn = opts.mutantSchedules === undefined ? DEFAULT_MUTANT_SCHEDULES : opts.mutantSchedules;
  if (!(Number.isInteger(n) && n >= 1) || !(Number.isInteger(mn) && mn >= 1)) throw new Error("schedules and mutantSchedules must be positive integers");
  var log = opts.log || function () {};
  var logCatch = opts.logCatch || log;
  var res: RaceResult = { schedules: 0, violations: 0, mutants: [], seed: seed, failures: [], ms: 0 };

  if (opts.replay) {
    var m = opts.mutant && opts.mutant !== "none" && opts.mutant !== "all" ? requireMutant(opts.mutant) : null;
    var r = runCase(board, opts.replay, m);
    res.schedules = 1;
    if (r.failure) {
      res.violations = 1;
      res.failures.push(report(board, m, opts.replay, failureInfo(r.failure)));
      log(res.failures[0].text);
    }
    return res;
  }

  var which = opts.mutant || "all";
  if (which === "all" || which === "none") {
    var t0 = Date.now();
    var s = search(board, null, n, seed, opts.shrink !== false, true, genOptions(board, opts.paced, opts.fifo));
    res.ms = Date.now() - t0;
    res.schedules = s.schedules;
    res.violations = s.violations;
    if (s.failure) { res.failures.push(s.failure); log(s.failure.text); }
  }
  var list = which === "all" ? allMutants : which === "none" ? [] : [requireMutant(which)];
  list.forEach(function (mu) {
    // A mutant's violation is its catch, counted in its own result (never in res.violations,
    // which is the real stack's). An equivalent one would use its whole budget: it gets the
    // real-stack count, as it behaves like the real stack on this board.
    var eq = mu.equivalentOn ? mu.equivalentOn(board!.family) : null;
    var ms = search(board!, mu, eq ? n : mn, seed, opts.shrink !== false, false, genOptions(board!, opts.paced, opts.fifo));
    var mr: MutantResult = { name: mu.name, caught: ms.violations > 0, schedules: ms.schedules };
    if (eq) mr.equivalent = eq;
    res.mutants.push(mr);
    if (ms.failure) { res.failures.push(ms.failure); logCatch(ms.failure.text); }
    else if (!eq) log("mutant " + mu.name + ": NOT caught in " + ms.schedules + " schedules");
  });
  return res;
}

function requireMutant(name: string): Mutant {
  var m = findMutant(name);
  if (!m) throw new Error("unknown mutant " + JSON.stringify(name) + ": " + allMutants.map(function (x) { return x.name; }).join(", "));
  return m;
}

interface SearchResult {
  schedules: number;
  violations: number;
  failure: RaceFailureReport | null;
}

/** Search `n` cases. `countAll`: go on after a failure and count every failing case (the real
 * stack); otherwise stop at the first (a mutant: "caught after k schedules"). */
function search(board: BoardDef, mutant: Mutant | null, n: number, seed: number, shrink: boolean, countAll: boolean, gen: GenOptions): SearchResult {
  var arb = raceCaseArb(gen);
  var count = 0, violations = 0, firstIndex = -1;
  var counting = fc.property(arb, function (rc) {
    var r = runCase(board, rc, mutant);
    count++;
    if (r.failure) {
      violations++;
      if (firstIndex < 0) firstIndex = count - 1;
      if (!countAll) return false;
    }
    return true;
  });
  fc.check(counting, { numRuns: n, seed: seed, endOnFailure: true });
  var out: SearchResult = { schedules: count, violations: violations, failure: null };
  if (firstIndex < 0) return out;
  // Replay the first failing case from its index and let fast-check shrink it.
  var minimal: RaceCase | null = null;
  var prop = fc.property(arb, function (rc) {
    return runCase(board, rc, mutant).failure === null;
  });
  var det = fc.check(prop, { seed: seed, path: String(firstIndex), numRuns: 1, endOnFailure: !shrink });
  if (det.failed && det.counterexample) minimal = det.counterexample[0] as RaceCase;
  if (!minimal) return out;
  var again = runCase(board, minimal, mutant);
  if (again.failure) out.failure = report(board, mutant, minimal, failureInfo(again.failure), firstIndex);
  return out;
}

function report(board: BoardDef, mutant: Mutant | null, rc: RaceCase, f: FailureInfo, runIndex?: number): RaceFailureReport {
  var mname = mutant ? mutant.name : "none";
  var replayJson = JSON.stringify(rc);
  var replay = "espdma race --virtual " + board.name + " --mutant " + mname + " --replay '" + replayJson + "'";
  var stepText = f.step >= 0 ? "step " + f.step + " (" + describeStep(rc.program.steps[f.step]) + ")" : "the final checks";
  var lines = [
    // A mutant's failure is the control working (expected); without a mutant it is a real race.
    mutant ? "mutant " + mutant.name + " (" + mutant.description + ") caught on " + board.name + ", as it must be:" : "RACE FAILURE on " + board.name,
    "violated invariant " + f.invariant + ": " + f.title,
    "  at " + stepText + ": " + f.detail,
    "schedule seed: " + rc.schedule + " (adversarial scheduler)",
    "minimal program" + (runIndex !== undefined ? " (shrunk from schedule #" + (runIndex + 1) + ")" : "") + ":",
    describeProgram(rc.program),
    "replay: " + replay,
    "    or: node --import tsx host/race/cli-run.ts --board " + board.name + " --mutant " + mname + " --replay '" + replayJson + "'",
  ];
  return {
    invariant: f.invariant, title: f.title, detail: f.detail, step: f.step,
    board: board.name, mutant: mutant ? mutant.name : null, case: rc, text: lines.join("\n"), replay: replay,
  };
}
