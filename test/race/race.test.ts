// The race search (issue 6): a bounded, deterministic search on pico and original finds no
// violation, every mutant (broken provider or core) is caught, and a failure replays exactly.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runRace } from "../../host/race/run";
import { raceAction } from "../../host/race/command";
import { mutants, F1_STOPS_AT_ONCE } from "../../host/race/mutants";
import { runCase, Executor } from "../../host/race/executor";
import { findBoard } from "../../boards/index";
import type { RaceCase } from "../../host/race/program";

const BOARDS = ["pico", "original"];
const SEARCH = 300;      // schedules on the real stack per board
const BUDGET = 8000;     // most schedules a mutant may take to be caught (mutantSchedules; the default is 20000)
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

// The F1 channel DMA stops a channel the moment EN is written 0 (RM0008 13.4.3; no stop latency
// as on the F4, RM0090 10.3.14), so a synchronize that does not wait, or a core that unpins at
// terminate, lets no late write through there: those mutants are equivalent on original and
// say so; on pico (F4) they are caught.
const F1_EQUIVALENT = ["no-device-sync", "sync-ignores-en", "early-unpin", "sync-callbacks-last"];

describe("mutants are caught", () => {
  for (const board of BOARDS) {
    for (const m of mutants.filter((x) => board !== "original" || !F1_EQUIVALENT.includes(x.name))) {
      test(board + ": " + m.name, () => {
        const r = runRace({ board, mutantSchedules: BUDGET, seed: SEED, mutant: m.name, shrink: false });
        assert.equal(r.mutants.length, 1);
        assert.equal(r.mutants[0].name, m.name);
        assert.ok(r.mutants[0].caught, m.name + " not caught in " + BUDGET + " schedules on " + board);
        assert.ok(r.mutants[0].schedules >= 1 && r.mutants[0].schedules <= BUDGET);
        assert.equal(r.mutants[0].equivalent, undefined);
        assert.equal(r.failures.length, 1);
      });
    }
  }
  test("original: the F1-equivalent mutants are marked so, with the manual's reason", () => {
    for (const name of F1_EQUIVALENT) {
      const m = mutants.find((x) => x.name === name)!;
      assert.equal(m.equivalentOn!("F1"), F1_STOPS_AT_ONCE);
      assert.equal(m.equivalentOn!("F4"), null);
    }
    // A short run reports them as not caught, marked equivalent; the exit code does not count them.
    const lines: string[] = [];
    const code = raceAction({ board: "original", schedules: "30", seed: "3", mutant: "sync-ignores-en", json: true, shrink: false }, (l) => lines.push(l));
    const j = JSON.parse(lines[0]);
    assert.equal(j.mutants[0].caught, false);
    assert.match(j.mutants[0].equivalent, /RM0008 13\.4\.3/);
    // Not expected to be caught, it gets the real-stack count (30), not the mutant budget.
    assert.equal(j.mutants[0].schedules, 30);
    assert.equal(code, 0);
  });
});

