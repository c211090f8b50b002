// `espdma test / ports / sim` through the code paths a real board takes: node-serialport's
// stream over @serialport/binding-mock (with the virtual board on the far side), and TCP.
// Faults come from the virtual board's injection: a busy port, noise, a reset mid-upload.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVirtualBoard, MockBinding } from "../../host/virtual-board/index";
import { openLink } from "../../host/link/open";
import { portsCommand, scanDevNodes, simCommand, testCommand, flash, flashCommand, hex8, Io } from "../../host/cli/commands";
import { crc32 } from "../../host/link/crc32";
import { readCode } from "../../host/link/code-file";
import { fakeDriver } from "../scenarios/fake-driver";

function capture(): Io & { outText: string[]; errText: string[] } {
  var o: string[] = [], e: string[] = [];
  return { out: (s) => o.push(s), err: (s) => e.push(s), tty: false, outText: o, errText: e };
}

var portNo = 0;
/** A virtual board behind a fresh MockBinding port path. */
function mockBoard(board = "pico"): { vb: ReturnType<typeof createVirtualBoard>; path: string; done(): void } {
  var vb = createVirtualBoard({ board });
  var path = "/dev/ttyACM" + (90 + portNo++);
  var detach = vb.attachMockPort(path);
  return { vb, path, done: () => { detach(); vb.close(); } };
}

