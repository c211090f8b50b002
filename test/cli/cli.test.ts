// The `espdma` command as a user runs it: exit codes, messages, the --json shape.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boardsCommand, portsCommand, testCommand, Io } from "../../host/cli/commands";
import { main } from "../../host/cli/main";

function cli(args: string[]): { code: number | null; out: string; err: string } {
  var r = spawnSync(process.execPath, ["bin/espdma.js", ...args], { encoding: "utf8", timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function capture(): Io & { outText: string[]; errText: string[] } {
  var o: string[] = [], e: string[] = [];
  return { out: (s) => o.push(s), err: (s) => e.push(s), tty: false, outText: o, errText: e };
}

describe("espdma command", () => {
  test("--help for every subcommand", () => {
    for (const c of ["test", "flash", "repl", "sim", "boards", "ports"]) {
      var r = cli([c, "--help"]);
      assert.equal(r.code, 0, c);
      assert.match(r.out, new RegExp("Usage: espdma " + c));
    }
  });

  test("unknown board, scenario, subcommand, conflicting options: message and exit 2", () => {
    var r = cli(["test", "--virtual", "nano"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown board "nano".*pico/);
    r = cli(["test", "--scenario", "no-such"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown scenario "no-such"/);
    r = cli(["frobnicate"]);
    assert.equal(r.code, 2);
    r = cli(["test", "--port", "/dev/x", "--virtual", "pico"]);
    assert.equal(r.code, 2);
  });

  test("unknown serial port: a clear message, exit 2, no hang", () => {
    var r = cli(["test", "--port", "/dev/espdma-no-such-port"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /\/dev\/espdma-no-such-port/);
  });

  test("boards --json lists every board", () => {
    var io = capture();
    assert.equal(boardsCommand({ json: true }, io), 0);
    var list = JSON.parse(io.outText.join(""));
    assert.deepEqual(list.map((b: any) => b.name), ["pico", "wifi", "original", "f4discovery"]);
  });

  test("ports: a failing list is a clear message, not a stack trace", async () => {
    await assert.rejects(portsCommand({}, capture(), async () => { throw new Error("spawn udevadm ENOENT"); }), /udevadm.*--port \/dev\/ttyACM0/s);
    var io = capture();
    assert.equal(await portsCommand({ json: true }, io, async () => [{ path: "/dev/ttyACM0", manufacturer: "Espruino" }]), 0);
    assert.equal(JSON.parse(io.outText[0])[0].path, "/dev/ttyACM0");
  });

  test("test --json prints exactly one object of the documented shape; exit code follows it", () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var r = cli(["test", "--virtual", "wifi", "--scenario", "idle-no-timers", "--json", "--junit", join(dir, "j.xml")]);
    var o = JSON.parse(r.out);
    assert.deepEqual(Object.keys(o), ["board", "scenarios", "passed", "failed"]);
    assert.equal(o.board, "wifi");
    assert.equal(o.scenarios.length, 1);
    var s = o.scenarios[0];
    assert.equal(s.name, "idle-no-timers");
    assert.equal(typeof s.passed, "boolean");
    assert.equal(typeof s.ms, "number");
    assert.ok(Array.isArray(s.invariants) && s.invariants.some((c: any) => c.id === 6));
    assert.equal(o.passed + o.failed, 1);
    assert.equal(r.code, o.failed ? 1 : 0);
    assert.match(readFileSync(join(dir, "j.xml"), "utf8"), /<testsuite name="wifi.idle-no-timers"/);
  });

  test("--json when the run cannot go on: still one object, with the reason; exit 2", () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var bad = join(dir, "bad.js");
    writeFileSync(bad, "throw new Error('boom at load');\n");
    var r = cli(["test", "--scenario", "memcpy-ok", "--bundle", bad, "--json"]);
    assert.equal(r.code, 2);
    var o = JSON.parse(r.out);
    assert.deepEqual(Object.keys(o), ["board", "scenarios", "passed", "failed", "error"]);
    assert.match(o.error, /failed to load \(Uncaught Error: boom at load\)/);
    assert.match(r.err, /boom at load/);
  });

  test("a board that does not answer (TCP, muted): testCommand fails clearly, bounded", async () => {
    var { serveTcp } = await import("../../host/virtual-board/index");
    var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    s.board.repl.setFaults({ mute: true });
    try {
      await assert.rejects(
        testCommand({ port: "tcp://127.0.0.1:" + s.address.port, client: { timeoutMs: 200, syncAttempts: 2 } }, capture()),
        (e: any) => e.code === "ENOANSWER" && /does not answer/.test(e.message),
      );
    } finally {
      await s.close();
    }
  });

  test("main() returns 2 for a bad --seed without running anything", async () => {
    assert.equal(await main(["test", "--seed", "-4"]), 2);
  });

  test("testCommand prints a table with one row per check", async () => {
    var io = capture();
    var code = await testCommand({ virtual: "pico", scenario: ["idle-no-timers"] }, io);
    var table = io.outText.join("\n");
    assert.match(table, /idle-no-timers/);
    assert.match(table, /no timer while idle/);
    assert.match(table, /(OK|FAILED): \d+ passed, \d+ failed on pico/);
    assert.equal(code, /FAILED/.test(table) ? 1 : 0);
  });
});
