// Driver features the issue lists one by one, each against the virtual board's DMA models:
// FIFO/direct mode, priority, one status read per poll, the checks before EN, the F1's EN at
// transfer complete, the adaptive poll, the refusals with a clear DmaError.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BOARDS, rig, pollUntil, pacing, Rig } from "./helpers";
import { pace } from "../../firmware/drivers/index";
import { createEngine } from "../../firmware/index";
import type { ProviderChan, Provider } from "../../firmware/dmaengine/provider";

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) { if (e && e.name === "DmaError") return e.code; throw e; }
  return "no error";
}

/** Address of stream/channel pc's control register, from the full board data (not the driver's). */
function crOf(r: Rig, pc: ProviderChan): number {
  var m = /^(DMA\d) \w+ (\d)$/.exec(pc.name)!, d = r.mcu.board.dma.filter((x) => x.name === m[1])[0], n = +m[2];
  return r.mcu.board.family === "F4" ? d.base + 0x10 + 0x18 * n : d.base + 0x08 + 0x14 * (n - 1);
}

function memcpy(r: Rig, pc: ProviderChan, len: number) {
  var a = r.p.directAlloc(len), b = r.p.directAlloc(len);
  for (var i = 0; i < len; i++) a[i] = (i * 7 + 1) & 0xff;
  var hw = r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: r.p.addressOf(a), dst: r.p.addressOf(b), segments: [{ addr: r.p.addressOf(b), len }] });
  return { a, b, hw };
}

