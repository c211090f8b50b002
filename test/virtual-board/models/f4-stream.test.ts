// STM32F4 stream DMA model (RM0090 section 10), driven through the bus at absolute addresses.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, f4discovery, startStream, streamFlags, fill, script, f4, DMA1_F4, DMA2_F4, RCC_F4, M2M_WORDS } from "./helpers";

const { SCR, SNDTR, SPAR, SM0AR, SM1AR, SFCR, CR_EN, CR_CIRC, CR_MINC, CR_DBM, CR_CT, CR_TCIE } = f4;
const { TCIF, HTIF, TEIF, DMEIF, FEIF } = f4;

function bytes(a: Uint8Array) {
  return Array.from(a);
}

describe("F4 stream DMA: memory-to-memory (RM0090 10.3.6)", () => {
  test("copies exactly NDTR words, sets HTIF+TCIF, clears EN, leaves the word past the end alone", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(64)!, dst = m.heap.alloc(68)!;
    fill(src.data, 1);
    dst.data.fill(0xee);
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 16, cr: M2M_WORDS });
    m.advance(10000);
    assert.deepEqual(bytes(dst.data.subarray(0, 64)), bytes(src.data));
    assert.deepEqual(bytes(dst.data.subarray(64)), [0xee, 0xee, 0xee, 0xee]);
    assert.equal(streamFlags(m, DMA2_F4, 0), TCIF | HTIF);
    assert.equal(m.read32(DMA2_F4 + SCR(0)) & CR_EN, 0);
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 0);
    assert.equal(m.violations.length, 0);
  });

  test("normal schedule: one item per itemCycles after the enable latency", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    var src = m.heap.alloc(400)!, dst = m.heap.alloc(400)!;
    startStream(m, DMA2_F4, 1, { par: src.addr, m0ar: dst.addr, ndtr: 100, cr: M2M_WORDS });
    var n0 = m.read32(DMA2_F4 + SNDTR(1));
    assert.equal(n0, 100, "nothing moved within the 4-cycle latency");
    m.advance(200);
    var n1 = m.read32(DMA2_F4 + SNDTR(1));
    assert.ok(n0 - n1 >= 49 && n0 - n1 <= 51, "about 200/4 items in 200 cycles, got " + (n0 - n1));
  });

  test("DMA1 cannot do memory-to-memory: its peripheral port reaches APB1 only -> TEIF, EN cleared", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    fill(src.data, 5);
    startStream(m, DMA1_F4, 3, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    assert.equal(streamFlags(m, DMA1_F4, 3), TEIF);
    assert.equal(m.read32(DMA1_F4 + SCR(3)) & CR_EN, 0);
    assert.equal(m.read32(DMA1_F4 + SNDTR(3)), 4);
    assert.deepEqual(bytes(dst.data), new Array(16).fill(0));
  });

  test("CIRC is not honoured in memory-to-memory mode: the stream stops at the end", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 2, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS | CR_CIRC });
    m.advance(1000);
    assert.equal(m.read32(DMA2_F4 + SCR(2)) & CR_EN, 0);
    assert.equal(m.read32(DMA2_F4 + SNDTR(2)), 0);
    assert.equal(streamFlags(m, DMA2_F4, 2) & TCIF, TCIF);
    // FIFO mode is forced in memory-to-memory (SxFCR.DMDIS set by hardware, RM0090 10.5.10).
    assert.equal(m.read32(DMA2_F4 + SFCR(2)) & f4.FCR_DMDIS, f4.FCR_DMDIS);
  });

  test("a bus error (unmapped source) sets TEIF and clears EN (RM0090 10.3.18)", () => {
    var m = mcuFor(pico);
    var dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 7, { par: 0x30000000, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    assert.equal(streamFlags(m, DMA2_F4, 7), TEIF);
    assert.equal(m.read32(DMA2_F4 + SCR(7)) & CR_EN, 0);
  });

  test("CCM RAM on the F407 is not reachable by DMA (RM0090 2.3.1) but is by the CPU", () => {
    var m = mcuFor(f4discovery);
    var src = m.heap.alloc(16)!;
    var ccm = m.heap.alloc(16, "CCM")!;
    assert.equal(ccm.addr >>> 28, 1);
    m.write32(ccm.addr, 0x12345678);
    assert.equal(m.read32(ccm.addr), 0x12345678);
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: ccm.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    assert.equal(streamFlags(m, DMA2_F4, 0), TEIF);
    assert.equal(m.read32(ccm.addr), 0x12345678);
  });

  test("NDTR holds 0..65535: a 65535-byte copy moves exactly 65535 bytes", () => {
    var m = mcuFor(pico);
    var d = m.heap.alloc(65535 + 5)!;
    d.data.fill(0xaa);
    m.write32(DMA2_F4 + SNDTR(0), 0x1ffff); // only 16 bits are kept
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 0xffff);
    // Source: free RAM at the bottom of SRAM (below the heap), bytes 0x00..0xff repeated.
    for (var i = 0; i < 0x800; i += 4) m.debugWrite(0x20000000 + i, 4, (i & 0xff) * 0x01010101 + 0x03020100 >>> 0);
    var cr = (2 << f4.CR_DIR_SHIFT) | f4.CR_MINC; // bytes, source not incremented
    startStream(m, DMA2_F4, 0, { par: 0x20000005, m0ar: d.addr, ndtr: 65535, cr: cr });
    m.advance(65535 * 4 + 100);
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 0);
    assert.equal(streamFlags(m, DMA2_F4, 0), TCIF | HTIF);
    assert.equal(d.data[0], 0x05);
    assert.equal(d.data[65534], 0x05, "last byte copied");
    assert.deepEqual(bytes(d.data.subarray(65535)), [0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
  });

  test("NDTR reloads the programmed value when the stream is enabled again after completing (RM0090 10.5.6)", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 0);
    m.write32(DMA2_F4 + f4.LIFCR, 0x3d);
    m.scheduler.next = () => 0;
    m.write32(DMA2_F4 + SCR(0), M2M_WORDS | CR_EN);
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 4);
  });
});

