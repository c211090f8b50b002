// espdma.pace() from the built bundle on the virtual board: a timer's update event paces a
// GPIO capture, one item per tick (RM0090 10.3.3 / RM0008 13.3.7 request lines; timer update
// DMA requests RM0090 17.3.3 / RM0008 15.3.2).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { ROOT } from "../../host/scenarios/bundle";
import { findBoard } from "../../boards/index";

const bundle = readFileSync(join(ROOT, "dist", "espdma.min.js"), "latin1");

for (const [name, timer] of [["pico", "TIM1"], ["wifi", "TIM1"], ["f4discovery", "TIM1"], ["original", "TIM2"]] as const) {
  describe("espdma.pace on " + name, () => {
    test("64 items paced at 10 kHz take 6.4 ms of simulated time and arrive intact", () => {
      var vb = createVirtualBoard({ board: name, bundle, seed: 1 });
      var b = findBoard(name)!, g = b.gpio[0];
      // GPIOA clocked, ODR = 0x5A, so IDR reads 0x5A on the virtual pins.
      var enr = b.rcc.base + g.enr;
      vb.eval(`poke32(${enr}, peek32(${enr}) | ${1 << g.bit}); poke32(${g.base + g.odr}, 0x5a);`);
      vb.eval(`var p = espdma.pace("${timer}", 10000), res = null, t0 = getTime(), t1 = 0;
        var ch = espdma.requestChannel({ request: p.request, dir: "dev2mem" });
        ch.config({ periphAddr: ${g.base + g.idr}, periphWidth: 1, memWidth: 1 });
        var buf = espdma.alloc(64);
        ch.prepSlaveSg([buf], "dev2mem", { callback: function (r) { res = r.result; t1 = getTime(); } }).submit();
        ch.issuePending();`);
      assert.equal(vb.eval("res"), null, "not complete at once: the timer paces it");
      vb.loop.runUntilTrue(() => vb.eval("res") !== null, 1000);
      assert.equal(vb.eval("res"), "ok");
      assert.equal(vb.eval("p.hz"), 10000);
      var ms = vb.eval("(t1 - t0) * 1000") as number;
      assert.ok(ms >= 6.3 && ms < 30, "took " + ms + " ms");
      assert.equal(vb.eval("var ok = true; for (var i = 0; i < 64; i++) if (buf[i] !== 0x5a) ok = false; ok"), true);
      vb.eval("p.stop(); ch.release();");
      assert.equal(vb.loop.pending(), 0, "no timer left running");
    });

    test("an unknown timer is refused with ENODEV and a message naming the usable ones", () => {
      var vb = createVirtualBoard({ board: name, bundle, seed: 1 });
      assert.equal(String(vb.eval(`var e; try { espdma.pace("TIM9", 1000) } catch (x) { e = x.code + " " + x.message } e`)).slice(0, 6), "ENODEV");
      assert.match(String(vb.eval("e")), /TIM/);
    });
  });
}
