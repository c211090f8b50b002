// Found by mutation review: a pause that does not wait for the stream to stop, and a start that
// does not clear a previous owner's flags, both passed the other tests. Against the models,
// under the adversarial scheduler: clearing EN lets an F4 stream finish its current item, EN
// reading 1 until then (RM0090 10.3.14 (stream disable), 10.5.5); a stream must not be enabled
// with its flags set (RM0090 10.3.17 step 1 / RM0008 13.3.3), or the first poll reads a stale TCIF.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { rig, pollUntil } from "./helpers";

function memcpyReq(r: any, src: Uint8Array, dst: Uint8Array, n: number): any {
  return { kind: "memcpy", dir: "mem2mem", src: r.p.addressOf(src), dst: r.p.addressOf(dst), segments: [{ addr: r.p.addressOf(dst), len: n }] };
}

function same(a: Uint8Array, b: Uint8Array, n: number): number {
  var k = 0;
  for (var i = 0; i < n; i++) if (a[i] === b[i]) k++;
  return k;
}

for (const name of ["pico", "original"]) {
  describe("pause on " + name, () => {
    test("a memcpy paused mid-way moves nothing while paused and completes exactly after resume (adversarial seeds)", () => {
      var midway = 0;
      for (var seed = 1; seed <= 20; seed++) {
        var r = rig(name, { seed, schedule: "adversarial" });
        var pc: any = r.prov.allocChan({ request: "mem2mem" });
        var n = 4096, a = r.p.directAlloc(n), b = r.p.directAlloc(n);
        for (var i = 0; i < n; i++) a[i] = (i * 7 + 1) & 0xff;
        var hw = r.prov.prep(pc, memcpyReq(r, a, b, n));
        r.prov.start(pc, hw);
        r.mcu.advance(50 + seed * 37);
        r.prov.pause(pc);
        var res = r.prov.residue(pc, hw), written = same(a, b, n);
        if (res > 0 && res < n) midway++;
        r.mcu.advance(5000);
        assert.equal(r.prov.residue(pc, hw), res, "seed " + seed + ": residue moved while paused");
        assert.equal(same(a, b, n), written, "seed " + seed + ": memory written while paused");
        assert.deepEqual(r.prov.poll([pc]), [], "seed " + seed + ": an event while paused");
        r.prov.resume(pc);
        var evs = pollUntil(r, pc, 20000);
        assert.equal(evs[0].kind, "complete", "seed " + seed);
        assert.equal(same(a, b, n), n, "seed " + seed + ": every byte copied once resumed");
      }
      assert.ok(midway >= 5, "only " + midway + " of 20 schedules paused mid-way: vary the advance");
    });
  });

  describe("reuse after a previous owner on " + name, () => {
    test("flags left by a terminate without synchronize never read as the next transfer's completion", () => {
      var r = rig(name);
      var pc: any = r.prov.allocChan({ request: "mem2mem" });
      var a = r.p.directAlloc(64), b = r.p.directAlloc(64);
      r.prov.start(pc, r.prov.prep(pc, memcpyReq(r, a, b, 64)));
      r.loop.advanceBy(1); // done: TCIF set
      r.prov.terminateAll(pc);
      r.prov.freeChan(pc); // no synchronize: the flags stay set
      var pc2: any = r.prov.allocChan({ request: "mem2mem" });
      assert.equal(pc2, pc, "the same stream/channel is handed out again");
      var n = 16000, c = r.p.directAlloc(n), d = r.p.directAlloc(n);
      for (var i = 0; i < n; i++) c[i] = (i * 3 + 5) & 0xff;
      var hw2 = r.prov.prep(pc2, memcpyReq(r, c, d, n));
      r.prov.start(pc2, hw2);
      var first = r.prov.poll([pc2]);
      if (first.length) assert.ok(r.prov.residue(pc2, hw2) === 0 && same(c, d, n) === n, "first poll reported " + first[0].kind + " with " + r.prov.residue(pc2, hw2) + " bytes left");
      var evs = first.length ? first : pollUntil(r, pc2, 100000);
      assert.equal(evs[0].kind, "complete");
      assert.equal(same(c, d, n), n);
    });
  });
}