describe("F4 stream DMA: disabling (RM0090 10.3.14, 10.5.5 EN)", () => {
  test("clearing EN: EN reads 1 until the current item completes, then 0 with TCIF set", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0; // the DMA moves only when the test says so
    var src = m.heap.alloc(64)!, dst = m.heap.alloc(64)!;
    fill(src.data, 9);
    startStream(m, DMA2_F4, 4, { par: src.addr, m0ar: dst.addr, ndtr: 16, cr: M2M_WORDS });
    m.scheduler.next = script([3]); // three items before the next access
    assert.equal(m.read32(DMA2_F4 + SNDTR(4)), 13);
    m.write32(DMA2_F4 + SCR(4), M2M_WORDS); // clear EN
    assert.equal(m.read32(DMA2_F4 + SCR(4)) & CR_EN, CR_EN, "EN still reads 1");
    assert.equal(streamFlags(m, DMA2_F4, 4), 0);
    m.scheduler.next = script([1]); // the stop happens now: the item in progress completes
    assert.equal(m.read32(DMA2_F4 + SCR(4)) & CR_EN, 0);
    assert.equal(streamFlags(m, DMA2_F4, 4), TCIF);
    assert.equal(m.read32(DMA2_F4 + SNDTR(4)), 12, "exactly one more item moved");
    assert.deepEqual(bytes(dst.data.subarray(0, 16)), bytes(src.data.subarray(0, 16)));
    assert.deepEqual(bytes(dst.data.subarray(16)), new Array(48).fill(0));
    m.scheduler.next = () => Infinity;
    m.advance(1000);
    assert.deepEqual(bytes(dst.data.subarray(16)), new Array(48).fill(0), "nothing more after EN reads 0");
  });

  test("configuration writes are ignored while EN=1; interrupt enables are not (RM0090 10.5.5-10.5.10)", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var src = m.heap.alloc(64)!, dst = m.heap.alloc(64)!, other = m.heap.alloc(64)!;
    startStream(m, DMA2_F4, 5, { par: src.addr, m0ar: dst.addr, ndtr: 16, cr: M2M_WORDS, fcr: 0x01 });
    var b = DMA2_F4;
    m.write32(b + SNDTR(5), 3);
    m.write32(b + SPAR(5), other.addr);
    m.write32(b + SM0AR(5), other.addr);
    m.write32(b + SM1AR(5), other.addr);
    m.write32(b + SFCR(5), 0x03 | f4.FCR_FEIE);
    m.write32(b + SCR(5), (M2M_WORDS & ~CR_MINC) | CR_EN | CR_TCIE);
    assert.equal(m.read32(b + SNDTR(5)), 16);
    assert.equal(m.read32(b + SPAR(5)), src.addr);
    assert.equal(m.read32(b + SM0AR(5)), dst.addr);
    assert.equal(m.read32(b + SM1AR(5)), 0);
    assert.equal(m.read32(b + SFCR(5)) & 0x87, 0x05 | f4.FCR_FEIE, "FTH kept, DMDIS forced, FEIE taken");
    assert.equal(m.read32(b + SCR(5)), M2M_WORDS | CR_EN | CR_TCIE);
    assert.ok(m.trace.some((e) => e.type === "write_ignored"));
    m.scheduler.next = () => Infinity;
    m.advance(10);
    assert.equal(m.read32(b + SNDTR(5)), 0);
    assert.equal(m.violations.length, 0, "MINC stayed on: the copy stayed inside dst");
  });

  test("setting EN with the stream's flags still set does not start it (RM0090 10.5.5)", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 6, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    assert.equal(streamFlags(m, DMA2_F4, 6), TCIF | HTIF);
    m.write32(DMA2_F4 + SNDTR(6), 4);
    m.write32(DMA2_F4 + SCR(6), M2M_WORDS | CR_EN);
    assert.equal(m.read32(DMA2_F4 + SCR(6)) & CR_EN, 0);
    assert.ok(m.trace.some((e) => e.type === "enable_refused"));
  });
});