describe("espdma test over serialport (MockBinding)", () => {
  test("runs scenarios with the real driver, prints the table, exit 0", async () => {
    var m = mockBoard("pico");
    try {
      var io = capture();
      var code = await testCommand({ port: m.path, binding: MockBinding, scenario: ["memcpy-ok", "terminate-sync-mid"] }, io);
      var out = io.outText.join("\n");
      assert.equal(code, 0, out);
      assert.match(out, /OK: 2 passed, 0 failed on pico/);
      assert.match(io.errText.join("\n"), /uploaded \d+ bytes of driver and agent in/);
    } finally {
      m.done();
    }
  });

  test("--json over serial: one object; a virtual-only scenario is not run on a port", async () => {
    var m = mockBoard("original");
    try {
      var io = capture();
      var code = await testCommand({ port: m.path, binding: MockBinding, scenario: ["idle-no-timers", "error-teif"], json: true, bundle: undefined }, io);
      assert.equal(io.outText.length, 1);
      var o = JSON.parse(io.outText[0]);
      assert.deepEqual(Object.keys(o), ["board", "scenarios", "passed", "failed"]);
      assert.deepEqual(o.scenarios.map((s: any) => s.name), ["idle-no-timers"]);
      assert.deepEqual([o.passed, o.failed, code], [1, 0, 0], io.outText[0]);
    } finally {
      m.done();
    }
  });

  test("a failing scenario (a driver that calls back after terminate) exits 1", async () => {
    var m = mockBoard("pico");
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var bundle = join(dir, "broken.js");
    writeFileSync(bundle, fakeDriver({ broken: true }));
    try {
      var io = capture();
      var code = await testCommand({ port: m.path, binding: MockBinding, scenario: ["terminate-in-callback"], bundle }, io);
      assert.equal(code, 1);
      assert.match(io.outText.join("\n"), /FAIL.*\n?[\s\S]*FAILED: 0 passed, 1 failed/);
    } finally {
      m.done();
    }
  });

  test("a busy port: clear message, nothing run", async () => {
    var m = mockBoard("pico");
    var holder = await openLink({ port: m.path, binding: MockBinding });
    try {
      await assert.rejects(testCommand({ port: m.path, binding: MockBinding, scenario: ["memcpy-ok"] }, capture()),
        (e: any) => e.code === "EBUSY" && e.message.includes(m.path) && /close the other program/.test(e.message));
    } finally {
      await holder.close();
      m.done();
    }
  });

  test("an unknown port: says to check with `espdma ports`", async () => {
    await assert.rejects(testCommand({ port: "/dev/ttyACM-none", binding: MockBinding }, capture()),
      (e: any) => /does not exist|Cannot open/.test(e.message) && e.message.includes("/dev/ttyACM-none"));
  });

  /** Corrupt host->board bytes (bit flips, seeded) from byte `from` to byte `to` of the input. */
  function burst(m: ReturnType<typeof mockBoard>, from: number, to: number, rate: number): void {
    var orig = m.vb.repl.receive.bind(m.vb.repl), seen = 0, on = false;
    (m.vb.repl as any).receive = (d: any) => {
      seen += d.length;
      if (!on && seen > from && seen < to) { on = true; m.vb.repl.setFaults({ corruptIn: rate, seed: 7 }); }
      if (on && seen >= to) { on = false; m.vb.repl.setFaults({}); }
      return orig(d);
    };
  }

  test("a burst of noise during the upload: detected, the board reset, uploaded again, the run passes", async () => {
    var m = mockBoard("pico");
    try {
      burst(m, 300, 20000, 0.002);
      var io = capture();
      var code = await testCommand({ port: m.path, binding: MockBinding, scenario: ["memcpy-ok"], client: { timeoutMs: 500 } }, io);
      // Detected and sent again: the whole upload after a reset, or (driver and agent going
      // through Storage, host/scenarios/runner.ts) the damaged piece.
      assert.match(io.errText.join("\n"), /arrived damaged \(noise\?\): (resetting the board and uploading again|writing it again)/);
      assert.equal(code, 0, io.outText.join("\n"));
    } finally {
      m.done();
    }
  });

  test("noise that does not stop: a clear failure naming noise; --json still prints one object", async () => {
    var m = mockBoard("pico");
    try {
      burst(m, 300, Infinity, 0.002);
      var io = capture();
      await assert.rejects(testCommand({ port: m.path, binding: MockBinding, scenario: ["memcpy-ok"], json: true, client: { timeoutMs: 500, syncAttempts: 2 } }, io),
        (e: any) => /[Nn]oise/.test(e.message));
      var o = JSON.parse(io.outText[0]);
      assert.deepEqual(o.scenarios, []);
      assert.match(o.error, /[Nn]oise/);
    } finally {
      m.done();
    }
  });

  test("a reset in the middle of the upload: ERESET, exit path, bounded", async () => {
    var m = mockBoard("pico");
    try {
      var io = capture();
      var t0 = Date.now();
      // After the prompt, reset() and the board's name (a few hundred bytes) comes the upload.
      m.vb.repl.setFaults({ resetAfterInputBytes: 3000 });
      await assert.rejects(
        testCommand({ port: m.path, binding: MockBinding, scenario: ["memcpy-ok"], client: { timeoutMs: 1000 } }, io),
        (e: any) => e.code === "ERESET" && /reset/.test(e.message) && /retry|again/i.test(e.message),
      );
      assert.ok(Date.now() - t0 < 15000);
    } finally {
      m.done();
    }
  });
});

