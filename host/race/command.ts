// `espdma race [--virtual B] [--schedules N] [--mutant-schedules M] [--seed S] [--mutant NAME]
// [--json] [--replay CASE] [--fifo] [--verbose]`: the race search outside the test suite. registerRaceCommand(program)
// adds it to a commander program (host/cli/main.ts wires it in).
import { Option } from "commander";
import type { Command } from "commander";
import { findBoard } from "../../boards/index";
import { runRace, DEFAULT_MUTANT_SCHEDULES } from "./run";
import type { RaceResult } from "./run";
import { mutants } from "./mutants";
import type { RaceCase } from "./program";
import { runNrf52Race, nrf52Mutants } from "./nrf52";

export interface RaceCliOptions {
  /** The virtual board (--virtual; --board is its old, hidden name). */
  board?: string;
  virtual?: string;
  /** Print each mutant's catch in full (the control working), not one line. */
  verbose?: boolean;
  schedules?: string;
  mutantSchedules?: string;
  seed?: string;
  mutant?: string;
  json?: boolean;
  replay?: string;
  shrink?: boolean;
  /** The FIFO program family (F4 boards only). */
  fifo?: boolean;
}

/** A command line the race command refuses (main prints the message; exit code 2). */
export class RaceUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "RaceUsageError";
  }
}

function positive(v: string | undefined, dflt: number, flag: string, what: string): number {
  if (v === undefined) return dflt;
  var n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new RaceUsageError("Bad " + flag + " " + JSON.stringify(v) + ": give a positive integer, the " + what + " (default " + dflt + ").");
  return n;
}

/** --replay's argument: the JSON case a failure report prints, checked for its shape. */
export function parseReplay(text: string): RaceCase {
  var how = " Give the case a failure report printed, in single quotes: --replay '{\"program\":{\"channels\":[...],\"steps\":[...]},\"schedule\":N}'.";
  var c: any;
  try {
    c = JSON.parse(text);
  } catch (e: any) {
    throw new RaceUsageError("Bad --replay: not JSON (" + e.message + ")." + how);
  }
  if (!c || typeof c !== "object" || !Number.isInteger(c.schedule) || !c.program || typeof c.program !== "object" ||
    !Array.isArray(c.program.channels) || !Array.isArray(c.program.steps) ||
    !c.program.steps.every(function (s: any) { return s && typeof s === "object" && typeof s.op === "string"; })) {
    throw new RaceUsageError("Bad --replay: JSON, but not a race case." + how);
  }
  return c as RaceCase;
}

/** Run the race command with parsed options; returns the process exit code (0: no violation
 * on the real stack and every mutant that applies caught; 1 otherwise). Throws a
 * RaceUsageError for a command line it refuses. Output goes to `out` (console.log by default). */