describe("F4 stream DMA: flag registers (RM0090 10.5.1-10.5.4)", () => {
  test("HISR layout: streams 4..7 at bits 0, 6, 16, 22; HIFCR clears only the bits written", () => {
    var m = mcuFor(pico);
    for (var x = 4; x < 8; x++) {
      var src = m.heap.alloc(4)!, dst = m.heap.alloc(4)!;
      startStream(m, DMA2_F4, x, { par: src.addr, m0ar: dst.addr, ndtr: 1, cr: M2M_WORDS });
      m.advance(100);
    }
    var all = TCIF | HTIF;
    assert.equal(m.read32(DMA2_F4 + f4.HISR), ((all << 0) | (all << 6) | (all << 16) | (all << 22)) >>> 0);
    assert.equal(m.read32(DMA2_F4 + f4.LISR), 0);
    m.write32(DMA2_F4 + f4.HIFCR, TCIF << 22); // stream 7 TCIF only
    assert.equal(streamFlags(m, DMA2_F4, 7), HTIF);
    assert.equal(streamFlags(m, DMA2_F4, 6), all);
    m.write32(DMA2_F4 + f4.HISR, 0); // read-only: ignored
    assert.equal(streamFlags(m, DMA2_F4, 4), all);
    assert.equal(m.read32(DMA2_F4 + f4.HIFCR), 0);
  });

  test("stream 7 registers sit at 0xB8..0xCC; 0xD0 is past the last stream", () => {
    var m = mcuFor(pico);
    m.write32(DMA2_F4 + 0xb8 + 0x08, 0x40000000); // S7PAR
    assert.equal(m.read32(DMA2_F4 + SPAR(7)), 0x40000000);
    assert.equal(SFCR(7), 0xcc);
    m.write32(DMA2_F4 + 0xd0, 0xffffffff);
    assert.equal(m.read32(DMA2_F4 + 0xd0), 0);
    assert.ok(m.trace.some((e) => e.type === "unmodelled" && e.offset === 0xd0));
  });
});

