// Set-up as on a fresh machine with only Node: the tests that need an optional engine (duk,
// mujs) skip, saying how to enable them, instead of failing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("without duk and mujs on PATH the ES5 engine tests skip with how to enable them, and pass", { timeout: 120000 }, () => {
  // A PATH holding node alone.
  var bin = mkdtempSync(join(tmpdir(), "espdma-onlynode-"));
  symlinkSync(process.execPath, join(bin, "node"));
  // NODE_TEST_CONTEXT would make the inner runner report to this one instead of stdout.
  var env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete env.NODE_TEST_CONTEXT;
  delete env.JERRY; // nor JerryScript (an optional path from the environment)
  var r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", "test/es5/bundle.test.ts"], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
  for (const [cmd, pkg] of [["duk", "duktape"], ["mujs", "mujs"]]) {
    assert.match(r.stdout, new RegExp("# SKIP " + cmd + " is not installed: install the Debian package " + pkg + " \\(apt-get install " + pkg + ", or run \\.ci/run\\)"));
  }
  assert.match(r.stdout, /# SKIP set JERRY to a JerryScript 2\.4 binary/);
  assert.match(r.stdout, /# skipped 6/);
});
