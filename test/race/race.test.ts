// The race search (issue 6): a bounded, deterministic search on pico and original finds no
// violation, every mutant (broken provider or core) is caught, and a failure replays exactly.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runRace } from "../../host/race/run";
import { raceAction } from "../../host/race/command";
import { mutants } from "../../host/race/mutants";

const BOARDS = ["pico", "original"];
const SEARCH = 300;      // schedules on the real stack per board
const BUDGET = 4000;     // most schedules a mutant may take to be caught
const SEED = 20261124;

describe("race search on the real stack", () => {
  for (const board of BOARDS) {
    test(board + ": " + SEARCH + " schedules, no violation", () => {
      const r = runRace({ board, schedules: SEARCH, seed: SEED, mutant: "none" });
      assert.equal(r.schedules, SEARCH);
      assert.equal(r.violations, 0, r.failures.map((f) => f.text).join("\n\n"));
      assert.deepEqual(r.mutants, []);
    });
  }
});

// The F1 channel model stops a channel the moment EN is cleared (RM0008 13.3: no "finish the
// current item" stop latency as on the F4, RM0090 10.3.14), so a synchronize that does not wait
// cannot let a late write through there: those three mutants are equivalent on original.
const F1_EQUIVALENT = ["no-device-sync", "sync-ignores-en", "early-unpin"];

describe("mutants are caught", () => {
  for (const board of BOARDS) {
    for (const m of mutants.filter((x) => board !== "original" || !F1_EQUIVALENT.includes(x.name))) {
      test(board + ": " + m.name, () => {
        const r = runRace({ board, schedules: BUDGET, seed: SEED, mutant: m.name, shrink: false });
        assert.equal(r.mutants.length, 1);
        assert.equal(r.mutants[0].name, m.name);
        assert.ok(r.mutants[0].caught, m.name + " not caught in " + BUDGET + " schedules on " + board);
        assert.ok(r.mutants[0].schedules >= 1 && r.mutants[0].schedules <= BUDGET);
        assert.equal(r.failures.length, 1);
      });
    }
  }
});

describe("failure reports", () => {
  test("a caught mutant is shrunk, printed with invariant, program, seed and replay command, and replays", () => {
    const r = runRace({ board: "pico", schedules: BUDGET, seed: SEED, mutant: "no-device-sync" });
    assert.equal(r.failures.length, 1);
    const f = r.failures[0];
    assert.match(f.text, /violated invariant [1-8]: /);
    assert.match(f.text, /schedule seed: \d+/);
    assert.match(f.text, /minimal program/);
    assert.ok(f.text.includes(f.replay));
    assert.match(f.replay, /^espdma race --board pico --mutant no-device-sync --replay '/);
    // The printed case replays to the same violation, and passes on the real stack.
    const again = runRace({ board: "pico", mutant: "no-device-sync", replay: f.case });
    assert.equal(again.violations, 1);
    assert.equal(again.failures[0].invariant, f.invariant);
    assert.equal(again.failures[0].detail, f.detail);
    const real = runRace({ board: "pico", mutant: "none", replay: f.case });
    assert.equal(real.violations, 0, real.failures.map((x) => x.text).join("\n"));
  });

  test("--json prints exactly schedules, violations, mutants and seed", () => {
    const lines: string[] = [];
    const code = raceAction({ board: "original", schedules: "40", seed: "7", mutant: "stale-flags", json: true, shrink: false }, (l) => lines.push(l));
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(j), ["schedules", "violations", "mutants", "seed"]);
    assert.equal(j.seed, 7);
    assert.equal(j.mutants.length, 1);
    assert.deepEqual(Object.keys(j.mutants[0]), ["name", "caught", "schedules"]);
    assert.equal(code, j.mutants[0].caught ? 0 : 1);
  });
});
