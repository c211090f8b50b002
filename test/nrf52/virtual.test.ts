// The nRF52 bundle on the virtual Puck.js, driven from the board's own JavaScript: a SAADC
// capture, and Espruino's analogRead() taking the SAADC away in the middle of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { driverSource, ensureBuilt } from "../../host/scenarios/bundle";

test("analogRead() during a SAADC capture ends it with read_failed; the capture's buffer gets nothing after", () => {
  ensureBuilt();
  var out = "", vb = createVirtualBoard({ board: "puckjs", bundle: driverSource("NRF52"), onOutput: (t) => (out += t) });
  vb.eval(`
    var ch = espdma.requestChannel({ request: "SAADC" });
    poke32(0x40007510, 1); poke32(0x400075f8, (1 << 12) | 1600);
    var raw = espdma.alloc(2002), a = E.getAddressOf(raw, true) & 1, buf = raw.subarray(a, a + 2000);
    var res = null;
    ch.prepSlaveSg([buf], "dev2mem", { callback: function (r) { res = r; } }).submit();
    ch.issuePending();
    setTimeout(function () { var v = analogRead(3); print("analog " + v + " filled " + buf.filter(function (x) { return x; }).length); }, 20);
    setTimeout(function () { print("result " + res.result + " residue " + res.residue + " filled " + buf.filter(function (x) { return x; }).length); ch.synchronize(); ch.release(); }, 150);
  `);
  // (the driver is polled when the transfer is due to end, 100 ms: it sees the clobber then)
  vb.loop.runUntil(vb.loop.now() + 200);
  var a = /analog (\S+) filled (\d+)/.exec(out), r = /result (\S+) residue (\d+) filled (\d+)/.exec(out);
  assert.ok(a && r, out);
  assert.equal(a![1], String(-1 / 16384), "the model's input reading");
  assert.equal(r![1], "read_failed");
  assert.equal(r![3], a![2], "no sample after analogRead took the SAADC");
  assert.equal(+r![2], 2000, "the buffer in progress counts whole: analogRead's START reset AMOUNT");
  assert.equal(analog(vb), 0, "SAADC disabled");
  vb.close();
});

function analog(vb: any): number {
  return vb.mcu.read32(0x40007500);
}
