// Clock and scheduler: determinism for a seed, scripted schedules, O(1) idle time.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, startStream, script, f4, DMA2_F4, RCC_F4, M2M_WORDS, fill } from "./helpers";
import { Prng, adversarialChoice } from "../../../host/virtual-board/mcu/index";

/** A small race: two copies run while the CPU polls and then aborts one of them. */
function scenario(seed: number): string {
  var m = mcuFor(pico, { schedule: "adversarial", seed: seed, traceBus: true });
  var a = m.heap.alloc(256)!, b = m.heap.alloc(256)!, c = m.heap.alloc(256)!;
  fill(a.data, 1);
  startStream(m, DMA2_F4, 0, { par: a.addr, m0ar: b.addr, ndtr: 64, cr: M2M_WORDS });
  startStream(m, DMA2_F4, 1, { par: a.addr, m0ar: c.addr, ndtr: 64, cr: M2M_WORDS });
  for (var i = 0; i < 5; i++) m.read32(DMA2_F4 + f4.SNDTR(0));
  m.write32(DMA2_F4 + f4.SCR(1), M2M_WORDS); // abort stream 1
  while (m.read32(DMA2_F4 + f4.SCR(1)) & f4.CR_EN) {}
  m.heap.free(c);
  for (var j = 0; j < 50; j++) m.advance(100);
  return m.traceHash() + "/" + Array.from(c.data).join(",");
}

