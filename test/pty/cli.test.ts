// The commands a user types, as separate processes, against `espdma sim --pty --link NAME`:
// espdma test, flash and repl with --port NAME (serialport's native binding), and Espruino's
// own CLI with -p NAME. The sim runs in real time, as it does for a user.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ptyUnavailable, until } from "./bindings";
import { selectScenarios } from "../../host/scenarios/runner";

const skip = ptyUnavailable() || undefined;
const ROOT = resolve(import.meta.dirname, "../..");
const ESPDMA = join(ROOT, "bin/espdma.js");

function espdma(args: string[], timeout = 90000) {
  return spawnSync(process.execPath, [ESPDMA, ...args], { cwd: ROOT, encoding: "utf8", timeout });
}

describe("the CLI against espdma sim --pty", { skip }, () => {
  var dir = "", link = "", sim: ChildProcess | null = null, simOut = "", simErr = "";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "espdma-cli-pty-"));
    link = join(dir, "ttyESPDMA");
    sim = spawn(process.execPath, [ESPDMA, "sim", "--board", "pico", "--pty", "--link", link], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    sim.stdout!.on("data", (b) => (simOut += b));
    sim.stderr!.on("data", (b) => (simErr += b));
    assert.ok(await until(() => /virtual pico on \/dev\/pts\/\d+/.test(simOut), 20000), "sim --pty did not start: " + simOut + simErr);
  });

  after(async () => {
    if (!sim) return;
    var done = new Promise((r) => sim!.once("exit", r));
    sim.kill("SIGINT");
    await done;
  });

  test("sim --pty prints the pty and the link, and says which commands reach it", () => {
    var m = /virtual pico on (\/dev\/pts\/\d+) \(linked as (\S+)\) \(espdma test --port (\S+), or espruino --no-ble -p (\S+)\)/.exec(simOut);
    assert.ok(m, simOut);
    assert.equal(m![2], link);
    assert.equal(readlinkSync(link), m![1]);
  });

  test("espdma test --port: every scenario that applies to a real board passes, exit 0", () => {
    var r = espdma(["test", "--port", link, "--json"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    var o = JSON.parse(r.stdout);
    var real = selectScenarios().filter((s) => !s.virtualOnly).map((s) => s.name);
    assert.deepEqual(o.scenarios.map((s: any) => s.name), real);
    assert.deepEqual([o.passed, o.failed], [real.length, 0], r.stdout);
  });

  test("espdma flash --port: verified, and the board runs it at boot", () => {
    var r = espdma(["flash", "--port", link, "--board", "pico"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^flashed \d+ bytes to espdma\.[ab] in \d+\.\d s \(CRC32 [0-9a-f]{8} verified\)/);
  });

  test("espdma repl --port: evaluates, Ctrl-C stops busy code, a second opener is refused, Ctrl-] quits", async () => {
    var p = spawn(process.execPath, [ESPDMA, "repl", "--port", link], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    var out = "", err = "";
    p.stdout!.on("data", (b) => (out += b.toString("latin1")));
    p.stderr!.on("data", (b) => (err += b));
    var exited = new Promise<number | null>((r) => p.once("exit", (c) => r(c)));
    try {
      // The greeting goes to stderr when stdout is not a terminal (piped: a script).
      assert.ok(await until(() => /Connected to /.test(out + err), 20000), out + err);
      p.stdin!.write("6*7\r");
      assert.ok(await until(() => /=42/.test(out), 10000), out);
      // The flash above left the driver booting: it is there.
      p.stdin!.write("typeof espdma\r");
      assert.ok(await until(() => /="object"/.test(out), 10000), out);
      p.stdin!.write("while(1){getTime();}\r");
      await new Promise((r) => setTimeout(r, 300));
      var t0 = Date.now();
      p.stdin!.write("\x03");
      assert.ok(await until(() => /Execution Interrupted/.test(out), 5000), "Ctrl-C did not interrupt: " + out);
      assert.ok(Date.now() - t0 < 5000);
      // The port is taken while the repl has it.
      var busy = espdma(["test", "--port", link, "--scenario", "memcpy-ok"]);
      assert.equal(busy.status, 2);
      assert.match(busy.stderr, /is busy .*close the other program using it/);
      p.stdin!.write("\x1d");
      assert.equal(await exited, 0);
    } finally {
      p.kill();
    }
  });

  test("Espruino's own CLI (-p, through serialport) uploads a file and evaluates", () => {
    var file = join(dir, "up.js");
    // Over 512 bytes: the CLI (0.1.67) exits by itself only after such an upload.
    writeFileSync(file, "var answer = 6*7;\nfunction who() { return 'up' + 'loaded'; }\nvar pad = '" + "p".repeat(700) + "';\n");
    var cli = join(ROOT, "node_modules/espruino/bin/espruino-cli.js");
    var r = spawnSync(process.execPath, ["-r", join(ROOT, "scripts/espruino-sees-pty.cjs"), cli, "--no-ble", "-p", link, file, "-e", "print('got', answer, who(), pad.length)"],
      { cwd: dir, encoding: "utf8", timeout: 60000, env: { ...process.env, ESPDMA_PTY: link } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /got 42 uploaded 700/);
  });

  test("the sim saw every host come and go, and removes its link when it stops", async () => {
    assert.match(simErr, /a host opened/);
    assert.match(simErr, /the host closed .* \(hang-up\)/);
    var done = new Promise((r) => sim!.once("exit", r));
    sim!.kill("SIGINT");
    await done;
    sim = null;
    assert.equal(existsSync(link), false);
  });
});

test("sim: --pty with --tcp, and --link without --pty, are refused with a clear message (exit 2)", () => {
  var r = espdma(["sim", "--pty", "--tcp", "127.0.0.1:0"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Give either --pty or --tcp, not both/);
  r = espdma(["sim", "--link", "./ttyX"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--link names the pty: use it with --pty/);
});
