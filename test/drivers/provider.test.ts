// The STM32 providers driven directly, on the virtual board's register models, on every board.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BOARDS, rig, pollUntil, pattern, pacing, prng, providerCounts, Rig } from "./helpers";
import { pace, createBoardProvider } from "../../firmware/drivers/index";
import type { ProviderChan } from "../../firmware/dmaengine/provider";

const GUARD = 0xa5;

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) { if (e && e.name === "DmaError") return e.code; throw e; }
  return "no error";
}

/** A memcpy of len bytes at byte offsets so/do, with guard bytes around the destination. */
function copyOnce(r: Rig, pc: ProviderChan, len: number, so: number, dof: number, seed: number) {
  var src = r.p.directAlloc(len + 8), area = r.p.directAlloc(len + 40);
  for (var i = 0; i < src.length; i++) src[i] = pattern(i, seed);
  area.fill(GUARD);
  var s = r.p.addressOf(src) + so, d = r.p.addressOf(area) + 16 + dof;
  var hw = r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: s, dst: d, segments: [{ addr: d, len }] });
  assert.equal(hw.len, len);
  r.prov.start(pc, hw);
  var evs = pollUntil(r, pc);
  assert.deepEqual(evs.map((e) => e.kind), ["complete"]);
  assert.equal(r.prov.residue(pc, hw), 0);
  for (var k = 0; k < len; k++) if (area[16 + dof + k] !== src[so + k]) assert.fail(`byte ${k} of ${len} (offsets ${so}/${dof}) differs`);
  for (var g = 0; g < 16 + dof; g++) assert.equal(area[g], GUARD, "guard before the destination");
  for (var h = 16 + dof + len; h < area.length; h++) assert.equal(area[h], GUARD, "guard after the destination");
  r.p.directFree(src);
  r.p.directFree(area);
}

