// The `espdma` command as a user runs it: exit codes, messages, the --json shape.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boardsCommand, checkWritable, portsCommand, testCommand, stdio, Io } from "../../host/cli/commands";
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
    assert.deepEqual(list.map((b: any) => b.name), ["pico", "wifi", "original", "f4discovery", "puckjs", "pixljs", "mdbt42q", "banglejs2"]);
  });

  test("ports: a failing list (no udevadm) and no serial devices: the empty listing, exit 0, the warning on stderr only", async () => {
    var fail = async () => { throw new Error("spawn udevadm ENOENT"); };
    var io = capture();
    assert.equal(await portsCommand({}, io, { list: fail, scanDev: () => [] }), 0);
    assert.deepEqual(io.outText, ["no serial ports found (is the board plugged in? An Espruino shows up as /dev/ttyACM0 on Linux)"]);
    assert.match(io.errText.join("\n"), /cannot get port details \(spawn udevadm ENOENT\)\. On Linux the list needs udevadm/);
    io = capture();
    assert.equal(await portsCommand({ json: true }, io, { list: fail, scanDev: () => [] }), 0);
    assert.deepEqual(io.outText, ["[]"]);
    assert.match(io.errText.join("\n"), /udevadm/);
    io = capture();
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
    assert.match(o.error, /does not load on the virtual pico \(Uncaught Error: boom at load\)/);
    assert.match(r.err, /boom at load/);
  });

  test("--json when the run cannot start (bad board, scenario, option, unwritable --junit): one object with the reason, exit 2", async () => {
    // main() prints through stdio: capture it for the duration.
    async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
      var out: string[] = [], err: string[] = [], o = stdio.out, e = stdio.err;
      var w = process.stderr.write;
      stdio.out = (s) => { out.push(s); };
      stdio.err = (s) => { err.push(s); };
      (process.stderr as any).write = (s: any) => { err.push(String(s)); return true; }; // commander's own messages
      try {
        return { code: await main(args), out, err };
      } finally {
        stdio.out = o; stdio.err = e; (process.stderr as any).write = w;
      }
    }
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var cases: [string[], RegExp, string][] = [
      [["test", "--json", "--virtual", "nano"], /Unknown board "nano"/, "nano"],
      [["test", "--scenario", "no-such", "--json"], /Unknown scenario "no-such"/, "pico"],
      [["test", "--json", "--scenario", "memcpy-ok", "--junit", join(dir, "no-dir", "j.xml")], /Cannot write --junit .*no-dir.*ENOENT/, "pico"],
      [["test", "--json", "--scenario", "memcpy-ok", "--junit", dir], /Cannot write --junit .*EISDIR/, "pico"],
      [["test", "--virtual", "wifi", "--json", "--frobnicate"], /unknown option '--frobnicate'/, "wifi"],
      [["test", "--json", "--seed"], /argument missing/, "pico"],
    ];
    for (const [args, re, board] of cases) {
      var r = await run(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.out.length, 1, args.join(" ") + ": " + r.out.join("\n"));
      var o = JSON.parse(r.out[0]);
      assert.deepEqual(Object.keys(o), ["board", "scenarios", "passed", "failed", "error"]);
      assert.deepEqual([o.board, o.scenarios, o.passed, o.failed], [board, [], 0, 0]);
      assert.match(o.error, re);
      assert.match(r.err.join("\n"), re, "the reason is on stderr too");
    }
    // Without --json the same usage error prints nothing on stdout.
    var plain = await run(["test", "--frobnicate"]);
    assert.deepEqual([plain.code, plain.out], [2, []]);
  });

  test("an unwritable --junit path is refused before the suite runs", async () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var io = capture();
    await assert.rejects(testCommand({ virtual: "pico", scenario: ["memcpy-ok"], junit: dir }, io), /Cannot write --junit/);
    assert.deepEqual(io.errText, [], "no scenario started");
    // A writable path that did not exist is not left behind by the check.
    var path = join(dir, "j.xml");
    checkWritable(path, "--junit");
    assert.equal(existsSync(path), false);
    writeFileSync(path, "kept");
    checkWritable(path, "--junit");
    assert.equal(readFileSync(path, "utf8"), "kept");
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

  test("testCommand --verbose prints a table with one row per check", async () => {
    var io = capture();
    var code = await testCommand({ virtual: "pico", scenario: ["idle-no-timers"], verbose: true }, io);
    var table = io.outText.join("\n");
    assert.match(table, /idle-no-timers/);
    assert.match(table, /no timer while idle/);
    assert.match(table, /(OK|FAILED): \d+ passed, \d+ failed on pico/);
    assert.equal(code, /FAILED/.test(table) ? 1 : 0);
  });
});

describe("library entry points", () => {
  test("createMcu({ board }) from host/virtual-board/index: the MCU models alone, by name or BoardDef", async () => {
    var vbi = await import("../../host/virtual-board/index");
    assert.equal(typeof vbi.createMcu, "function");
    var mcu = vbi.createMcu({ board: "pico", seed: 3 });
    assert.equal(mcu.board.name, "pico");
    var { findBoard } = await import("../../boards/index");
    assert.equal(vbi.createMcu({ board: findBoard("original")! }).board.name, "original");
    assert.throws(() => vbi.createMcu({ board: "nano" }), /Unknown board "nano"/);
  });
});
