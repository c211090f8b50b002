// A stale dist/: after a firmware or board source edit, `test` and `flash` rebuild the bundle
// before using it, and say so; with dist/ up to date they do not. One real rebuild (through
// `test`); flash's check is shown by a copy without rollup, the sources by staleReason().
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, readFileSync, writeFileSync } from "node:fs";
import { staleReason } from "../../host/scenarios/bundle";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A copy of the project (sources and dist/, node_modules linked) to edit without touching
 * the worktree the other tests run in. */
function projectCopy(): string {
  var dir = mkdtempSync(join(tmpdir(), "espdma-stale-"));
  for (const p of ["bin", "boards", "dist", "firmware", "host", "scripts", "package.json", "rollup.config.js", "tsconfig.json", "tsconfig.firmware.json"]) cpSync(p, join(dir, p), { recursive: true });
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Every source and bundle an hour old: what a checkout looks like before an edit. */
function ageDist(dir: string): void {
  var old = new Date(Date.now() - 3600000);
  for (const sub of ["dist", "firmware", "boards"]) visit(join(dir, sub));
  for (const f of ["rollup.config.js", "tsconfig.firmware.json"]) utimesSync(join(dir, f), old, old);
  function visit(p: string): void {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
    else utimesSync(p, old, old);
  }
}

function run(dir: string, args: string[]) {
  var r = spawnSync(process.execPath, ["bin/espdma.js", ...args], { cwd: dir, encoding: "utf8", timeout: 180000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("test rebuilds dist/ when a firmware source is newer, and says so; flash checks too, and stops without rollup", { timeout: 300000 }, () => {
  var dir = projectCopy();
  var min = join(dir, "dist", "espdma.min.js");
  // An edit of the firmware: the source is newer than every bundle.
  var src = join(dir, "firmware", "index.ts");
  ageDist(dir);
  writeFileSync(src, readFileSync(src, "utf8") + "\n// edited\n");
  var edited = statSync(src).mtimeMs;
  var r = run(dir, ["test", "--scenario", "memcpy-ok"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /dist\/ is older than firmware\/index\.ts: building \(npm run build\)\.\.\./);
  assert.ok(statSync(min).mtimeMs >= edited, "dist/espdma.min.js was not rebuilt");
  // Up to date now: no rebuild, no message.
  r = run(dir, ["test", "--scenario", "memcpy-ok"]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /building/);
  // A board file edit, then flash: flash checks too, and names the board file. A second full
  // build would cost 10 s of CPU to prove the same ensureBuilt() again, so this copy has no
  // rollup: flash must stop with the reason and what to do, and not flash the stale bundle.
  var board = join(dir, "boards", "pico.ts");
  ageDist(dir);
  var now = new Date();
  utimesSync(board, now, now);
  withoutRollup(dir);
  r = run(dir, ["flash", "--virtual", "pico"]);
  assert.equal(r.code, 2, r.out + r.err); // could not run (README: exit codes)
  assert.match(r.err, /dist\/ is older than boards\/pico\.ts, and rollup \(a devDependency\) is not installed: run `npm install`, then `npm run build`/);
  assert.doesNotMatch(r.out, /flashed/);
});

test("staleReason: dist/ is stale after an edit in boards/ or of the build config, and names the file", () => {
  var dir = mkdtempSync(join(tmpdir(), "espdma-stale-"));
  for (const p of ["boards", "dist", "firmware", "rollup.config.js", "tsconfig.firmware.json"]) cpSync(p, join(dir, p), { recursive: true });
  for (const edited of ["boards/pico.ts", "rollup.config.js", "tsconfig.firmware.json", "firmware/dmaengine/channel.ts"]) {
    ageDist(dir);
    assert.equal(staleReason(dir), null, "all aged: up to date");
    var now = new Date();
    utimesSync(join(dir, edited), now, now);
    assert.equal(staleReason(dir), "dist/ is older than " + edited);
  }
  rmSync(join(dir, "dist", "espdma-agent.min.js"));
  assert.equal(staleReason(dir), "dist/espdma-agent.min.js missing");
});

/** node_modules as links to every package but rollup. */
function withoutRollup(dir: string): void {
  var nm = join(dir, "node_modules");
  rmSync(nm);
  mkdirSync(nm);
  for (const n of readdirSync(join(process.cwd(), "node_modules"))) if (n !== "rollup") symlinkSync(join(process.cwd(), "node_modules", n), join(nm, n));
}
