// `espdma race [--board B] [--schedules N] [--seed S] [--mutant NAME] [--json] [--replay CASE]`:
// the race search outside the test suite. registerRaceCommand(program) adds it to a commander
// program (host/cli/main.ts wires it in).
import type { Command } from "commander";
import { runRace } from "./run";
import type { RaceResult } from "./run";
import { mutants } from "./mutants";

export interface RaceCliOptions {
  board?: string;
  schedules?: string;
  seed?: string;
  mutant?: string;
  json?: boolean;
  replay?: string;
  shrink?: boolean;
}

/** Run the race command with parsed options; returns the process exit code (0: no violation
 * and every mutant caught). Output goes to `out` (console.log by default). */
export function raceAction(o: RaceCliOptions, out: (line: string) => void = console.log): number {
  var schedules = o.schedules === undefined ? 1000 : parseInt(o.schedules, 10);
  var seed = o.seed === undefined ? 1 : parseInt(o.seed, 10);
  if (!(schedules >= 0) || !isFinite(seed)) throw new Error("--schedules and --seed take integers");
  var replay = o.replay ? JSON.parse(o.replay) : undefined;
  var t0 = Date.now();
  var res: RaceResult = runRace({
    board: o.board || "pico", schedules: schedules, seed: seed, mutant: o.mutant, replay: replay,
    shrink: o.shrink !== false, log: o.json ? undefined : out,
  });
  var wall = Date.now() - t0;
  if (o.json) {
    out(JSON.stringify({ schedules: res.schedules, violations: res.violations, mutants: res.mutants, seed: res.seed }));
  } else {
    out("board " + (o.board || "pico") + ", seed " + res.seed + ": " + res.schedules + " schedules, " + res.violations + " violation(s)" +
      (res.ms > 0 ? ", " + Math.round((res.schedules * 60000) / res.ms) + " schedules/minute" : ""));
    var why = "";
    res.mutants.forEach(function (m) {
      out("  mutant " + m.name + ": " + (m.caught ? "caught after " + m.schedules + " schedule(s)" : "NOT caught in " + m.schedules + " schedules") +
        (m.equivalent ? " (equivalent on this board: not expected to be caught, see below)" : ""));
      if (m.equivalent) why = m.equivalent;
    });
    if (why) out("  equivalent mutants: " + why);
    out("(" + (wall / 1000).toFixed(1) + " s)");
  }
  // A mutant that is equivalent on this board (its hazard cannot occur there) is not a miss.
  var missed = res.mutants.some(function (m) { return !m.caught && !m.equivalent; });
  var mutantAsked = o.mutant && o.mutant !== "all" && o.mutant !== "none";
  if (mutantAsked && !replay) return missed ? 1 : 0;
  if (res.violations > 0) return 1;
  return missed ? 1 : 0;
}

export function registerRaceCommand(program: Command): Command {
  return program
    .command("race")
    .description("search client programs x DMA schedules on the virtual board for races; broken providers as controls")
    .option("--board <board>", "pico, wifi, original or f4discovery", "pico")
    .option("--schedules <n>", "schedules to search (and at most this many per mutant)", "1000")
    .option("--seed <s>", "seed of the search", "1")
    .option("--mutant <name>", "all (default), none, or one of: " + mutants.map(function (m) { return m.name; }).join(", "))
    .option("--json", "print {schedules, violations, mutants, seed} as JSON")
    .option("--replay <case>", "run one case (the JSON a failure prints) instead of searching")
    .option("--no-shrink", "report the first failing case as found")
    .action(function (o: RaceCliOptions) {
      var code = raceAction(o);
      if (code) process.exitCode = code;
    });
}
