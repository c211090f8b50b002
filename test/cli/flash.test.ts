// espdma flash against the virtual board: chunks, CRC verification, boot switch, and a reset in
// the middle never leaves a half-written file that boots.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { flash, SLOTS } from "../../host/cli/commands";

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
      assert.match(Buffer.from(files(vb).get(".bootcde")!).toString("latin1"), /espdma\.a/);
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

  test("refuses a board of another kind", async () => {
    var vb = createVirtualBoard({ board: "original" });
    try {
      await assert.rejects(flash({ board: vb }, code(1), { board: "pico" }), /reports BOARD=ESPRUINOBOARD, not pico/);
      assert.equal(files(vb).has(".bootcde"), false);
    } finally {
      vb.close();
    }
  });
});
