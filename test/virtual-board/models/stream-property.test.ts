// Property: whatever the interleaving, a memory-to-memory stream that is stopped by clearing EN
// has moved exactly a prefix of the source, NDTR tells how much, and nothing moves after EN
// reads 0 (RM0090 10.3.14). Schedules are drawn by fast-check and replayed through step mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mcuFor, pico, original, startStream, fill, f4, f1, DMA2_F4, DMA1_F1, M2M_WORDS } from "./helpers";

test("F4: stop at any point moves a prefix; NDTR is the residue; no write after EN reads 0", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }),
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.constant(Infinity)), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 7 }),
      (words, steps, stopAfter, x) => {
        var m = mcuFor(pico);
        var i = 0;
        m.scheduler.next = () => (i < steps.length ? steps[i++] : 1);
        var src = m.heap.alloc(words * 4)!, dst = m.heap.alloc(words * 4 + 4)!;
        fill(src.data, words);
        startStream(m, DMA2_F4, x, { par: src.addr, m0ar: dst.addr, ndtr: words, cr: M2M_WORDS });
        for (var k = 0; k < stopAfter; k++) m.read32(DMA2_F4 + f4.SNDTR(x));
        m.write32(DMA2_F4 + f4.SCR(x), M2M_WORDS);
        var polls = 0;
        while (m.read32(DMA2_F4 + f4.SCR(x)) & f4.CR_EN) assert.ok(++polls < 1000);
        var ndtr = m.read32(DMA2_F4 + f4.SNDTR(x));
        var moved = (words - ndtr) * 4;
        var snapshot = Array.from(dst.data);
        m.scheduler.next = () => Infinity;
        m.advance(10000);
        assert.deepEqual(Array.from(dst.data), snapshot, "nothing after EN reads 0");
        assert.deepEqual(snapshot.slice(0, moved), Array.from(src.data.subarray(0, moved)));
        assert.ok(snapshot.slice(moved).every((b) => b === 0));
        var flags = (m.read32(DMA2_F4 + (x < 4 ? f4.LISR : f4.HISR)) >>> f4.flagShift(x)) & 0x3f;
        assert.equal(flags & f4.TCIF, f4.TCIF, "TCIF set when the stream has stopped");
        assert.equal(m.violations.length, 0);
      },
    ),
    { numRuns: 200, seed: 1234 },
  );
});

test("F1: clearing EN stops at once: a prefix moved, CNDTR the residue, nothing after", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 32 }),
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.constant(Infinity)), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: 7 }),
      (words, steps, x) => {
        var m = mcuFor(original);
        var i = 0;
        m.scheduler.next = () => (i < steps.length ? steps[i++] : 0);
        var src = m.heap.alloc(words * 4)!, dst = m.heap.alloc(words * 4)!;
        fill(src.data, 3);
        var ccr = f1.CCR_MEM2MEM | f1.CCR_MINC | f1.CCR_PINC | (2 << f1.CCR_PSIZE_SHIFT) | (2 << f1.CCR_MSIZE_SHIFT);
        m.write32(DMA1_F1 + f1.CPAR(x), src.addr);
        m.write32(DMA1_F1 + f1.CMAR(x), dst.addr);
        m.write32(DMA1_F1 + f1.CNDTR(x), words);
        m.write32(DMA1_F1 + f1.CCR(x), ccr | f1.CCR_EN);
        m.write32(DMA1_F1 + f1.CCR(x), ccr);
        var moved = (words - m.read32(DMA1_F1 + f1.CNDTR(x))) * 4;
        m.scheduler.next = () => Infinity;
        m.advance(1000);
        assert.equal((words - m.read32(DMA1_F1 + f1.CNDTR(x))) * 4, moved);
        assert.deepEqual(Array.from(dst.data.subarray(0, moved)), Array.from(src.data.subarray(0, moved)));
        assert.ok(Array.from(dst.data.subarray(moved)).every((b) => b === 0));
      },
    ),
    { numRuns: 200, seed: 99 },
  );
});