// Hand-written cases: each check of the harness fires on the behaviour it is there for.
describe("the checks themselves", () => {
  const pico = findBoard("pico")!;
  const original = findBoard("original")!;

  test("issue 11: synchronize() running a callback that terminates is checked for a confirmed stop", () => {
    const rc: RaceCase = { schedule: 1, program: { channels: ["mem2mem"], steps: [
      { op: "memcpy", ch: 0, len: 1, cb: "terminateAsync" }, { op: "issue", ch: 0 }, { op: "tick" }, { op: "synchronize", ch: 0 },
    ] } };
    assert.equal(runCase(pico, rc, null).failure, null);
    const m = mutants.find((x) => x.name === "sync-callbacks-last")!;
    const r = runCase(pico, rc, m);
    assert.ok(r.failure);
    assert.equal(r.failure!.invariant, "4");
    assert.match(r.failure!.detail, /EN=0 since its stop was asked/);
  });

  test("issue 11: a heap guard down while a submitted buffer is the hardware's is a violation", () => {
    const rc: RaceCase = { schedule: 3, program: { channels: ["mem2mem"], steps: [{ op: "memcpy", ch: 0, len: 8, cb: "none" }, { op: "heap", call: "defrag" }] } };
    assert.equal(runCase(pico, rc, null).failure, null);
    const ex = new Executor(pico, rc, null);
    ex.w.platform.inFlight = () => {}; // a core that never raises the guard
    const r = ex.run();
    assert.ok(r.failure);
    assert.equal(r.failure!.invariant, "heap");
  });

  test("issue 11: timeouts that are not a number >= 0 must be refused, boundaries accepted", () => {
    for (const timeout of ["NaN", "abc", "object", "-1", "Infinity", "0", "5", "none"] as const) {
      const rc: RaceCase = { schedule: 2, program: { channels: ["mem2mem"], steps: [
        { op: "memcpy", ch: 0, len: 40, cb: "none" }, { op: "issue", ch: 0 }, { op: "synchronize", ch: 0, timeout }, { op: "terminateSync", ch: 0, timeout },
      ] } };
      const r = runCase(original, rc, null);
      assert.equal(r.failure, null, timeout + ": " + (r.failure && r.failure.message));
    }
  });

  test("a paced mem2dev transfer puts exactly its bytes out on the port, in order", () => {
    for (const board of [pico, original]) {
      const rc: RaceCase = { schedule: 11, program: { channels: ["mem2dev"], steps: [
        { op: "paced", ch: 0, len: 9, cb: "none" }, { op: "issue", ch: 0 }, { op: "idle", us: 400 }, { op: "idle", us: 400 },
      ] } };
      const r = runCase(board, rc, null);
      assert.equal(r.failure, null, board.name + ": " + (r.failure && r.failure.message));
    }
  });

  test("cyclic rings (both directions) run, pause, resume and stop cleanly", () => {
    for (const board of [pico, original]) {
      for (const kind of ["dev2mem", "mem2dev"] as const) {
        const rc: RaceCase = { schedule: 5, program: { channels: [kind], steps: [
          { op: "cyclic", ch: 0, periods: 3, periodLen: 4, cb: "none" }, { op: "issue", ch: 0 }, { op: "idle", us: 400 },
          { op: "pause", ch: 0 }, { op: "status", ch: 0 }, { op: "resume", ch: 0 }, { op: "idle", us: 300 },
          { op: "stop", ch: 0, split: true, mode: "free" },
        ] } };
        const r = runCase(board, rc, null);
        assert.equal(r.failure, null, board.name + " " + kind + ": " + (r.failure && r.failure.message));
      }
    }
  });

  test("a byte on the port that no descriptor sent is a violation of invariant 7", () => {
    const rc: RaceCase = { schedule: 11, program: { channels: ["mem2dev"], steps: [
      { op: "paced", ch: 0, len: 9, cb: "none" }, { op: "issue", ch: 0 }, { op: "idle", us: 400 },
    ] } };
    const ex = new Executor(pico, rc, null);
    ex.w.odrLog.push(0x01); // as if something had written the port before the transfer
    const r = ex.run();
    assert.ok(r.failure);
    assert.equal(r.failure!.invariant, "7");
    assert.match(r.failure!.detail, /port output/);
  });

  test("a dev2mem transfer that stored anything but consecutive port reads is a violation of invariant 7", () => {
    for (const board of [pico, original]) {
      const rc: RaceCase = { schedule: 4, program: { channels: ["dev2mem"], steps: [
        { op: "paced", ch: 0, len: 6, cb: "none" }, { op: "issue", ch: 0 }, { op: "idle", us: 400 }, { op: "idle", us: 400 },
      ] } };
      assert.equal(runCase(board, rc, null).failure, null);
      const ex = new Executor(board, rc, null);
      for (const port of ex.w.mcu.gpio) port.setInput(0x33); // a port that repeats itself
      const r = ex.run();
      assert.ok(r.failure, board.name);
      assert.equal(r.failure!.invariant, "7");
      assert.match(r.failure!.detail, /not consecutive reads/);
    }
  });

  test("a timer left with nothing in flight is a violation of invariant 6", () => {
    const rc: RaceCase = { schedule: 3, program: { channels: ["mem2mem"], steps: [{ op: "status", ch: 0 }] } };
    assert.equal(runCase(pico, rc, null).failure, null);
    const ex = new Executor(pico, rc, null);
    ex.w.loop.setTimeout(() => {}, 1000);
    const r = ex.run();
    assert.ok(r.failure);
    assert.equal(r.failure!.invariant, "6");
    assert.equal(r.failure!.step, 0);
  });

  test("a wrong call in a callback is refused with EDEADLK and the case still passes", () => {
    const rc: RaceCase = { schedule: 2, program: { channels: ["mem2mem"], steps: [
      { op: "memcpy", ch: 0, len: 8, cb: "synchronize" }, { op: "memcpy", ch: 0, len: 8, cb: "terminateSync" },
      { op: "issue", ch: 0 }, { op: "idle", us: 400 }, { op: "idle", us: 400 },
    ] } };
    const r = runCase(pico, rc, null);
    assert.equal(r.failure, null, r.failure ? r.failure.message : "");
  });
});