describe("espdma ports", () => {
  test("lists serialport's ports (MockBinding's list), as text and --json", async () => {
    MockBinding.createPort("/dev/ttyACM7", { manufacturer: "Espruino", vendorId: "0483", productId: "5740" });
    var io = capture();
    assert.equal(await portsCommand({ json: true }, io, { binding: MockBinding }), 0);
    var list = JSON.parse(io.outText[0]);
    var p = list.find((x: any) => x.path === "/dev/ttyACM7");
    assert.deepEqual([p.path, p.manufacturer, p.vendorId, p.productId], ["/dev/ttyACM7", "Espruino", "0483", "5740"]);
    io = capture();
    await portsCommand({}, io, { binding: MockBinding });
    assert.ok(io.outText.some((l) => /^\* \/dev\/ttyACM7\s+0483:5740  Espruino \(STM32 Virtual ComPort\)/.test(l)), io.outText.join("\n"));
  });

  test("a list that fails (no udevadm) falls back to device names, with a warning", async () => {
    var io = capture();
    var fail = async () => { throw new Error("spawn udevadm ENOENT"); };
    assert.equal(await portsCommand({ json: true }, io, { list: fail, scanDev: () => ["/dev/ttyACM0"] }), 0);
    assert.deepEqual(JSON.parse(io.outText[0]).map((p: any) => p.path), ["/dev/ttyACM0"]);
    assert.match(io.errText.join(""), /udevadm/);
  });

  test("scanDevNodes picks serial device names only", () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-dev-"));
    for (const n of ["ttyACM0", "ttyUSB1", "tty0", "null", "rfcomm0"]) writeFileSync(join(dir, n), "");
    mkdirSync(join(dir, "pts"));
    assert.deepEqual(scanDevNodes(dir), [dir + "/rfcomm0", dir + "/ttyACM0", dir + "/ttyUSB1"]);
    assert.deepEqual(scanDevNodes(join(dir, "missing")), []);
  });
});

describe("espdma sim --tcp", () => {
  test("serves a board that espdma test reaches over tcp://", async () => {
    var io = capture();
    var s = await simCommand({ board: "wifi", tcp: "127.0.0.1:0" }, io);
    try {
      assert.match(io.outText[0], /virtual wifi \(one client at a time\) listening on tcp:\/\/127\.0\.0\.1:\d+/);
      var tio = capture();
      var code = await testCommand({ port: "tcp://" + s.host + ":" + s.port, scenario: ["idle-no-timers"], json: true }, tio);
      var o = JSON.parse(tio.outText[0]);
      assert.equal(o.board, "wifi");
      assert.equal(code, o.failed ? 1 : 0);
      assert.equal(o.passed, 1, JSON.stringify(o));
    } finally {
      await s.close();
    }
  });

  test("a port already in use and an unknown board: clear messages", async () => {
    var s = await simCommand({ board: "pico", tcp: "127.0.0.1:0" }, capture());
    try {
      await assert.rejects(simCommand({ board: "pico", tcp: "127.0.0.1:" + s.port }, capture()), /Cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\): pick another port/);
    } finally {
      await s.close();
    }
    await assert.rejects(simCommand({ board: "nano" }, capture()), /Unknown board "nano"/);
    // A seed that is not a number is refused (as test and race do), before listening.
    for (const seed of ["abc", "-1", "1.5", ""]) {
      await assert.rejects(simCommand({ board: "pico", tcp: "127.0.0.1:0", seed }, capture()), /Bad --seed .*non-negative integer/, JSON.stringify(seed));
    }
  });
});

describe("espdma flash over serialport", () => {
  test("flashes a file in chunks, verifies it, reports bytes, time and CRC; it runs at boot", async () => {
    var m = mockBoard("pico");
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var file = join(dir, "drv.js");
    writeFileSync(file, "var espdma = { flashed: 'yes \u00ff' };\n/*" + "z".repeat(5000) + "*/\n", "utf8");
    try {
      var io = capture();
      assert.equal(await flashCommand({ port: m.path, binding: MockBinding, file, chunk: 700 }, io), 0);
      assert.match(io.outText[0], /^flashed \d+ bytes to espdma\.[ab] in \d+\.\d s \(CRC32 [0-9a-f]+ verified\); runs at boot from \.boot0, before your saved code \(\.bootcde, not touched\)$/);
      // Power on: the boot file runs the flashed code (the UTF-8 character arrived as one byte).
      m.vb.runtime.hardReset();
      m.vb.runtime.boot();
      assert.equal(m.vb.eval("espdma.flashed"), "yes \xff");
    } finally {
      m.done();
    }
  });

  test("--board of another kind and an unknown --board are refused before anything is written", async () => {
    var m = mockBoard("pico");
    var files = (m.vb.runtime as any).flash.files as Map<string, Uint8Array>;
    try {
      await assert.rejects(flashCommand({ port: m.path, binding: MockBinding, board: "original" }, capture()), /reports BOARD=PICO_R1_3, not original/);
      await assert.rejects(flashCommand({ port: m.path, binding: MockBinding, board: "nano" }, capture()), /Unknown board "nano"/);
      assert.equal(files.size, 0);
    } finally {
      m.done();
    }
  });
});

