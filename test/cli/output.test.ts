// What the CLI prints, as a user sees it: --version, one name per option, NO_COLOR and the
// terminal width, a compact report by default (--verbose: the table), race's OK run.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { compactReport, tableReport } from "../../host/cli/report";

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  var e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete e[k];
  var r = spawnSync(process.execPath, ["bin/espdma.js", ...args], { encoding: "utf8", timeout: 180000, env: e });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ESC = /\x1b\[/;

describe("espdma output", () => {
  test("--version prints package.json's version", () => {
    var want = JSON.parse(readFileSync("package.json", "utf8")).version;
    for (const a of ["--version", "-V"]) {
      var r = cli([a]);
      assert.equal(r.code, 0);
      assert.equal(r.out.trim(), want);
    }
  });

  test("one name per option: --virtual picks the virtual board and --bundle the file everywhere; the old names still work, hidden", () => {
    var sim = cli(["sim", "--help"]);
    assert.match(sim.out, /--virtual <board>/);
    assert.doesNotMatch(sim.out, /--board/);
    var race = cli(["race", "--help"]);
    assert.match(race.out, /--virtual <board>/);
    assert.doesNotMatch(race.out, /--board/);
    var flash = cli(["flash", "--help"]);
    assert.match(flash.out, /--bundle <file>/);
    assert.doesNotMatch(flash.out, /--file/);
    for (const c of ["test", "flash", "repl"]) assert.match(cli([c, "--help"]).out, /--virtual <board>/, c);
    // The old spellings, as scripts may use them.
    var r = cli(["race", "--board", "original", "--mutant", "stale-flags", "--schedules", "5", "--mutant-schedules", "300"]);
    assert.match(r.out, /^board original,/m, r.err);
    r = cli(["flash", "--virtual", "pico", "--file", "dist/espdma.min.js"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^flashed \d+ bytes/);
  });

  test("default report: one line per scenario and the summary, no colour without a terminal", () => {
    var r = cli(["test", "--scenario", "memcpy-ok,channel-reuse,idle-no-timers"]);
    assert.equal(r.code, 0, r.err);
    var lines = r.out.trimEnd().split("\n");
    assert.equal(lines.length, 4, r.out);
    assert.match(lines[0], /^PASS memcpy-ok +\d+ ms  \d+ checks$/);
    assert.match(lines[3], /^OK: 3 passed, 0 failed on pico$/);
    assert.doesNotMatch(r.out + r.err, ESC);
  });

  test("--verbose: the table fits the terminal width (COLUMNS); NO_COLOR wins over FORCE_COLOR", () => {
    for (const cols of [80, 100]) {
      var r = cli(["test", "--scenario", "memcpy-ok,sync-in-callback", "--verbose"], { COLUMNS: String(cols), FORCE_COLOR: undefined, NO_COLOR: undefined });
      assert.equal(r.code, 0, r.err);
      var widest = Math.max(...r.out.split("\n").map((l) => l.length));
      assert.ok(widest <= cols, "a line of " + widest + " characters in " + cols + " columns");
      assert.ok(widest >= cols - 2, "the table does not use the width: " + widest + " of " + cols);
      assert.match(r.out, /invariant|check/);
    }
    var colored = cli(["test", "--scenario", "memcpy-ok"], { FORCE_COLOR: "1", NO_COLOR: undefined });
    assert.match(colored.out, ESC, "FORCE_COLOR gave no colour: the NO_COLOR check below would prove nothing");
    var plain = cli(["test", "--scenario", "memcpy-ok"], { FORCE_COLOR: "1", NO_COLOR: "1" });
    assert.equal(plain.code, 0);
    assert.doesNotMatch(plain.out + plain.err, ESC);
  });

  test("race: an OK run prints mutant catches as one line each (details with --verbose), and no \"0 of 0\"", () => {
    var r = cli(["race", "--virtual", "original", "--schedules", "20", "--mutant-schedules", "400"]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.doesNotMatch(r.out, /violated invariant|RACE FAILURE|minimal program/);
    assert.match(r.out, /stale-flags: caught after \d+ schedule/);
    assert.match(r.out, /^OK: no violation on the real stack, \d+ of \d+ mutant\(s\) caught/m);
    var v = cli(["race", "--virtual", "original", "--schedules", "20", "--mutant-schedules", "400", "--verbose"]);
    assert.match(v.out, /mutant stale-flags .* caught on original, as it must be:\nviolated invariant/);
    // A mutant that cannot be caught on this board, run alone.
    var eq = cli(["race", "--virtual", "original", "--mutant", "no-device-sync", "--schedules", "5"]);
    assert.equal(eq.code, 0, eq.out + eq.err);
    assert.doesNotMatch(eq.out, /0 of 0/);
    assert.match(eq.out, /OK: mutant no-device-sync is equivalent on original: nothing to catch here/);
  });
});

describe("report text", () => {
  var report: any = {
    board: "pico", passed: 1, failed: 1, skipped: [],
    scenarios: [
      { name: "memcpy-ok", title: "", passed: true, ms: 12, invariants: [{ id: 3, name: "exact bytes", passed: true }] },
      { name: "terminate-sync-mid", title: "", passed: false, ms: 30, invariants: [{ id: 1, name: "no callback after synchronize", passed: true }, { id: 4, name: "EN cleared", passed: false, detail: "EN=1 after synchronize" }] },
    ],
  };
  test("compact: a line per scenario, the failed invariant with its detail under its scenario", () => {
    var lines = compactReport(report, { color: false }).split("\n");
    assert.deepEqual(lines, [
      "PASS memcpy-ok             12 ms  1 check",
      "FAIL terminate-sync-mid    30 ms  2 checks, 1 failed",
      "     invariant 4: EN cleared: EN=1 after synchronize",
      "FAILED: 1 passed, 1 failed on pico",
    ]);
  });
  test("table: fits 80 columns, and 60 at least", () => {
    for (const cols of [40, 80, 132]) {
      var w = Math.max(...tableReport(report, { color: false, columns: cols }).split("\n").map((l) => l.length));
      assert.ok(w <= Math.max(60, cols), cols + ": " + w);
    }
  });
});
