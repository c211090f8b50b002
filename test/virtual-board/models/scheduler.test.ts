// Clock and scheduler: determinism for a seed, scripted schedules, O(1) idle time.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, original, startStream, script, f4, f1, DMA2_F4, DMA1_F1, RCC_F4, RCC_F1, M2M_WORDS, fill } from "./helpers";
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

  test("adversarial: the same seed replays every trace event, memory byte and violation exactly", () => {
    function run(seed: number) {
      var m = mcuFor(pico, { schedule: "adversarial", seed: seed, traceBus: true, traceItems: true });
      var a = m.heap.alloc(256)!, b = m.heap.alloc(256)!;
      fill(a.data, 3);
      startStream(m, DMA2_F4, 2, { par: a.addr, m0ar: b.addr, ndtr: 64, cr: M2M_WORDS });
      var seen: number[] = [];
      for (var i = 0; i < 6; i++) seen.push(m.read32(DMA2_F4 + f4.SNDTR(2)));
      m.write32(DMA2_F4 + f4.SCR(2), M2M_WORDS); // abort, then free the destination early
      m.heap.free(b);
      while (m.read32(DMA2_F4 + f4.SCR(2)) & f4.CR_EN) {}
      return { trace: JSON.stringify(m.trace), mem: Buffer.from(b.data).toString("hex"), violations: JSON.stringify(m.violations), seen: seen.join() };
    }
    var x = run(1234), y = run(1234);
    assert.ok(x.trace.length > 1000);
    assert.equal(y.trace, x.trace);
    assert.equal(y.mem, x.mem);
    assert.equal(y.violations, x.violations);
    assert.equal(y.seen, x.seen);
    // ...and another seed gives another interleaving: what the CPU saw in NDTR differs.
    var seenBySeed = new Set<string>();
    for (var s = 1; s <= 6; s++) seenBySeed.add(run(s).seen);
    assert.ok(seenBySeed.size >= 2, "NDTR sequences: " + [...seenBySeed].join(" | "));
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

// Regression: serveRequests() kept the stream/channel it had just served in a function-scoped
// `var best` and served it again forever (a hang after the first paced request it served).
// A request held back by a step-mode schedule of 0 is served at the next timer event, one
// item per request; the guard turns the old endless loop into a failure instead of a hang.
describe("step mode: latched requests are served once each at the next update (regression)", () => {
  function guard(limit: number) {
    var seen: number[] = [];
    return {
      seen,
      onOutput: (v: number) => {
        seen.push(v);
        if (seen.length > limit) throw new Error("more items than update events: " + seen.join(","));
      },
    };
  }

  test("F4 stream, TIM1-paced, circular: one item per update, never more", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1); // GPIOA
    m.write32(RCC_F4 + 0x44, 1); // TIM1
    var g = guard(20);
    m.gpio[0].onOutput = g.onOutput;
    var buf = m.heap.alloc(4)!;
    buf.data.set([1, 2, 3, 4]);
    var TIM1 = 0x40010000;
    m.write32(TIM1 + 0x2c, 999);
    m.write32(TIM1 + 0x0c, 0x100); // UDE
    // Memory -> GPIOA ODR, bytes, circular: DMA2 stream 5 channel 6 = TIM1_UP (RM0090 table 43).
    startStream(m, DMA2_F4, 5, { par: 0x40020014, m0ar: buf.addr, ndtr: 4, cr: (6 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) | f4.CR_MINC | f4.CR_CIRC });
    m.scheduler.next = () => 0; // the CPU never lets the DMA run: only the update-time service does
    m.write32(TIM1, 1);
    m.advance(1000 * 6 + 500); // 6 updates: the first 5 requests are served at the next update
    assert.deepEqual(g.seen, [1, 2, 3, 4, 1]);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(5)), 3);
  });

  test("F1 channel, TIM2-paced, circular: one item per update, never more", () => {
    var m = mcuFor(original, { cpuAccessCycles: 1 });
    m.write32(RCC_F1 + 0x18, 1 << 2); // APB2ENR.IOPAEN
    m.write32(RCC_F1 + 0x1c, 1); // APB1ENR.TIM2EN
    var g = guard(20);
    m.gpio[0].onOutput = g.onOutput;
    var buf = m.heap.alloc(4)!;
    buf.data.set([1, 2, 3, 4]);
    var TIM2 = 0x40000000;
    m.write32(TIM2 + 0x2c, 719);
    m.write32(TIM2 + 0x0c, 0x100);
    // Memory -> GPIOA ODR (0x4001080C): DMA1 channel 2 = TIM2_UP (RM0008 table 78).
    var ch = 2, base = DMA1_F1;
    m.write32(base + f1.CPAR(ch), 0x4001080c);
    m.write32(base + f1.CMAR(ch), buf.addr);
    m.write32(base + f1.CNDTR(ch), 4);
    // PSIZE word, MSIZE byte: each byte is zero-extended to a word (RM0008 table 76); GPIO
    // takes words only (a byte write would appear on every lane, RM0008 13.3.4).
    m.write32(base + f1.CCR(ch), (2 << f1.CCR_PSIZE_SHIFT) | f1.CCR_DIR | f1.CCR_MINC | f1.CCR_CIRC | f1.CCR_EN);
    m.scheduler.next = () => 0;
    m.write32(TIM2, 1);
    m.advance(720 * 6 + 360);
    assert.deepEqual(g.seen, [1, 2, 3, 4, 1]);
    assert.equal(m.read32(base + f1.CNDTR(ch)), 3);
  });
});