export function raceAction(o: RaceCliOptions, out: (line: string) => void = console.log): number {
  var schedules = positive(o.schedules, 1000, "--schedules", "number of schedules to search on the real stack");
  var mutantSchedules = positive(o.mutantSchedules, DEFAULT_MUTANT_SCHEDULES, "--mutant-schedules", "most schedules a mutant may take to be caught");
  var seed = o.seed === undefined ? 1 : /^\s*-?\d+\s*$/.test(o.seed) ? Number(o.seed) : NaN;
  if (!Number.isSafeInteger(seed)) throw new RaceUsageError("Bad --seed " + JSON.stringify(o.seed) + ": give an integer.");
  var mutant = o.mutant || "all";
  if (mutant !== "all" && mutant !== "none" && !mutants.some(function (m) { return m.name === mutant; }) && !(findBoard(o.board || "pico") || ({} as any)).nrf52) {
    throw new RaceUsageError("Unknown --mutant " + JSON.stringify(mutant) + ": all, none, or one of " + mutants.map(function (m) { return m.name; }).join(", ") + ".");
  }
  var replay = o.replay !== undefined ? parseReplay(o.replay) : undefined;
  var board = o.virtual || o.board || "pico";
  var fb = findBoard(board);
  if (o.fifo && fb && fb.family !== "F4") throw new RaceUsageError("--fifo needs an F4 board (the F1 DMA has no FIFO): pico, wifi or f4discovery.");
  var t0 = Date.now();
  var res: RaceResult;
  var nrf = findBoard(board);
  if (nrf && nrf.nrf52) {
    // The nRF52 boards' own search (EasyDMA peripherals, their mutants): host/race/nrf52.ts.
    if (replay) throw new RaceUsageError("--replay is for the STM32 boards' cases; on " + board + " rerun with the same --seed.");
    if (mutant !== "all" && mutant !== "none" && !nrf52Mutants.some((m) => m.name === mutant)) throw new RaceUsageError("Unknown --mutant " + JSON.stringify(mutant) + " on " + board + ": all, none, or one of " + nrf52Mutants.map((m) => m.name).join(", ") + ".");
    res = runNrf52Race({ board, schedules, mutantSchedules, seed, mutant, log: o.json ? undefined : out });
  } else try {
    res = runRace({
      board: board, schedules: schedules, mutantSchedules: mutantSchedules, seed: seed, mutant: mutant, replay: replay,
      shrink: o.shrink !== false, log: o.json ? undefined : out, logCatch: o.json || !o.verbose ? () => {} : out, fifo: !!o.fifo,
    });
  } catch (e: any) {
    if (/^unknown board/.test(e && e.message)) throw new RaceUsageError("Unknown --virtual " + JSON.stringify(board) + ": pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q or banglejs2.");
    throw e;
  }
  var wall = Date.now() - t0;
  // A mutant that is equivalent on this board (its hazard cannot occur there) is not a miss.
  var missed = res.mutants.filter(function (m) { return !m.caught && !m.equivalent; });
  if (o.json) {
    out(JSON.stringify({ schedules: res.schedules, violations: res.violations, mutants: res.mutants, seed: res.seed }));
  } else if (replay) {
    out("board " + board + ", replay of one case on " + (mutant === "all" || mutant === "none" ? "the real stack" : "mutant " + mutant) + ": " +
      (res.violations ? "violation (see above)" : "no violation") + " (" + (wall / 1000).toFixed(1) + " s)");
  } else {
    // The real stack's search and the mutants' runs are separate results: a violation on the
    // real stack is a bug; a mutant's violation is its catch (the control working).
    out("board " + board + ", seed " + res.seed + ":");
    if (mutant === "all" || mutant === "none") {
      out("  real stack: " + res.schedules + " schedules, " + res.violations + " violation(s)" +
        (res.ms > 0 ? ", " + Math.round((res.schedules * 60000) / res.ms) + " schedules/minute" : ""));
    } else {
      out("  real stack: not searched (--mutant " + mutant + " runs that mutant only)");
    }
    var why = "";
    if (res.mutants.length) out("  mutants (controls: each must be caught; at most " + mutantSchedules + " schedules each):");
    res.mutants.forEach(function (m) {
      out("    " + m.name + ": " + (m.caught ? "caught after " + m.schedules + " schedule(s)" : "NOT caught in " + m.schedules + " schedules") +
        (m.equivalent ? " (equivalent on this board: not expected to be caught, see below)" : ""));
      if (m.equivalent) why = m.equivalent;
    });
    if (why) out("  equivalent mutants: " + why);
    var bad: string[] = [];
    if (res.violations) bad.push(res.violations + " violation(s) on the real stack");
    if (missed.length) bad.push("mutant(s) not caught: " + missed.map(function (m) { return m.name; }).join(", ") + " (try a larger --mutant-schedules)");
    var caught = res.mutants.filter(function (m) { return m.caught; }).length, expected = res.mutants.filter(function (m) { return !m.equivalent; }).length;
    var stack = mutant === "all" || mutant === "none";
    var ok = [stack ? "no violation on the real stack" : ""];
    if (expected) ok.push(caught + " of " + expected + " mutant(s) caught");
    // A mutant run alone that cannot be caught on this board checks nothing: say so, not "0 of 0".
    else if (res.mutants.length) ok.push("mutant " + res.mutants.map(function (m) { return m.name; }).join(", ") + " is equivalent on " + board + ": nothing to catch here (run it on an F4 board)");
    out((bad.length ? "FAILED: " + bad.join("; ") : "OK: " + ok.filter(Boolean).join(", ")) + " (" + (wall / 1000).toFixed(1) + " s)");
    if (!bad.length && !o.verbose && caught) out("  (--verbose shows how each mutant was caught)");
  }
  if (res.violations > 0) return 1;
  return missed.length ? 1 : 0;
}

export function registerRaceCommand(program: Command): Command {
  return program
    .command("race")
    .description("search client programs x DMA schedules on the virtual board for races; broken providers as controls")
    .option("--virtual <board>", "the virtual board: pico (default), wifi, original, f4discovery, puckjs, pixljs, mdbt42q or banglejs2")
    .addOption(new Option("--board <board>").hideHelp())
    .option("--verbose", "print each mutant's catch in full (violated invariant, minimal program, replay)")
    .option("--schedules <n>", "schedules to search on the real stack", "1000")
    .option("--mutant-schedules <n>", "most schedules per mutant (each stops at its first catch)", String(DEFAULT_MUTANT_SCHEDULES))
    .option("--seed <s>", "seed of the search", "1")
    .option("--mutant <name>", "all (default), none, or one of: " + mutants.map(function (m) { return m.name; }).join(", "))
    .option("--json", "print {schedules, violations, mutants, seed} as JSON")
    .option("--replay <case>", "run one case (the JSON a failure prints) instead of searching")
    .option("--no-shrink", "report the first failing case as found")
    .option("--fifo", "the FIFO program family: paced channels pack bytes into words (F4 boards)")
    .action(function (o: RaceCliOptions) {
      var code = raceAction(o);
      if (code) process.exitCode = code;
    });
}
