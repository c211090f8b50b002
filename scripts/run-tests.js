// `npm test`: builds the firmware bundle, checks it (scripts/check-bundle.ts), then runs every test/**/*.test.ts with Node's own
// test runner and the tsx loader. Extra arguments are passed on (e.g. a file to run alone).
import { spawn, spawnSync } from "node:child_process";
import { builtHostIsFresh } from "../bin/host-fresh.js";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { availableParallelism } from "node:os";

function find(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** Run a command, output passed through; resolves with its exit code. */
function run(cmd, cmdArgs) {
  return new Promise((done) => spawn(cmd, cmdArgs, { stdio: "inherit" }).on("close", (code) => done(code ?? 1)));
}

// The firmware bundles, and (side by side, on the other core) the compiled host the tests'
// `espdma` commands run when it is fresh (bin/espdma.js: a third of tsx's start-up cost). The
// host build type-checks the host too (rollup.host.config.js: noEmitOnError).
const [built, hostBuilt] = await Promise.all([run("npm", ["run", "-s", "build"]), builtHostIsFresh() ? 0 : run("npm", ["run", "-s", "build:host"])]);
if (built !== 0) process.exit(built);
if (hostBuilt !== 0) {
  console.error("npm test: the host does not compile (npm run build:host, above)");
  process.exit(hostBuilt);
}

// The Espruino gate on what was just built (every dist/*.js): a bundle with a name used before
// its declaration, or an early Modules.addCached, fails here with file:line:column.
const check = spawnSync(process.execPath, ["--import", "tsx", "scripts/check-bundle.ts"], { stdio: "inherit" });
if (check.status !== 0) {
  console.error("npm test: the built bundles fail the Espruino check above (scripts/check-bundle.ts)");
  process.exit(1);
}

// Files run side by side. Node 20 runs one file at a time where it has two cores (its default is
// one fewer than the cores); many files here mostly wait (a pseudo-terminal, a child CLI, a real
// interpreter), so one more than the cores keeps both busy. ESPDMA_TEST_CONCURRENCY overrides.
const concurrency = Number(process.env.ESPDMA_TEST_CONCURRENCY) || availableParallelism() + 1;
const args = process.argv.slice(2);
// The longest files first, so the run does not end waiting on one of them alone: measured
// 2026-12-02, each file alone (wall seconds, 2 cores: the browser tests 17 and 14, serial 11
// (mostly waiting), repl 9, stale 7, race 6.5, output 5.6, pty CLI 4.6, diagnose 4.1, cli 3.4);
// the rest keep their order.
const FIRST = ["test/web/page.test.ts", "test/web/transports-page.test.ts", "test/cli/serial.test.ts", "test/cli/repl.test.ts",
  "test/cli/stale.test.ts", "test/race/race.test.ts", "test/cli/output.test.ts", "test/pty/cli.test.ts", "test/cli/diagnose.test.ts", "test/cli/cli.test.ts"];
const rank = (f) => { var i = FIRST.indexOf(f.split("\\").join("/")); return i < 0 ? FIRST.length : i; };
const files = args.some((a) => a.endsWith(".ts")) ? [] : find("test", []).sort((a, b) => rank(a) - rank(b));

// Each test file is a process of its own, and each costs about 0.3 s of CPU before its first
// test (Node, the tsx loader and its hooks thread; measured 2026-12-02). The files of these
// folders only compute (no child process, pseudo-terminal, browser, socket or wall-clock
// wait, and every global they replace is put back): they run in one process per folder, each
// file imported in turn, so their tests run in file order as they would alone. A failure's
// location still names its own file. ESPDMA_TEST_ISOLATE=1 runs every file alone.
const TOGETHER = ["test/core/", "test/drivers/", "test/virtual-board/models/", "test/virtual-board/runtime/", "test/virtual-board/repl/", "test/nrf52/", "test/scenarios/", "test/link/", "test/web/"];
// Alone: the browser tests (long; they start first), files with sockets or real time, and
// platform.test.ts (heap-guard.ts installs its wrappers once per process, as once per board).
const SEPARATE = new Set(["test/core/platform.test.ts", "test/web/page.test.ts", "test/web/transports-page.test.ts", "test/web/core.test.ts", "test/scenarios/faults.test.ts", "test/link/protocol.test.ts", "test/link/repl-client.test.ts", "test/virtual-board/repl/transports.test.ts"]);
var torun = files;
if (files.length && !process.env.ESPDMA_TEST_ISOLATE) {
  var dir = mkdtempSync(join(tmpdir(), "espdma-tests-")), groups = new Map();
  torun = [];
  for (const f of files) {
    var posix = f.split("\\").join("/"), folder = TOGETHER.find((d) => posix.startsWith(d));
    if (!folder || SEPARATE.has(posix)) { torun.push(f); continue; }
    if (!groups.has(folder)) groups.set(folder, []);
    groups.get(folder).push(f);
  }
  for (const [folder, list] of groups) {
    var entry = join(dir, folder.replace(/\/$/, "").split("/").join("-") + ".test.mjs");
    writeFileSync(entry, "// " + folder + ": " + list.length + " files in one process (scripts/run-tests.js)\n" + list.map((f) => "await import(" + JSON.stringify(pathToFileURL(resolve(f)).href) + ");\n").join(""));
    torun.push(entry);
  }
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=" + concurrency, ...args, ...torun], { stdio: "inherit" });
process.exit(r.status ?? 1);
