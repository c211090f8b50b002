// espdma flash against the virtual board: chunks, CRC verification, boot switch, and a reset in
// the middle never leaves a half-written file that boots.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { flash, SLOTS, bootCode } from "../../host/cli/commands";

function code(v: number): string {
  return "var espdma = { v: " + v + ", dump: function () { return 'x'; } };\n/*" + "p".repeat(3000) + "*/\n";
}

/** A power-on: fresh interpreter, then the boot code (Repl.powerCycle does not run it). */
function powerOn(vb: any): void {
  vb.runtime.hardReset();
  vb.runtime.boot();
}

function files(vb: any): Map<string, Uint8Array> {
  return vb.runtime.flash.files;
}

describe("flash", () => {
  test("writes, verifies, boots, and alternates slots", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    try {
      var r = await flash({ board: vb }, code(1), { chunk: 400 });
      assert.equal(r.bytes, code(1).length);
      assert.equal(r.file, SLOTS[0]);
      assert.equal(Buffer.from(files(vb).get(SLOTS[0])!).toString("latin1"), code(1));
      // The board builds the boot file itself: it must be the host's bootCode() exactly.
      assert.equal(Buffer.from(files(vb).get(".boot0")!).toString("latin1"), bootCode(SLOTS[0]));
      var r2 = await flash({ board: vb }, code(2), { chunk: 400 });
      assert.equal(r2.file, SLOTS[1]);
      assert.equal(files(vb).has(SLOTS[0]), false, "the old slot is erased");
      powerOn(vb);
      assert.equal(vb.eval("espdma.v"), 2);
    } finally {
      vb.close();
    }
  });

  test("a reset in the middle of the write fails clearly and the board still boots the old code", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    try {
      await flash({ board: vb }, code(1), { chunk: 400 });
      vb.repl.setFaults({ resetAfterInputBytes: 1500 });
      await assert.rejects(flash({ board: vb, client: { timeoutMs: 500 } }, code(2), { chunk: 400 }), (e: any) => /reset/i.test(e.message));
      vb.repl.setFaults({});
      powerOn(vb);
      assert.equal(vb.eval("espdma.v"), 1);
    } finally {
      vb.close();
    }
  });

  test("chunks go out as bare lines paced by XOFF/XON: a board that drops what overflows its buffer loses nothing", async () => {
    // A UART without flow control (overflow "drop", Espruino's JSERR_RX_FIFO_FULL) and a small
    // input buffer: only the board's XOFF keeps the bytes in it.
    var big = code(3) + "/*" + "q".repeat(6000) + "*/\n";
    var vb = createVirtualBoard({ board: "pico", repl: { inputBuffer: 96, overflow: "drop" } });
    try {
      var r = await flash({ board: vb, client: { chunkSize: 32 } }, big, {});
      assert.equal(r.bytes, big.length);
      assert.equal(vb.repl.dropped, 0, "bytes were lost although the host honours XOFF");
      assert.equal(Buffer.from(files(vb).get(r.file)!).toString("latin1"), big);
    } finally {
      vb.close();
    }
    // Control: writes bigger than the buffer overrun it before an XOFF can come back.
    var vb2 = createVirtualBoard({ board: "pico", repl: { inputBuffer: 96, overflow: "drop" } });
    try {
      await flash({ board: vb2, client: { chunkSize: 4096, timeoutMs: 300, syncAttempts: 1 } }, big, {}).catch(() => {});
      assert.ok(vb2.repl.dropped > 0, "the control lost nothing: the test cannot tell XOFF pacing from luck");
    } finally {
      vb2.close();
    }
  });

  test("the wire carries the bundle plus little: one set-up command, bare 2 KB chunk lines, one verify", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var big = code(4) + "/*" + "w".repeat(12000) + "*/\n";
    var { StreamTransport } = await import("../../host/link/stream-transport");
    var orig = StreamTransport.prototype.write, sent: string[] = [];
    StreamTransport.prototype.write = function (d: any) { sent.push(Buffer.from(d).toString("latin1")); return orig.call(this, d); };
    try {
      await flash({ board: vb }, big, {});
    } finally {
      StreamTransport.prototype.write = orig;
      vb.close();
    }
    var lines = sent.join("").split("\n").filter((l) => l.length);
    var chunks = lines.filter((l) => /^\x10__espdma\.w\(/.test(l)), others = lines.filter((l) => chunks.indexOf(l) < 0);
    assert.equal(chunks.length, Math.ceil(big.length / 2048));
    var chunkBytes = chunks.reduce((n, l) => n + l.length + 1, 0);
    assert.ok(chunkBytes - big.length <= 30 * chunks.length, "chunk lines carry " + (chunkBytes - big.length) + " bytes besides the code");
    // Set-up (with the Ctrl-C before it), verify-switch-and-load, the probe after boot.
    assert.equal(others.length, 3, JSON.stringify(others.map((l) => l.slice(0, 40))));
    var otherBytes = others.reduce((n, l) => n + l.length + 1, 0);
    assert.ok(otherBytes < 900, "commands besides the chunks take " + otherBytes + " bytes");
  });

  test("a board without a native E.CRC32 (SAVE_ON_FLASH builds) is verified by an interpreted CRC", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var sent = "";
    var { StreamTransport } = await import("../../host/link/stream-transport");
    var orig = StreamTransport.prototype.write;
    StreamTransport.prototype.write = function (d: any) { sent += Buffer.from(d).toString("latin1"); return orig.call(this, d); };
    try {
      vb.eval("E.CRC32 = undefined");
      var r = await flash({ board: vb }, code(5), { load: false });
      assert.equal(Buffer.from(files(vb).get(r.file)!).toString("latin1"), code(5));
      assert.match(sent, /0xEDB88320/, "the interpreted CRC was not sent");
      powerOn(vb);
      assert.equal(vb.eval("espdma.v"), 5);
    } finally {
      StreamTransport.prototype.write = orig;
      vb.close();
    }
  });

  test("noise both ways: a flash succeeds or fails clearly, and the boot file always runs one intact version", async () => {
    // Seeded corruption of a bit per ~1000 bytes in each direction; across seeds both outcomes
    // occur. A failed flash must leave the old boot file (old code); none may boot damaged code.
    var good = code(6), next = code(7), outcomes: string[] = [];
    for (var seed = 1; seed <= 8; seed++) {
      var vb = createVirtualBoard({ board: "pico" });
      try {
        await flash({ board: vb }, good, { load: false });
        vb.repl.setFaults({ corruptIn: 0.001, corruptOut: 0.001, seed });
        var err: any = null;
        await flash({ board: vb, client: { timeoutMs: 300, syncAttempts: 2 } }, next, { chunk: 1024 }).catch((e) => (err = e));
        vb.repl.setFaults({});
        var slot = /read\("([^"]+)"\)/.exec(Buffer.from(files(vb).get(".boot0")!).toString("latin1"))![1];
        var booted = Buffer.from(files(vb).get(slot)!).toString("latin1");
        assert.ok(booted === good || booted === next, "seed " + seed + ": the boot file runs a damaged file");
        if (err) {
          assert.equal(booted, good, "seed " + seed + ": a failed flash (" + err.message + ") switched the boot file");
          assert.match(err.code, /^(EVERIFY|EGARBLED|ETIMEDOUT|ENOANSWER|EBOOT)$/, err.message);
        } else assert.equal(booted, next, "seed " + seed + ": a flash that succeeded left the old code");
        outcomes.push(err ? err.code : "ok");
      } finally {
        vb.close();
      }
    }
    assert.ok(outcomes.indexOf("ok") >= 0 && outcomes.some((o) => o !== "ok"), "one outcome only: " + outcomes.join(","));
  });

  test("refuses a board of another kind", async () => {
    var vb = createVirtualBoard({ board: "original" });
    try {
      await assert.rejects(flash({ board: vb }, code(1), { board: "pico" }), /reports BOARD=ESPRUINOBOARD, not pico/);
      assert.equal(files(vb).size, 0);
    } finally {
      vb.close();
    }
  });
});