for (const name of BOARDS) {
  describe(`provider on ${name}`, () => {
    test("memcpy: many sizes, alignments and widths, guard bytes intact, no violations", () => {
      var r = rig(name, { schedule: "adversarial", seed: 11 });
      var pc = r.prov.allocChan({ request: "mem2mem" });
      var sizes = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 100, 255, 256, 1000, 4096];
      var seed = 1;
      for (const w of [1, 2, 4]) {
        r.prov.config(pc, { memWidth: w, periphWidth: w });
        for (const len of sizes) {
          if (len % w) continue;
          for (var off = 0; off < 4; off += w) copyOnce(r, pc, len, off, (4 - off) % 4 === 0 ? 0 : w === 1 ? 3 - off : 0, seed++);
        }
      }
      assert.deepEqual(r.mcu.violations, []);
    });

    test("register accesses: start <= 8, terminateAll 1 (the core adds a residue read), synchronize of a stopped stream <= 3, idle poll 1", () => {
      var n = providerCounts(name);
      console.log(`# ${name} register accesses: ${JSON.stringify(n)}`);
      assert.ok(n.start <= 8, "start took " + n.start);
      assert.ok(n.terminateAll <= 1, "terminateAll took " + n.terminateAll);
      assert.ok(n.synchronize <= 3, "synchronize took " + n.synchronize);
      assert.equal(n.pollIdle, 1);
      // Status read, flag clear, (F1: EN clear).
      assert.ok(n.pollComplete <= 3, "poll of a completion took " + n.pollComplete);
    });

    test("timer-paced GPIO -> buffer, terminated at seeded random points, then synchronized", () => {
      var rnd = prng(name.length * 101);
      for (var round = 0; round < 6; round++) {
        var r = rig(name, { seed: round + 1 });
        var pz = pacing(name);
        r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
        var gp = r.mcu.gpio[0];
        var hz = 20000, n = 200;
        // The input changes with time, never 0 (0 would look like 'not written').
        gp.input = (cycle: number) => 1 + (Math.floor(cycle / 97) % 250);
        var pacer = pace(r.p, pz.timer, hz, name);
        var pc = r.prov.allocChan({ request: pacer.request });
        r.prov.config(pc, { periphAddr: pz.idr, periphWidth: 1, memWidth: 1, priority: "high" });
        var buf = r.p.directAlloc(n + 16);
        buf.fill(0);
        var base = r.p.addressOf(buf) + 8;
        var hw = r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: base, len: n }] });
        assert.ok(Math.abs(hw.expectedMs - (n * 1000) / hz) < 0.5, "expectedMs from the pacing rate: " + hw.expectedMs);
        r.prov.start(pc, hw);
        r.loop.advanceBy(rnd() * (n * 1000) / hz);
        var res0 = r.prov.residue(pc, hw);
        r.prov.terminateAll(pc);
        r.prov.synchronize(pc, 5);
        var written = 0;
        while (written < n && buf[8 + written] !== 0) written++;
        var atTerm = n - res0;
        assert.ok(written >= atTerm && written <= atTerm + 1, `written ${written}, residue at terminate said ${atTerm}`);
        for (var k = written; k < n + 8; k++) assert.equal(buf[8 + k], 0, "nothing after the stop point");
        for (var g = 0; g < 8; g++) assert.equal(buf[g], 0, "guard before");
        var snap = Array.from(buf);
        r.loop.advanceBy(30);
        assert.deepEqual(Array.from(buf), snap, "no DMA write after synchronize()");
        pacer.stop();
        assert.deepEqual(r.mcu.violations, []);
      }
    });

    test("timer-paced buffer -> GPIO ODR: outputs are exactly a prefix of the buffer when terminated", () => {
      var rnd = prng(7 + name.length);
      for (var round = 0; round < 6; round++) {
        var r = rig(name, { seed: 100 + round });
        var pz = pacing(name);
        r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
        var outs: number[] = [];
        r.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xffff);
        var n = 128, hz = 10000;
        var pacer = pace(r.p, pz.timer, hz, name);
        var pc = r.prov.allocChan({ request: pacer.request });
        r.prov.config(pc, { periphAddr: pz.odr, periphWidth: pz.outWidth || 2, memWidth: 2 });
        var buf = r.p.directAlloc(n * 2);
        var v16 = new Uint16Array(buf.buffer, buf.byteOffset, n);
        for (var i = 0; i < n; i++) v16[i] = 0x100 + i;
        var hw = r.prov.prep(pc, { kind: "slave_sg", dir: "mem2dev", segments: [{ addr: r.p.addressOf(buf), len: n * 2 }] });
        r.prov.start(pc, hw);
        r.loop.advanceBy(rnd() * (n * 1000) / hz);
        var res0 = r.prov.residue(pc, hw);
        r.prov.terminateAll(pc);
        r.prov.synchronize(pc, 5);
        var atTerm = n - res0 / 2;
        assert.ok(outs.length >= atTerm && outs.length <= atTerm + 1, `outputs ${outs.length}, residue said ${atTerm}`);
        assert.deepEqual(outs, Array.from(v16.subarray(0, outs.length)));
        var k = outs.length;
        r.loop.advanceBy(30);
        assert.equal(outs.length, k, "no output after synchronize()");
        pacer.stop();
      }
    });

    test("scatter-gather: three buffers reprogrammed from poll, one completion, residue counts later entries", () => {
      var r = rig(name);
      var pz = pacing(name);
      r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
      var outs: number[] = [];
      r.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
      var pacer = pace(r.p, pz.timer, 50000, name);
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.odr, periphWidth: pz.outWidth || undefined });
      var bufs = [5, 9, 3].map((len, j) => { var b = r.p.directAlloc(len); for (var i = 0; i < len; i++) b[i] = j * 16 + i + 1; return b; });
      var hw = r.prov.prep(pc, { kind: "slave_sg", dir: "mem2dev", segments: bufs.map((b) => ({ addr: r.p.addressOf(b), len: b.length })) });
      assert.equal(hw.len, 17);
      r.prov.start(pc, hw);
      assert.equal(r.prov.residue(pc, hw), 17);
      // Each chaining is reported ("segment": the core times the next entry from it).
      var kinds: string[] = [];
      while (kinds.indexOf("complete") < 0) kinds.push(...pollUntil(r, pc).map((e) => e.kind));
      assert.deepEqual(kinds, ["segment", "segment", "complete"]);
      assert.deepEqual(outs, bufs.flatMap((b) => Array.from(b)));
      pacer.stop();
    });

    test("cyclic capture: periods counted from NDTR and TCIF, also with a slow poll", () => {
      var r = rig(name);
      var pz = pacing(name);
      r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
      r.mcu.gpio[0].setInput(0x5a);
      var hz = 10000, ring = 64, per = 16;
      var pacer = pace(r.p, pz.timer, hz, name);
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.idr });
      var buf = r.p.directAlloc(ring);
      var hw = r.prov.prep(pc, { kind: "cyclic", dir: "dev2mem", segments: [{ addr: r.p.addressOf(buf), len: ring }], periodLen: per });
      r.prov.start(pc, hw);
      var periods = 0;
      // 10 ring laps polled at varied intervals, each shorter than a lap.
      var rnd = prng(3);
      var t0 = r.loop.now();
      while (r.loop.now() - t0 < (10 * ring * 1000) / hz) {
        r.loop.advanceBy(0.2 + rnd() * 5);
        for (const e of r.prov.poll([pc])) {
          assert.equal(e.kind, "period");
          periods += e.count || 1;
        }
      }
      var expect = Math.floor(((r.loop.now() - t0) * hz) / 1000 / per);
      assert.ok(Math.abs(periods - expect) <= 1, `periods ${periods}, time says ${expect}`);
      assert.ok(buf.every((x) => x === 0x5a));
      r.prov.terminateAll(pc);
      r.prov.synchronize(pc, 5);
      pacer.stop();
    });

    test("pause keeps the position, resume continues it: every item output once, in order", () => {
      var r = rig(name);
      var pz = pacing(name);
      r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
      var outs: number[] = [];
      r.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
      var n = 100, hz = 10000;
      var pacer = pace(r.p, pz.timer, hz, name);
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.odr, periphWidth: pz.outWidth || undefined });
      var buf = r.p.directAlloc(n);
      for (var i = 0; i < n; i++) buf[i] = i + 1;
      var hw = r.prov.prep(pc, { kind: "slave_sg", dir: "mem2dev", segments: [{ addr: r.p.addressOf(buf), len: n }] });
      r.prov.start(pc, hw);
      r.loop.advanceBy(3.3);
      r.prov.pause(pc);
      var res = r.prov.residue(pc, hw);
      assert.equal(res, n - outs.length, "residue while paused is what was not output");
      assert.ok(res > 0 && res < n);
      r.loop.advanceBy(20);
      assert.equal(r.prov.residue(pc, hw), res, "paused: the position holds");
      assert.equal(outs.length, n - res);
      assert.deepEqual(r.prov.poll([pc]), []);
      r.prov.resume(pc);
      var evs = pollUntil(r, pc);
      assert.deepEqual(evs.map((e) => e.kind), ["complete"]);
      assert.deepEqual(outs, Array.from(buf));
      pacer.stop();
    });

    test("cyclic pause/resume: the rest of the lap, then the ring again, no period lost", () => {
      var r = rig(name);
      var pz = pacing(name);
      r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
      var outs: number[] = [];
      r.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
      var hz = 10000, ring = 40, per = 10;
      var pacer = pace(r.p, pz.timer, hz, name);
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.odr, periphWidth: pz.outWidth || undefined });
      var buf = r.p.directAlloc(ring);
      for (var i = 0; i < ring; i++) buf[i] = i + 1;
      var hw = r.prov.prep(pc, { kind: "cyclic", dir: "mem2dev", segments: [{ addr: r.p.addressOf(buf), len: ring }], periodLen: per });
      r.prov.start(pc, hw);
      var periods = 0;
      var step = () => { r.loop.advanceBy(0.5); for (const e of r.prov.poll([pc])) periods += e.count || 1; };
      for (var k = 0; k < 13; k++) step();
      r.prov.pause(pc);
      r.loop.advanceBy(10);
      r.prov.resume(pc);
      for (var k2 = 0; k2 < 30; k2++) step();
      r.prov.terminateAll(pc);
      r.prov.synchronize(pc, 5);
      for (var j = 0; j < outs.length; j++) assert.equal(outs[j], (j % ring) + 1, "output " + j);
      assert.ok(Math.abs(periods - Math.floor(outs.length / per)) <= 1, `periods ${periods} for ${outs.length} items`);
      pacer.stop();
    });

    test("transfer error on a bad peripheral address: read_failed / write_failed, stream stopped", () => {
      var r = rig(name);
      var pz = pacing(name);
      var pacer = pace(r.p, pz.timer, 100000, name);
      for (const dir of ["dev2mem", "mem2dev"] as const) {
        var pc = r.prov.allocChan({ request: pacer.request });
        r.prov.config(pc, { periphAddr: 0x30000000 });
        var buf = r.p.directAlloc(16);
        var hw = r.prov.prep(pc, { kind: "slave_sg", dir, segments: [{ addr: r.p.addressOf(buf), len: 16 }] });
        r.prov.start(pc, hw);
        var evs = pollUntil(r, pc);
        assert.deepEqual(evs.map((e) => e.kind), [dir === "dev2mem" ? "read_failed" : "write_failed"]);
        assert.equal(r.prov.residue(pc, hw), 16);
        r.prov.terminateAll(pc);
        r.prov.synchronize(pc, 5);
        r.prov.freeChan(pc);
      }
      pacer.stop();
    });

    test("synchronize of a stream that never stops: ETIMEDOUT, then succeeds once it stops", () => {
      var r = rig(name, { schedule: "adversarial" });
      var pc = r.prov.allocChan({ request: "mem2mem" });
      var a = r.p.directAlloc(4000), b = r.p.directAlloc(4000);
      var hw = r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: r.p.addressOf(a), dst: r.p.addressOf(b), segments: [{ addr: r.p.addressOf(b), len: 4000 }] });
      r.mcu.scheduler.next = () => 0; // the controller makes no progress at all
      r.prov.start(pc, hw);
      r.prov.terminateAll(pc);
      var isF4 = r.mcu.board.family === "F4";
      if (isF4) assert.equal(codeOf(() => r.prov.synchronize(pc, 2)), "ETIMEDOUT");
      r.mcu.scheduler.next = () => Infinity;
      r.prov.synchronize(pc, 2);
      assert.match(r.prov.dump(), /no DMA stream enabled/);
    });

    test("allocation: request lines, busy, pinning, unknown names", () => {
      var r = rig(name);
      var f4 = r.mcu.board.family === "F4";
      var taken: ProviderChan[] = [];
      var n = f4 ? 8 : 12;
      for (var i = 0; i < n; i++) taken.push(r.prov.allocChan({ request: "mem2mem" }));
      assert.equal(codeOf(() => r.prov.allocChan({ request: "mem2mem" })), "EBUSY");
      r.prov.freeChan(taken[3]);
      assert.equal(r.prov.allocChan({ request: "mem2mem" }).name, taken[3].name);
      assert.equal(codeOf(() => r.prov.allocChan({ request: "NOPE_UP" })), "ENODEV");
      if (f4) {
        assert.equal(codeOf(() => r.prov.allocChan({ dma: "DMA1", stream: 0, dir: "mem2mem" })), "ENODEV");
        var t2 = r.prov.allocChan({ request: "TIM2_UP", stream: 7 });
        assert.equal(t2.name, "DMA1 stream 7");
      } else {
        assert.equal(rig(name).prov.allocChan({ request: "TIM3_UP" }).name, "DMA1 channel 3");
      }
    });

    test("dump: one decoded line per enabled stream", () => {
      var r = rig(name);
      var pz = pacing(name);
      var pacer = pace(r.p, pz.timer, 1000, name);
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.idr });
      var buf = r.p.directAlloc(32);
      r.prov.start(pc, r.prov.prep(pc, { kind: "cyclic", dir: "dev2mem", segments: [{ addr: r.p.addressOf(buf), len: 32 }], periodLen: 16 }));
      var lines = r.prov.dump().trim().split("\n");
      assert.equal(lines.length, 1);
      assert.match(lines[0], /EN=1 DIR=P2M CIRC=1/);
      assert.match(lines[0], new RegExp("NDTR=\\d+ PAR=0x" + pz.idr.toString(16) + " M0AR=0x" + r.p.addressOf(buf).toString(16)));
      pacer.stop();
    });

    test("reachable(): RAM regions the DMA reaches; maxSegmentLen: 65535 items", () => {
      var r = rig(name);
      var b = r.mcu.board;
      assert.equal(r.prov.reachable(0x20000000, 16), true);
      assert.equal(r.prov.reachable(b.flash.base, 16), false);
      assert.equal(r.prov.reachable(0x20000000 + b.ram[0].size - 8, 64), b.ram.length > 1 && b.ram[1].base === 0x20000000 + b.ram[0].size);
      if (name === "f4discovery") assert.equal(r.prov.reachable(0x10000000, 16), false, "CCM is CPU-only");
      assert.equal(r.prov.maxSegmentLen(null, 2), 131070);
    });
  });
}

test("unknown board: ENODEV naming the supported ones", () => {
  var r = rig("pico");
  try {
    createBoardProvider(r.p, "NRF52832DK");
    assert.fail("no error");
  } catch (e: any) {
    assert.equal(e.code, "ENODEV");
    assert.match(e.message, /pico.*wifi.*original.*f4discovery/);
  }
});