describe("F4 stream DMA: peripheral-paced transfers", () => {
  // TIM1 update -> DMA2 stream 5 channel 6 (RM0090 table 43); TIM2 update -> DMA1 stream 1
  // channel 3 (table 42). GPIO is on AHB1: only DMA2's peripheral port reaches it.
  const TIM1 = 0x40010000, TIM2 = 0x40000000, GPIOA = 0x40020000;
  const CH6 = 6 << f4.CR_CHSEL_SHIFT;
  function timer1(m: ReturnType<typeof mcuFor>, psc: number, arr: number) {
    m.write32(RCC_F4 + 0x44, 1); // APB2ENR.TIM1EN
    m.write32(TIM1 + 0x28, psc);
    m.write32(TIM1 + 0x2c, arr);
    m.write32(TIM1 + 0x14, 1); // UG: load PSC
    m.write32(TIM1 + 0x10, 0); // clear UIF
    m.write32(TIM1 + 0x0c, 0x100); // UDE
  }
  function gpioOn(m: ReturnType<typeof mcuFor>) {
    m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1); // AHB1ENR.GPIOAEN
  }

  test("timer-paced memory-to-GPIO: one item per update event, at the timer's rate, circular with HT/TC", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    gpioOn(m);
    var seen: [number, number][] = [];
    m.gpio[0].onOutput = (v, c) => seen.push([v, c]);
    var buf = m.heap.alloc(8)!;
    for (var i = 0; i < 4; i++) buf.data[i * 2] = i + 1;
    timer1(m, 0, 999); // 1000 cycles per update on the pico (TIM1 clock = HCLK)
    var cr = CH6 | (1 << f4.CR_DIR_SHIFT) | CR_MINC | CR_CIRC | (1 << f4.CR_PSIZE_SHIFT) | (1 << f4.CR_MSIZE_SHIFT);
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x14, m0ar: buf.addr, ndtr: 4, cr: cr });
    m.write32(TIM1, 1); // CEN
    var start = m.cycles;
    m.advance(6100);
    assert.deepEqual(seen.map((s) => s[0]), [1, 2, 3, 4, 1, 2]);
    for (var k = 1; k < seen.length; k++) assert.equal(seen[k][1] - seen[k - 1][1], 1000);
    assert.ok(seen[0][1] - start <= 1000 + 4);
    assert.equal(streamFlags(m, DMA2_F4, 5), TCIF | HTIF);
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_EN, CR_EN, "circular keeps running");
    assert.equal(m.read32(DMA2_F4 + SNDTR(5)), 2);
  });

  test("DMA1's peripheral port cannot reach GPIO (AHB1): TEIF on the first request", () => {
    var m = mcuFor(pico);
    gpioOn(m);
    var buf = m.heap.alloc(8)!;
    startStream(m, DMA1_F4, 1, { par: GPIOA + 0x14, m0ar: buf.addr, ndtr: 4, cr: (3 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) | CR_MINC });
    m.dmaRequest("TIM2_UP");
    m.advance(100);
    assert.equal(streamFlags(m, DMA1_F4, 1), TEIF);
    assert.equal(m.read32(DMA1_F4 + SCR(1)) & CR_EN, 0);
  });

  test("DMA1 paced by TIM2 writes an APB1 register (TIM3 ARR) at each update", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    m.write32(RCC_F4 + 0x40, 3); // TIM2EN, TIM3EN
    var buf = m.heap.alloc(8)!;
    buf.data.set([0x11, 0x00, 0x22, 0x00, 0x33, 0x00, 0x44, 0x00]);
    m.write32(TIM2 + 0x2c, 499);
    m.write32(TIM2 + 0x0c, 0x100);
    var cr = (3 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) | CR_MINC | (1 << f4.CR_PSIZE_SHIFT);
    startStream(m, DMA1_F4, 7, { par: 0x40000400 + 0x2c, m0ar: buf.addr, ndtr: 4, cr: cr });
    m.write32(TIM2, 1);
    var values: number[] = [];
    m.advance(10); // the DMA serves each request a few cycles after the update event
    for (var i = 0; i < 4; i++) {
      m.advance(500);
      values.push(m.read32(0x40000400 + 0x2c));
    }
    assert.deepEqual(values, [0x11, 0x22, 0x33, 0x44]);
    assert.equal(streamFlags(m, DMA1_F4, 7), TCIF | HTIF);
  });

  test("the request only reaches a stream whose CHSEL selects it (RM0090 10.3.3)", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    gpioOn(m);
    var buf = m.heap.alloc(8)!;
    timer1(m, 0, 99);
    var cr = (5 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) | CR_MINC;
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x14, m0ar: buf.addr, ndtr: 4, cr: cr });
    m.write32(TIM1, 1);
    m.advance(1000);
    assert.equal(m.read32(DMA2_F4 + SNDTR(5)), 4);
  });

  test("direct mode: a request arriving before the previous one was served sets DMEIF; FIFO mode absorbs it", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var buf = m.heap.alloc(16)!;
    var cr = CH6 | CR_MINC; // P2M bytes from GPIOA IDR
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x10, m0ar: buf.addr, ndtr: 8, cr: cr });
    m.dmaRequest("TIM1_UP");
    assert.equal(streamFlags(m, DMA2_F4, 5), 0);
    m.dmaRequest("TIM1_UP");
    assert.equal(streamFlags(m, DMA2_F4, 5), DMEIF);
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_EN, CR_EN, "the stream keeps running");
    m.write32(DMA2_F4 + SCR(5), cr);
    m.scheduler.next = script([1]);
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_EN, 0);
    m.scheduler.next = () => 0;
    // FIFO mode (DMDIS=1): 16 bytes fit in the FIFO before an overrun (FEIF).
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x10, m0ar: buf.addr, ndtr: 8, cr: cr, fcr: f4.FCR_DMDIS | 3 });
    for (var i = 0; i < 16; i++) m.dmaRequest("TIM1_UP");
    assert.equal(streamFlags(m, DMA2_F4, 5), 0);
    m.dmaRequest("TIM1_UP");
    assert.equal(streamFlags(m, DMA2_F4, 5), FEIF);
  });

  test("FIFO threshold incompatible with the memory burst: FEIF and the stream stays disabled (table 48)", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var buf = m.heap.alloc(64)!, src = m.heap.alloc(64)!;
    // MSIZE=word, MBURST=INCR4 (16 bytes) needs a full FIFO threshold; FTH=1/2 is forbidden.
    var cr = M2M_WORDS | (1 << f4.CR_MBURST_SHIFT);
    startStream(m, DMA2_F4, 3, { par: src.addr, m0ar: buf.addr, ndtr: 16, cr: cr, fcr: f4.FCR_DMDIS | 1 });
    assert.equal(streamFlags(m, DMA2_F4, 3), FEIF);
    assert.equal(m.read32(DMA2_F4 + SCR(3)) & CR_EN, 0);
    startStream(m, DMA2_F4, 3, { par: src.addr, m0ar: buf.addr, ndtr: 16, cr: cr, fcr: f4.FCR_DMDIS | 3 });
    assert.equal(m.read32(DMA2_F4 + SCR(3)) & CR_EN, CR_EN);
  });

  test("byte reads from GPIO IDR with MINC, PINC off; halfword PSIZE moves 2 bytes per item", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => Infinity;
    gpioOn(m);
    var level = 0x1234;
    m.gpio[0].input = () => level++;
    var buf = m.heap.alloc(8)!;
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x10, m0ar: buf.addr, ndtr: 3, cr: CH6 | CR_MINC });
    for (var i = 0; i < 3; i++) m.dmaRequest("TIM1_UP"), m.advance(10);
    assert.deepEqual(bytes(buf.data), [0x34, 0x35, 0x36, 0, 0, 0, 0, 0]);
    m.write32(DMA2_F4 + f4.HIFCR, 0x3d << 6);
    var cr = CH6 | CR_MINC | (1 << f4.CR_PSIZE_SHIFT) | (1 << f4.CR_MSIZE_SHIFT);
    startStream(m, DMA2_F4, 5, { par: GPIOA + 0x10, m0ar: buf.addr + 2, ndtr: 2, cr: cr });
    for (var j = 0; j < 2; j++) m.dmaRequest("TIM1_UP"), m.advance(10);
    assert.deepEqual(bytes(buf.data), [0x34, 0x35, 0x37, 0x12, 0x38, 0x12, 0, 0]);
  });
});