for (const name of BOARDS) {
  describe(`driver features on ${name}`, () => {
    const f4 = name !== "original";

    test("priority: a very_high transfer started second finishes first", () => {
      var r = rig(name);
      var lo = r.prov.allocChan({ request: "mem2mem" }), hi = r.prov.allocChan({ request: "mem2mem" });
      r.prov.config(lo, { priority: "low" });
      r.prov.config(hi, { priority: "very_high" });
      var x = memcpy(r, lo, 2000), y = memcpy(r, hi, 2000);
      // Both enabled before the controller moves (a 168 MHz bus would finish lo's 2000 items
      // during hi's start): from then on the arbiter alone decides.
      r.mcu.scheduler.next = () => 0;
      r.prov.start(lo, x.hw);
      r.prov.start(hi, y.hw);
      r.mcu.scheduler.next = null;
      var order: string[] = [];
      for (var k = 0; order.length < 2 && k < 100000; k++) {
        for (const e of r.prov.poll([lo, hi].filter((c: any) => !order.includes(c.name)))) order.push(e.chan.name);
        r.mcu.advance(50);
      }
      // Equal priorities go to the lower stream number (RM0090 10.3.4, RM0008 13.3.2): lo's.
      assert.deepEqual(order, [hi.name, lo.name]);
      assert.deepEqual(Array.from(y.b), Array.from(y.a));
      assert.deepEqual(Array.from(x.b), Array.from(x.a));
      assert.equal(codeOf(() => r.prov.config(lo, { priority: "urgent" })), "EINVAL");
    });

    test("poll reads each status register once, whatever the number of streams in flight", () => {
      var r = rig(name);
      // Timer-paced lines whose timers do not run: in flight, never moving. F4: TIM2_UP and
      // TIM3_UP are DMA1 streams 1 and 2 (LISR), TIM4_UP stream 6 (HISR); F1: all in DMA1's ISR.
      var pcs = ["TIM2_UP", "TIM3_UP", "TIM4_UP"].map((req) => {
        var pc = r.prov.allocChan({ request: req });
        r.prov.config(pc, { periphAddr: 0x40000000 });
        r.prov.start(pc, r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(r.p.directAlloc(4)), len: 4 }] }));
        return pc;
      });
      r.count.reset();
      assert.deepEqual(r.prov.poll(pcs.slice(0, 2)), []);
      assert.equal(r.count.total(), 1, "two streams, one status register");
      r.count.reset();
      assert.deepEqual(r.prov.poll(pcs), []);
      assert.equal(r.count.total(), f4 ? 2 : 1, f4 ? "LISR and HISR" : "one ISR for seven channels");
    });

    test("start: a stream someone else runs is left alone; stale flags do not block a new start", () => {
      var r = rig(name);
      var pc = r.prov.allocChan({ request: "mem2mem" });
      var x = memcpy(r, pc, 64);
      r.prov.start(pc, x.hw);
      r.loop.advanceBy(1);
      if (f4) {
        // Completed, not polled: TCIF is still set and the model refuses EN while it is
        // (RM0090 10.5.5). start() clears it first.
        var y = memcpy(r, pc, 64);
        r.prov.start(pc, y.hw);
        assert.deepEqual(pollUntil(r, pc).map((e) => e.kind), ["complete"]);
        assert.deepEqual(Array.from(y.b), Array.from(y.a));
      } else {
        // The F1 leaves EN set after the last item (RM0008 13.3.1): start() sees it running...
        assert.equal(r.p.peek32(crOf(r, pc)) & 1, 1);
        r.count.reset();
        assert.equal(codeOf(() => r.prov.start(pc, memcpy(r, pc, 8).hw)), "EBUSY");
        assert.equal(r.count.writes, 0, "and writes nothing");
        // ...and the poll that reports the completion clears it.
        assert.deepEqual(pollUntil(r, pc).map((e) => e.kind), ["complete"]);
        assert.equal(r.p.peek32(crOf(r, pc)) & 1, 0);
      }
      // A stream enabled behind the driver's back (Espruino's own use) is not handed out.
      var other = rig(name), mine = other.prov.allocChan({ request: "TIM3_UP" }), cr = crOf(other, mine);
      other.prov.freeChan(mine);
      other.p.poke32(cr, other.p.peek32(cr) | 1);
      assert.equal(codeOf(() => other.prov.allocChan({ request: "TIM3_UP" })), "EBUSY");
    });

    test("refusals: clear DmaErrors for what the hardware cannot do", () => {
      var r = rig(name);
      var pc = r.prov.allocChan({ request: "mem2mem" });
      var buf = r.p.addressOf(r.p.directAlloc(64)), seg = [{ addr: buf, len: 64 }];
      var copy = (cfg: any) => { r.prov.config(pc, cfg); return () => r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: buf, dst: buf, segments: seg }); };
      assert.equal(codeOf(copy({ burst: 4 })), "EINVAL", "bursts");
      assert.equal(codeOf(copy({ fifo: 5 })), "EINVAL", "fifo threshold");
      assert.equal(codeOf(copy({ fifo: 2 })), f4 ? "no error" : "EINVAL", "the F1 has no FIFO");
      assert.equal(codeOf(copy({ memWidth: 4, periphWidth: 1 })), f4 ? "no error" : "EINVAL", "the F4 FIFO packs, the F1 truncates");
      r.prov.config(pc, {});
      assert.equal(codeOf(() => r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: buf, dst: buf, segments: [{ addr: buf, len: 65536 }] })), "EINVAL", "NDTR is 16 bits");
      var slave = r.prov.allocChan({ request: "TIM2_UP" });
      assert.equal(codeOf(() => r.prov.prep(slave, { kind: "slave_sg", dir: "dev2mem", segments: seg })), "EINVAL", "no periphAddr");
      r.prov.config(slave, { periphAddr: 0x40000000 });
      assert.equal(codeOf(() => r.prov.prep(slave, { kind: "cyclic", dir: "dev2mem", segments: seg, periodLen: 24 })), "EINVAL", "period not dividing the ring");
      if (f4) {
        var d1 = r.prov.allocChan({ dma: "DMA1", stream: 3 });
        assert.match(String(codeOf(() => r.prov.prep(d1, { kind: "memcpy", dir: "mem2mem", src: buf, dst: buf, segments: seg }))), /EINVAL/, "memcpy on DMA1");
        assert.equal(codeOf(() => r.prov.allocChan({ dma: "DMA1", stream: 4, dir: "mem2mem" })), "ENODEV");
      }
      try {
        r.prov.allocChan({ request: "SPI9_TX" });
        assert.fail("no error");
      } catch (e: any) {
        assert.equal(e.code, "ENODEV");
        assert.match(e.message, /MEM2MEM TIM1_UP TIM2_UP/, "names the lines there are");
      }
    });

    if (f4) {
      test("F4 FIFO: bytes from the peripheral packed into words; direct mode when widths match", () => {
        var r = rig(name);
        var pz = pacing(name);
        r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
        var pacer = pace(r.p, pz.timer, 10000, name);
        var pc = r.prov.allocChan({ request: pacer.request });
        var fcr = crOf(r, pc) + 0x14;
        r.prov.config(pc, { periphAddr: pz.idr, periphWidth: 1, memWidth: 1 });
        r.prov.start(pc, r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(r.p.directAlloc(4)), len: 4 }] }));
        assert.equal(r.p.peek32(fcr) & 4, 0, "DMDIS clear: direct mode");
        pollUntil(r, pc);
        var n = 0;
        r.mcu.gpio[0].input = () => 0x10 + (n++ & 0x3f);
        r.prov.config(pc, { periphAddr: pz.idr, periphWidth: 1, memWidth: 4, fifo: 2 });
        var buf = r.p.directAlloc(32);
        r.prov.start(pc, r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(buf), len: 32 }] }));
        assert.equal(r.p.peek32(fcr) & 7, 4 | 1, "DMDIS set, FTH half");
        assert.deepEqual(pollUntil(r, pc).map((e) => e.kind), ["complete"]);
        // Each byte read in order lands in order: the words hold consecutive samples.
        var first = buf[0];
        for (var i = 0; i < 32; i++) assert.equal(buf[i], first + i, "byte " + i);
        pacer.stop();
      });
    }

    test("the poll timer runs only while something moves, scheduled for when the transfer is due to end", () => {
      var r = rig(name);
      var polls = 0, prov: Provider = Object.create(r.prov);
      prov.poll = (l) => { polls++; return r.prov.poll(l); };
      var engine = createEngine(r.p, prov);
      var pz = pacing(name);
      r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
      // 1000 items at 1 kHz: a second on the wire.
      var pacer = pace(r.p, pz.timer, 1000, name);
      var ch = engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
      ch.config({ periphAddr: pz.odr, periphWidth: pz.outWidth || undefined });
      var done: any[] = [];
      ch.prepSlaveSg([r.p.directAlloc(1000)], "mem2dev", { callback: (x: any) => done.push(x) }).submit();
      assert.equal(r.loop.pending(), 0, "nothing issued, no timer");
      var t0 = r.loop.now();
      ch.issuePending();
      r.loop.runUntilIdle(5000);
      assert.deepEqual(done, [{ result: "ok", residue: 0 }]);
      var took = r.loop.now() - t0;
      assert.ok(took >= 1000 && took < 1003, "completion noticed when due: " + took + " ms");
      assert.ok(polls >= 1 && polls <= 2, polls + " polls for a 1 s transfer");
      assert.equal(r.loop.pending(), 0, "idle again: no timer");
      pacer.stop();
      ch.release();
      // Once the timer stops, its rate tells nothing: such a transfer is polled at the fastest rate.
      var pc = r.prov.allocChan({ request: pacer.request });
      r.prov.config(pc, { periphAddr: pz.odr, periphWidth: pz.outWidth || undefined });
      assert.equal(r.prov.prep(pc, { kind: "slave_sg", dir: "mem2dev", segments: [{ addr: r.p.addressOf(r.p.directAlloc(8)), len: 8 }] }).expectedMs, 0);
    });

    test("synchronize() of a stream that does not stop: ETIMEDOUT, the channel stays blocked until it does", () => {
      var r = rig(name, { schedule: "adversarial" });
      var engine = createEngine(r.p, r.prov);
      var ch = engine.requestChannel({ request: "mem2mem" });
      var a = r.p.directAlloc(4000), b = r.p.directAlloc(4000);
      r.mcu.scheduler.next = () => 0;
      ch.prepMemcpy(b, a, 4000).submit();
      ch.issuePending();
      ch.terminateAsync();
      if (f4) {
        // An F4 stream finishes its current item before EN reads 0 (RM0090 10.3.14); here the
        // bus never lets it.
        assert.equal(codeOf(() => ch.synchronize(2)), "ETIMEDOUT");
        assert.equal(codeOf(() => ch.issuePending()), "EBUSY", "still needs a synchronize()");
      }
      r.mcu.scheduler.next = () => Infinity;
      ch.synchronize(2);
      ch.prepMemcpy(b, a, 16).submit();
      ch.issuePending();
      r.loop.runUntilIdle(100);
      assert.deepEqual(Array.from(b.subarray(0, 16)), Array.from(a.subarray(0, 16)));
    });
  });
}

test("pace: unknown timers and impossible rates are refused", () => {
  var r = rig("pico");
  assert.equal(codeOf(() => pace(r.p, "TIM9", 1000, "pico")), "ENODEV");
  assert.equal(codeOf(() => pace(r.p, "TIM1", 1000, "original")), "ENODEV", "no TIM1 pacing on the F1 board");
  assert.equal(codeOf(() => pace(r.p, "TIM2", 1e9, "pico")), "EINVAL");
  assert.equal(codeOf(() => pace(r.p, "TIM2", 0.001, "pico")), "EINVAL");
  var p = pace(r.p, "tim3", 1000, "pico");
  assert.equal(p.request, "TIM3_UP");
  assert.ok(Math.abs(p.hz - 1000) < 0.01, "rate set " + p.hz);
});