describe("failure reports", () => {
  test("a caught mutant is shrunk, printed with invariant, program, seed and replay command, and replays", () => {
    const r = runRace({ board: "pico", mutantSchedules: BUDGET, seed: SEED, mutant: "no-device-sync" });
    assert.equal(r.failures.length, 1);
    const f = r.failures[0];
    assert.match(f.text, /violated invariant [1-8]: /);
    assert.match(f.text, /schedule seed: \d+/);
    assert.match(f.text, /minimal program/);
    assert.ok(f.text.includes(f.replay));
    assert.match(f.replay, /^espdma race --virtual pico --mutant no-device-sync --replay '/);
    // The printed case replays to the same violation, and passes on the real stack.
    const again = runRace({ board: "pico", mutant: "no-device-sync", replay: f.case });
    assert.equal(again.violations, 1);
    assert.equal(again.failures[0].invariant, f.invariant);
    assert.equal(again.failures[0].detail, f.detail);
    const real = runRace({ board: "pico", mutant: "none", replay: f.case });
    assert.equal(real.violations, 0, real.failures.map((x) => x.text).join("\n"));
  });

  test("a single mutant: its catch is its own result; the real stack is reported as not searched", () => {
    const lines: string[] = [];
    const code = raceAction({ board: "pico", seed: "1", mutant: "stale-flags", shrink: false }, (l) => lines.push(l));
    const text = lines.join("\n");
    assert.equal(code, 0, text);
    assert.match(text, /real stack: not searched \(--mutant stale-flags runs that mutant only\)/);
    assert.match(text, /stale-flags: caught after \d+ schedule\(s\)/);
    assert.match(text, /^OK: 1 of 1 mutant\(s\) caught/m);
    assert.doesNotMatch(text, /\bschedules, 1 violation/);
    const j: string[] = [];
    raceAction({ board: "pico", seed: "1", mutant: "stale-flags", shrink: false, json: true }, (l) => j.push(l));
    const o = JSON.parse(j[0]);
    assert.deepEqual([o.schedules, o.violations, o.mutants[0].caught], [0, 0, true]);
  });

  test("mutants have their own budget: --schedules counts the real stack only", () => {
    // early-unpin on pico with seed 19 is first caught after 100 schedules: more than the real
    // stack's 5, so only its own budget (default 20000) can catch it. (Seed 6, caught after
    // 2044, proved the same at ten times the cost.)
    const lines: string[] = [];
    const code = raceAction({ board: "pico", schedules: "5", seed: "19", mutant: "all", shrink: false }, (l) => lines.push(l));
    const text = lines.join("\n");
    assert.equal(code, 0, text);
    assert.match(text, /real stack: 5 schedules, 0 violation\(s\)/);
    assert.match(text, /at most 20000 schedules each/);
    var caught = /early-unpin: caught after (\d+) schedule/.exec(text);
    assert.ok(caught && Number(caught[1]) > 5, "early-unpin caught within the real stack's 5 schedules: " + text);
    // A budget too small for a mutant: exit 1, and the summary says which.
    const few: string[] = [];
    assert.equal(raceAction({ board: "pico", schedules: "5", mutantSchedules: "1", seed: "6", mutant: "early-unpin", shrink: false }, (l) => few.push(l)), 1);
    assert.match(few.join("\n"), /^FAILED: mutant\(s\) not caught: early-unpin/m);
  });

  test("a command line race refuses: a clear message, exit 2 through main()", async () => {
    const bad: [Partial<Record<string, string>>, RegExp][] = [
      [{ schedules: "0" }, /Bad --schedules "0": give a positive integer/],
      [{ schedules: "12abc" }, /Bad --schedules "12abc"/],
      [{ mutantSchedules: "0" }, /Bad --mutant-schedules "0"/],
      [{ seed: "abc" }, /Bad --seed "abc"/],
      [{ replay: "garbage" }, /Bad --replay: not JSON .*single quotes/],
      [{ replay: '{"schedule":1}' }, /Bad --replay: JSON, but not a race case/],
      [{ mutant: "nope" }, /Unknown --mutant "nope"/],
      [{ board: "nano" }, /Unknown --virtual "nano"/],
    ];
    for (const [o, re] of bad) assert.throws(() => raceAction({ ...o, mutant: o.mutant ?? "none" }, () => {}), re, JSON.stringify(o));
    const { main } = await import("../../host/cli/main");
    const { stdio } = await import("../../host/cli/commands");
    const err: string[] = [], e0 = stdio.err;
    stdio.err = (s) => { err.push(s); };
    try {
      assert.equal(await main(["race", "--schedules", "0"]), 2);
      assert.equal(await main(["race", "--replay", "garbage"]), 2);
    } finally {
      stdio.err = e0;
    }
    assert.match(err[0], /^espdma: Bad --schedules "0"/);
    assert.match(err[1], /^espdma: Bad --replay: not JSON/);
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