describe("scheduler", () => {
  test("the PRNG is deterministic and spreads its choices", () => {
    var a = new Prng(7), b = new Prng(7);
    var seen = new Set<number>();
    for (var i = 0; i < 200; i++) {
      var x = adversarialChoice(a);
      assert.equal(x, adversarialChoice(b));
      seen.add(x === Infinity ? -1 : Math.min(x, 2));
    }
    assert.deepEqual([...seen].sort(), [-1, 0, 1, 2]);
  });

  test("adversarial: the same seed replays the same trace, bit for bit", () => {
    assert.equal(scenario(42), scenario(42));
    assert.equal(scenario(7), scenario(7));
  });

  test("adversarial: different seeds can change the interleaving", () => {
    var hashes = new Set<string>();
    for (var s = 1; s <= 8; s++) hashes.add(scenario(s));
    assert.ok(hashes.size >= 3, "distinct traces: " + hashes.size);
  });

  test("a test can script the schedule: 0 holds the DMA, n moves n items, Infinity runs all", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var a = m.heap.alloc(64)!, b = m.heap.alloc(64)!;
    startStream(m, DMA2_F4, 0, { par: a.addr, m0ar: b.addr, ndtr: 16, cr: M2M_WORDS });
    for (var i = 0; i < 20; i++) m.advance(1000);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 16);
    m.scheduler.next = script([2, 5]);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 14);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 9);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 9);
    m.scheduler.next = () => Infinity;
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 0);
  });

  test("nextEventCycle: Infinity when idle, the DMA's next slot when busy, the timer's update when paced", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 10 });
    assert.equal(m.nextEventCycle(), Infinity);
    var a = m.heap.alloc(64)!, b = m.heap.alloc(64)!;
    startStream(m, DMA2_F4, 0, { par: a.addr, m0ar: b.addr, ndtr: 16, cr: M2M_WORDS });
    var n = m.nextEventCycle();
    assert.ok(n > m.cycles - 10 && n <= m.cycles + 4, "next item soon: " + (n - m.cycles));
    m.advance(1000);
    assert.equal(m.nextEventCycle(), Infinity);
    // TIM2 with UDE, its request taken by DMA1 stream 1 (channel 3): the next update event.
    m.write32(RCC_F4 + 0x40, 1);
    m.write32(0x40000000 + 0x2c, 9999);
    m.write32(0x40000000 + 0x0c, 0x100);
    var sink = m.heap.alloc(64)!;
    startStream(m, 0x40026000, 1, { par: 0x40000024, m0ar: sink.addr, ndtr: 16, cr: 3 << f4.CR_CHSEL_SHIFT });
    m.write32(0x40000000, 1);
    var t0 = m.cycles;
    assert.equal(m.nextEventCycle(), t0 + 10000);
    m.advance(m.nextEventCycle() - m.cycles);
    assert.equal(m.cycles, t0 + 10000);
    assert.equal(m.nextEventCycle(), t0 + 10000 + 4, "the DMA serves the request 4 cycles later");
    m.advance(4);
    assert.equal(m.nextEventCycle(), t0 + 20000);
  });

  test("step mode with work pending: the idle CPU lets the DMA step every idle quantum", () => {
    var m = mcuFor(pico, { schedule: "adversarial", seed: 3 });
    var a = m.heap.alloc(64)!, b = m.heap.alloc(64)!;
    m.scheduler.next = () => 0;
    startStream(m, DMA2_F4, 0, { par: a.addr, m0ar: b.addr, ndtr: 16, cr: M2M_WORDS });
    assert.equal(m.nextEventCycle(), m.cycles + m.scheduler.idleQuantumCycles);
    m.scheduler.next = () => 1;
    var turns = 0;
    while (m.nextEventCycle() !== Infinity) {
      m.advance(m.nextEventCycle() - m.cycles);
      turns++;
    }
    assert.equal(turns, 16, "one item per idle turn");
  });

  test("idle time is O(1): a free-running timer without DMA requests across 10^12 cycles", () => {
    var m = mcuFor(pico);
    m.write32(RCC_F4 + 0x40, 1);
    m.write32(0x40000000 + 0x2c, 1); // update every 2 cycles
    m.write32(0x40000000, 1);
    assert.equal(m.nextEventCycle(), Infinity, "no DMA request: nothing to wake up for");
    m.advance(1e12);
    assert.equal(m.read32(0x40000000 + 0x10) & 1, 1, "UIF set by the updates");
  });

  test("adversarial + timer-paced transfer: requests may wait, but never across the next update (no fake overruns)", () => {
    for (var seed = 1; seed <= 5; seed++) {
      var m = mcuFor(pico, { schedule: "adversarial", seed: seed });
      m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1); // GPIOA
      m.write32(RCC_F4 + 0x44, 1); // TIM1
      var n = 0;
      m.gpio[0].input = () => ++n;
      var buf = m.heap.alloc(32)!;
      var TIM1 = 0x40010000;
      m.write32(TIM1 + 0x2c, 499);
      m.write32(TIM1 + 0x0c, 0x100);
      startStream(m, DMA2_F4, 5, { par: 0x40020010, m0ar: buf.addr, ndtr: 32, cr: (6 << f4.CR_CHSEL_SHIFT) | f4.CR_MINC });
      m.write32(TIM1, 1);
      for (var i = 0; i < 200; i++) m.advance(100);
      assert.equal(m.read32(DMA2_F4 + f4.SNDTR(5)), 0, "seed " + seed);
      assert.equal(m.read32(DMA2_F4 + f4.HISR) & (f4.DMEIF << 6), 0, "seed " + seed);
      assert.deepEqual(Array.from(buf.data), Array.from({ length: 32 }, (_, k) => k + 1));
    }
  });

  test("a fast timer with UDE but no stream taking its requests costs nothing while idle; a stream enabled later gets exact timing", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1);
    m.write32(RCC_F4 + 0x44, 1);
    var TIM1 = 0x40010000;
    m.write32(TIM1 + 0x2c, 9); // update every 10 cycles
    m.write32(TIM1 + 0x0c, 0x100);
    m.write32(TIM1, 1);
    var t0 = m.cycles;
    assert.equal(m.nextEventCycle(), Infinity);
    m.advance(1e12 + 3); // 10^11 update events nobody takes
    var buf = m.heap.alloc(4)!;
    m.gpio[0].setInput(0x5a);
    startStream(m, DMA2_F4, 5, { par: 0x40020010, m0ar: buf.addr, ndtr: 4, cr: (6 << f4.CR_CHSEL_SHIFT) | f4.CR_MINC });
    var next = m.nextEventCycle();
    assert.equal((next - t0) % 10, 0, "on the timer's own grid");
    assert.ok(next > m.cycles && next <= m.cycles + 10);
    m.advance(45);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(5)), 0);
    assert.equal(m.read32(DMA2_F4 + f4.HISR) & (0x3f << 6), (f4.TCIF | f4.HTIF) << 6, "no DMEIF");
  });
});