describe("flash --port without --board: the bundle for the board that answers", () => {
  for (const [board, want] of [["puckjs", "dist/espdma-nrf52.min.js"], ["pico", "dist/espdma.min.js"]]) {
    test(board + " gets " + want, async () => {
      var m = mockBoard(board);
      var files = (m.vb.runtime as any).flash.files as Map<string, Uint8Array>;
      try {
        var io = capture();
        assert.equal(await flashCommand({ port: m.path, binding: MockBinding }, io), 0, io.errText.join("\n"));
        var slot = /to (espdma\.[ab]) /.exec(io.outText.join("\n"))![1];
        assert.equal(Buffer.from(files.get(slot)!).toString("latin1"), readCode(want));
        assert.equal(/espdma-nrf52/.test(io.outText.join("\n")), board === "puckjs", io.outText.join("\n"));
      } finally {
        m.done();
      }
    });
  }
});

describe("flash: the CRC as printed", () => {
  test("always 8 hex digits, leading zeros kept", async () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-"));
    var file = join(dir, "drv.js");
    // A file whose CRC-32 is below 0x10000000 (one in 16 is): unpadded it prints 7 digits.
    for (var i = 0; ; i++) {
      writeFileSync(file, "var espdma = { n: " + i + " };\n");
      if (crc32(readCode(file)) < 0x10000000) break;
    }
    var m = mockBoard("pico");
    try {
      var io = capture();
      assert.equal(await flashCommand({ port: m.path, binding: MockBinding, file }, io), 0);
      var want = ("0000000" + crc32(readCode(file)).toString(16)).slice(-8);
      assert.match(io.outText[0], new RegExp("\\(CRC32 " + want + " verified\\)"));
      assert.match(want, /^0[0-9a-f]{7}$/);
    } finally {
      m.done();
    }
    assert.equal(hex8(0x8a70fe0), "08a70fe0");
    assert.equal(hex8(0xffffffff), "ffffffff");
  });
});

describe("flash over serialport with noise", () => {
  test("noise during the write never leaves a boot file that runs bad code", async () => {
    var m = mockBoard("pico");
    var files = (m.vb.runtime as any).flash.files as Map<string, Uint8Array>;
    var good = "var espdma = { v: 1 };\n/*" + "g".repeat(2000) + "*/\n";
    var next = "var espdma = { v: 2 };\n/*" + "n".repeat(2000) + "*/\n";
    try {
      await flash({ port: m.path, binding: MockBinding }, good, { chunk: 300 });
      m.vb.repl.setFaults({ corruptIn: 0.003, seed: 3 });
      var err: any = null;
      await flash({ port: m.path, binding: MockBinding, client: { timeoutMs: 500, syncAttempts: 2 } }, next, { chunk: 300, load: false }).catch((e) => (err = e));
      m.vb.repl.setFaults({});
      var boot = Buffer.from(files.get(".boot0")!).toString("latin1");
      var slot = /read\("([^"]+)"\)/.exec(boot)![1];
      var booted = Buffer.from(files.get(slot)!).toString("latin1");
      // Whatever happened, the boot file points at an intact copy of one of the two versions.
      assert.ok(booted === good || booted === next, "the boot file runs a damaged file");
      if (err) {
        assert.equal(booted, good, "a failed flash switched the boot file");
        assert.match(err.message, /Verification failed|Garbled|threw|does not answer|No answer/);
      } else {
        assert.equal(booted, next, "a flash that reported success left the old code booting");
      }
    } finally {
      m.done();
    }
  });
});