describe("F4 stream DMA: double buffer (RM0090 10.3.9)", () => {
  test("CT switches at each end of buffer, TCIF each time; the idle buffer's address may be rewritten", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var a = m.heap.alloc(4)!, b = m.heap.alloc(4)!, c = m.heap.alloc(4)!;
    var cr = (6 << f4.CR_CHSEL_SHIFT) | CR_MINC | CR_DBM; // P2M bytes from GPIOA IDR
    m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1);
    var v = 1;
    m.gpio[0].input = () => v++;
    startStream(m, DMA2_F4, 5, { par: 0x40020010, m0ar: a.addr, m1ar: b.addr, ndtr: 2, cr: cr });
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_CIRC, CR_CIRC, "CIRC forced with DBM");
    var serve = () => { m.dmaRequest("TIM1_UP"); m.scheduler.next = script([1]); m.read32(DMA2_F4 + SNDTR(5)); };
    serve(); serve();
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_CT, CR_CT);
    assert.equal(streamFlags(m, DMA2_F4, 5), TCIF | HTIF);
    m.write32(DMA2_F4 + SM0AR(5), c.addr); // CT=1: M0AR is idle, may be rewritten
    assert.equal(m.read32(DMA2_F4 + SM0AR(5)), c.addr);
    serve(); serve();
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_CT, 0);
    serve();
    assert.deepEqual([bytes(a.data), bytes(b.data), bytes(c.data)], [[1, 2, 0, 0], [3, 4, 0, 0], [5, 0, 0, 0]]);
    // Writing the memory address register in use (M0AR while CT=0) is a transfer error.
    m.write32(DMA2_F4 + SM0AR(5), a.addr);
    assert.equal(streamFlags(m, DMA2_F4, 5) & TEIF, TEIF);
    assert.equal(m.read32(DMA2_F4 + SCR(5)) & CR_EN, 0);
  });
});

