// The STM32 providers under the dmaengine core (firmware/index.ts createEngine), on the virtual
// board's register models, on every board.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BOARDS, rig, pattern, pacing, prng } from "./helpers";
import { createEngine } from "../../firmware/index";
import { pace } from "../../firmware/drivers/index";

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) { if (e && e.name === "DmaError") return e.code; throw e; }
  return "no error";
}

function setup(name: string, seed = 1) {
  var r = rig(name, { seed });
  var engine = createEngine(r.p, r.prov);
  var pz = pacing(name);
  r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
  return { ...r, engine, pz };
}

for (const name of BOARDS) {
  describe(`engine over the ${name} provider`, () => {
    test("memcpy through the core: callbacks with result ok, data and guards right, timer stops when idle", () => {
      var s = setup(name);
      var ch = s.engine.requestChannel({ request: "mem2mem" });
      var results: any[] = [];
      for (const len of [1, 13, 256, 3000]) {
        var src = s.p.directAlloc(len), area = s.p.directAlloc(len + 8);
        for (var i = 0; i < len; i++) src[i] = pattern(i, len);
        area.fill(0xa5);
        var dst = area.subarray(4, 4 + len);
        ch.prepMemcpy(dst, src, len, { callback: (r: any) => results.push(r) }).submit();
        ch.issuePending();
        s.loop.runUntilIdle(1000);
        assert.deepEqual(Array.from(dst), Array.from(src));
        assert.deepEqual(Array.from(area.subarray(0, 4)), [0xa5, 0xa5, 0xa5, 0xa5]);
        assert.deepEqual(Array.from(area.subarray(4 + len)), [0xa5, 0xa5, 0xa5, 0xa5]);
      }
      assert.deepEqual(results, [1, 2, 3, 4].map(() => ({ result: "ok", residue: 0 })));
      assert.equal(s.loop.pending(), 0, "no poll timer with nothing in flight");
      assert.deepEqual(s.mcu.violations, []);
    });

    test("queued memcpys run back to back (start from the completion poll)", () => {
      var s = setup(name);
      var ch = s.engine.requestChannel({ request: "mem2mem" });
      ch.config({ memWidth: 4, periphWidth: 4 });
      var src = s.p.directAlloc(512), dsts = [0, 1, 2, 3].map(() => s.p.directAlloc(512));
      for (var i = 0; i < 512; i++) src[i] = pattern(i, 9);
      var order: number[] = [];
      dsts.forEach((d, k) => ch.prepMemcpy(d, src, 512, { callback: () => order.push(k) }).submit());
      ch.issuePending();
      s.loop.runUntilIdle(1000);
      assert.deepEqual(order, [0, 1, 2, 3]);
      for (const d of dsts) assert.deepEqual(Array.from(d), Array.from(src));
    });

    test("cyclic capture terminated from inside its own period callback, then synchronized", () => {
      var s = setup(name, 5);
      var pacer = pace(s.p, s.pz.timer, 20000, name);
      var gp = s.mcu.gpio[0];
      gp.input = (cycle: number) => 1 + (Math.floor(cycle / 50) % 200);
      var ch = s.engine.requestChannel({ request: pacer.request, dir: "dev2mem" });
      ch.config({ periphAddr: s.pz.idr, periphWidth: 1, memWidth: 1 });
      var ring = s.p.directAlloc(64);
      var calls: any[] = [];
      var tx = ch.prepCyclic(ring, 16, "dev2mem", {
        callback: (r: any) => {
          calls.push(r);
          if (calls.length === 3) ch.terminateAsync();
        },
      });
      tx.submit();
      ch.issuePending();
      s.loop.runUntilIdle(100);
      assert.equal(calls.length, 3, "no callback after terminateAsync()");
      assert.equal(codeOf(() => ch.issuePending()), "EBUSY", "synchronize() needed first");
      ch.synchronize();
      var snap = Array.from(ring);
      s.loop.advanceBy(20);
      assert.deepEqual(Array.from(ring), snap, "the hardware stopped writing the ring");
      assert.match(s.engine.dump(), /no DMA stream enabled/);
      pacer.stop();
      assert.deepEqual(s.mcu.violations, []);
    });

    test("timer-paced transfers terminated at seeded random points via terminateSync", () => {
      var rnd = prng(99 + name.length);
      for (var round = 0; round < 4; round++) {
        var s = setup(name, 20 + round);
        var outs: number[] = [];
        s.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
        var pacer = pace(s.p, s.pz.timer, 10000, name);
        var ch = s.engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
        ch.config({ periphAddr: s.pz.odr, periphWidth: s.pz.outWidth || undefined });
        var buf = s.p.directAlloc(100);
        for (var i = 0; i < 100; i++) buf[i] = i + 1;
        var got: any[] = [];
        var cookie = ch.prepSlaveSg([buf], "mem2dev", { callback: (r: any) => got.push(r) }).submit();
        ch.issuePending();
        s.loop.runUntil(s.loop.now() + rnd() * 10);
        ch.terminateSync();
        var st = ch.txStatus(cookie);
        assert.equal(st.status, "aborted");
        assert.equal(got.length, 0);
        var n = outs.length;
        assert.ok(100 - st.residue <= n && n <= 100 - st.residue + 1, `outs ${n}, residue ${st.residue}`);
        assert.deepEqual(outs, Array.from(buf.subarray(0, n)));
        s.loop.advanceBy(20);
        assert.equal(outs.length, n);
        pacer.stop();
      }
    });

    test("pause/resume through the core: txStatus residue holds while paused", () => {
      var s = setup(name);
      var outs: number[] = [];
      s.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
      var pacer = pace(s.p, s.pz.timer, 10000, name);
      var ch = s.engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
      ch.config({ periphAddr: s.pz.odr, periphWidth: s.pz.outWidth || undefined });
      var buf = s.p.directAlloc(60);
      for (var i = 0; i < 60; i++) buf[i] = 200 - i;
      var done: any[] = [];
      var c = ch.prepSlaveSg([buf], "mem2dev", { callback: (r: any) => done.push(r) }).submit();
      ch.issuePending();
      s.loop.runUntil(s.loop.now() + 2.5);
      ch.pause();
      var st = ch.txStatus(c);
      assert.equal(st.status, "paused");
      assert.equal(st.residue, 60 - outs.length);
      s.loop.runUntil(s.loop.now() + 10);
      assert.equal(ch.txStatus(c).residue, st.residue);
      ch.resume();
      s.loop.runUntilIdle(100);
      assert.deepEqual(done, [{ result: "ok", residue: 0 }]);
      assert.deepEqual(outs, Array.from(buf));
      pacer.stop();
    });

    test("transfer error: the callback gets read_failed with the residue", () => {
      var s = setup(name);
      var pacer = pace(s.p, s.pz.timer, 50000, name);
      var ch = s.engine.requestChannel({ request: pacer.request, dir: "dev2mem" });
      ch.config({ periphAddr: 0x30000000 });
      var got: any[] = [];
      ch.prepSlaveSg([s.p.directAlloc(8)], "dev2mem", { callback: (r: any) => got.push(r) }).submit();
      ch.issuePending();
      s.loop.runUntilIdle(100);
      assert.deepEqual(got, [{ result: "read_failed", residue: 8 }]);
      pacer.stop();
    });

    test("buffer rejections: not flat, misaligned, unreachable (CCM on f4discovery)", () => {
      var s = setup(name);
      var ch = s.engine.requestChannel({ request: "mem2mem" });
      var good = s.p.directAlloc(64);
      assert.equal(codeOf(() => ch.prepMemcpy(new Uint8Array(64), good, 64)), "EFAULT");
      ch.config({ memWidth: 4, periphWidth: 4 });
      assert.equal(codeOf(() => ch.prepMemcpy(good.subarray(1, 33), good.subarray(32), 32)), "EINVAL");
      if (name === "f4discovery") {
        var ccm = s.p.directAlloc(64, "CCM");
        assert.equal(s.p.addressOf(ccm) >>> 24, 0x10);
        assert.equal(codeOf(() => ch.prepMemcpy(ccm, good, 64)), "EFAULT");
      }
      var f4 = s.mcu.board.family === "F4";
      if (!f4) {
        ch.config({ memWidth: 4, periphWidth: 2 });
        assert.equal(codeOf(() => ch.prepMemcpy(good.subarray(0, 32), good.subarray(32), 32)), "EINVAL", "F1 memcpy widths must match");
      }
      assert.equal(codeOf(() => s.engine.requestChannel({ request: "TIM9_UP" })), "ENODEV");
    });
  });
}