describe("F4 stream DMA: arbitration and clock", () => {
  test("priority: higher PL first, then the lower stream number (RM0090 10.3.4)", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var bufs = [0, 1, 2, 3].map(() => m.heap.alloc(16)!);
    var src = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 5, { par: src.addr, m0ar: bufs[0].addr, ndtr: 4, cr: M2M_WORDS });
    startStream(m, DMA2_F4, 2, { par: src.addr, m0ar: bufs[1].addr, ndtr: 4, cr: M2M_WORDS });
    startStream(m, DMA2_F4, 6, { par: src.addr, m0ar: bufs[2].addr, ndtr: 4, cr: M2M_WORDS | (2 << f4.CR_PL_SHIFT) });
    m.scheduler.next = script([5]);
    var n = (x: number) => m.read32(DMA2_F4 + SNDTR(x));
    assert.deepEqual([n(6), n(2), n(5)], [0, 3, 4], "stream 6 (PL high) finished, then stream 2 before 5");
  });

  test("with its RCC clock off the controller reads 0, ignores writes and moves nothing", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    fill(src.data, 4);
    m.scheduler.next = () => 0;
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.write32(RCC_F4 + 0x30, 0); // all AHB1 clocks off
    assert.equal(m.read32(DMA2_F4 + SCR(0)), 0);
    m.write32(DMA2_F4 + SCR(0), 0);
    m.scheduler.next = () => Infinity;
    m.advance(1000);
    assert.deepEqual(bytes(dst.data), new Array(16).fill(0));
    m.write32(RCC_F4 + 0x30, 1 << 22);
    assert.equal(m.read32(DMA2_F4 + SCR(0)) & CR_EN, 0, "the write while unclocked was lost; it ran to the end");
    assert.deepEqual(bytes(dst.data), bytes(src.data));
  });

  test("RCC AHB1RSTR.DMA2RST resets the controller: streams stop, registers and flags return to reset values", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.write32(DMA2_F4 + SCR(1), 0); // no-op
    m.write32(RCC_F4 + 0x10, 1 << 22);
    m.write32(RCC_F4 + 0x10, 0);
    assert.equal(m.read32(DMA2_F4 + SCR(0)), 0);
    assert.equal(m.read32(DMA2_F4 + SNDTR(0)), 0);
    assert.equal(m.read32(DMA2_F4 + SFCR(0)), 0x21);
    m.scheduler.next = () => Infinity;
    m.advance(100);
    assert.deepEqual(bytes(dst.data), new Array(16).fill(0));
  });
});
