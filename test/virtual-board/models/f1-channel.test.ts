// STM32F1 channel DMA model (RM0008 section 13), driven through the bus at absolute addresses.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, original, fill, script, f1, DMA1_F1, DMA2_F1, RCC_F1 } from "./helpers";

const { CCR, CNDTR, CPAR, CMAR, ISR, IFCR, CCR_EN, CCR_MEM2MEM, CCR_MINC, CCR_PINC, CCR_CIRC, CCR_DIR } = f1;
const { GIF, TCIF, HTIF, TEIF } = f1;
const WORDS = (2 << f1.CCR_PSIZE_SHIFT) | (2 << f1.CCR_MSIZE_SHIFT);
const M2M = CCR_MEM2MEM | CCR_MINC | CCR_PINC | WORDS;

function start(m: ReturnType<typeof mcuFor>, base: number, x: number, par: number, mar: number, n: number, ccr: number) {
  m.write32(base + IFCR, 0xf << (4 * (x - 1)));
  m.write32(base + CPAR(x), par);
  m.write32(base + CMAR(x), mar);
  m.write32(base + CNDTR(x), n);
  m.write32(base + CCR(x), ccr | CCR_EN);
}
function flags(m: ReturnType<typeof mcuFor>, base: number, x: number) {
  return (m.read32(base + ISR) >>> (4 * (x - 1))) & 0xf;
}
const bytes = (a: Uint8Array) => Array.from(a);

describe("F1 channel DMA (RM0008 13)", () => {
  test("MEM2MEM copies CNDTR items; at the end EN stays 1, CNDTR 0, TCIF+HTIF+GIF set", () => {
    var m = mcuFor(original);
    var src = m.heap.alloc(32)!, dst = m.heap.alloc(36)!;
    fill(src.data, 2);
    dst.data.fill(0x55);
    start(m, DMA1_F1, 1, src.addr, dst.addr, 8, M2M);
    m.advance(1000);
    assert.deepEqual(bytes(dst.data.subarray(0, 32)), bytes(src.data));
    assert.deepEqual(bytes(dst.data.subarray(32)), [0x55, 0x55, 0x55, 0x55]);
    assert.equal(m.read32(DMA1_F1 + CCR(1)) & CCR_EN, CCR_EN, "EN not cleared by hardware");
    assert.equal(m.read32(DMA1_F1 + CNDTR(1)), 0);
    assert.equal(flags(m, DMA1_F1, 1), GIF | TCIF | HTIF);
  });

  test("DIR=1 reads the memory address, writes the peripheral address (also in MEM2MEM)", () => {
    var m = mcuFor(original);
    var a = m.heap.alloc(8)!, b = m.heap.alloc(8)!;
    a.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    start(m, DMA2_F1, 5, b.addr, a.addr, 2, M2M | CCR_DIR);
    m.advance(1000);
    assert.deepEqual(bytes(b.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test("different widths: source read at its size, destination zero-extended/truncated (table 76)", () => {
    var m = mcuFor(original);
    var src = m.heap.alloc(4)!, dst = m.heap.alloc(16)!;
    src.data.set([0x81, 0x82, 0x83, 0x84]);
    // peripheral (source, DIR=0) bytes, memory words
    start(m, DMA1_F1, 2, src.addr, dst.addr, 3, CCR_MEM2MEM | CCR_MINC | CCR_PINC | (0 << f1.CCR_PSIZE_SHIFT) | (2 << f1.CCR_MSIZE_SHIFT));
    m.advance(1000);
    assert.deepEqual(bytes(dst.data), [0x81, 0, 0, 0, 0x82, 0, 0, 0, 0x83, 0, 0, 0, 0, 0, 0, 0]);
    var out = m.heap.alloc(4)!;
    // memory (source, DIR=1) words -> peripheral halfwords: low half kept
    m.write32(DMA1_F1 + CCR(3), 0);
    start(m, DMA1_F1, 3, out.addr, dst.addr, 2, CCR_MEM2MEM | CCR_DIR | CCR_MINC | CCR_PINC | (1 << f1.CCR_PSIZE_SHIFT) | (2 << f1.CCR_MSIZE_SHIFT));
    m.advance(1000);
    assert.deepEqual(bytes(out.data), [0x81, 0, 0x82, 0]);
  });

  test("CNDTR/CPAR/CMAR writes are ignored while EN=1 (RM0008 13.4.4-13.4.6)", () => {
    var m = mcuFor(original);
    m.scheduler.next = () => 0;
    var a = m.heap.alloc(16)!, b = m.heap.alloc(16)!;
    start(m, DMA1_F1, 4, a.addr, b.addr, 4, M2M);
    m.write32(DMA1_F1 + CNDTR(4), 1);
    m.write32(DMA1_F1 + CPAR(4), 0x20000000);
    m.write32(DMA1_F1 + CMAR(4), 0x20000000);
    assert.equal(m.read32(DMA1_F1 + CNDTR(4)), 4);
    assert.equal(m.read32(DMA1_F1 + CPAR(4)), a.addr);
    assert.equal(m.read32(DMA1_F1 + CMAR(4)), b.addr);
  });

  test("clearing EN stops at once (EN reads 0 at once, RM0008 13.4.3), without TCIF; the remaining count stays in CNDTR", () => {
    var m = mcuFor(original);
    m.scheduler.next = () => 0;
    var a = m.heap.alloc(16)!, b = m.heap.alloc(16)!;
    start(m, DMA1_F1, 1, a.addr, b.addr, 4, M2M);
    m.scheduler.next = script([1]);
    m.write32(DMA1_F1 + CCR(1), M2M); // one item, then EN cleared
    m.scheduler.next = () => Infinity;
    assert.equal(m.read32(DMA1_F1 + CCR(1)) & CCR_EN, 0);
    assert.equal(m.read32(DMA1_F1 + CNDTR(1)), 3);
    assert.equal(flags(m, DMA1_F1, 1), 0);
  });

  test("channel 7 flags at bits 24..27; CGIF clears all four, CTCIF only TCIF", () => {
    var m = mcuFor(original);
    var a = m.heap.alloc(8)!, b = m.heap.alloc(8)!;
    start(m, DMA1_F1, 7, a.addr, b.addr, 2, M2M);
    m.advance(100);
    assert.equal(m.read32(DMA1_F1 + ISR) >>> 24, GIF | TCIF | HTIF);
    m.write32(DMA1_F1 + IFCR, TCIF << 24);
    assert.equal(flags(m, DMA1_F1, 7), GIF | HTIF);
    m.write32(DMA1_F1 + IFCR, GIF << 24);
    assert.equal(flags(m, DMA1_F1, 7), 0);
    m.write32(DMA1_F1 + ISR, 0xffffffff); // read-only
    assert.equal(m.read32(DMA1_F1 + ISR), 0);
    // CCR7 at 0x08 + 0x14*6 = 0x80; DMA2 has only 5 channels: 0x80 there is unmodelled.
    assert.equal(CCR(7), 0x80);
    m.write32(DMA2_F1 + 0x80, 1);
    assert.equal(m.read32(DMA2_F1 + 0x80), 0);
  });

  test("MEM2MEM with CIRC: no reload, the channel stops at the end (RM0008 13.3.3)", () => {
    var m = mcuFor(original);
    var a = m.heap.alloc(8)!, b = m.heap.alloc(8)!;
    start(m, DMA1_F1, 6, a.addr, b.addr, 2, M2M | CCR_CIRC);
    m.advance(1000);
    assert.equal(m.read32(DMA1_F1 + CNDTR(6)), 0);
  });

  test("bus error: TEIF set and EN cleared by hardware (RM0008 13.3.5)", () => {
    var m = mcuFor(original);
    var b = m.heap.alloc(8)!;
    start(m, DMA1_F1, 1, 0x30000000, b.addr, 2, M2M);
    m.advance(100);
    assert.equal(flags(m, DMA1_F1, 1), GIF | TEIF);
    assert.equal(m.read32(DMA1_F1 + CCR(1)) & CCR_EN, 0);
  });

  test("priority: PL first, then the lower channel number (RM0008 13.3.2)", () => {
    var m = mcuFor(original);
    m.scheduler.next = () => 0;
    var s = m.heap.alloc(16)!, x = m.heap.alloc(16)!, y = m.heap.alloc(16)!, z = m.heap.alloc(16)!;
    start(m, DMA1_F1, 5, s.addr, x.addr, 4, M2M);
    start(m, DMA1_F1, 3, s.addr, y.addr, 4, M2M);
    start(m, DMA1_F1, 7, s.addr, z.addr, 4, M2M | (3 << f1.CCR_PL_SHIFT));
    m.scheduler.next = script([6]);
    var n = (c: number) => m.read32(DMA1_F1 + CNDTR(c));
    assert.deepEqual([n(7), n(3), n(5)], [0, 2, 4]);
  });

  test("circular, paced by TIM2's update (DMA1 channel 2, RM0008 table 78) from GPIOA IDR", () => {
    var m = mcuFor(original, { cpuAccessCycles: 1 });
    m.write32(RCC_F1 + 0x18, 1 << 2); // APB2ENR.IOPAEN
    m.write32(RCC_F1 + 0x1c, 1); // APB1ENR.TIM2EN
    var lvl = 0;
    m.gpio[0].input = () => ++lvl;
    var buf = m.heap.alloc(3)!;
    m.write32(0x40000000 + 0x2c, 719); // 10 us at 72 MHz
    m.write32(0x40000000 + 0x0c, 0x100);
    start(m, DMA1_F1, 2, 0x40010808, buf.addr, 3, CCR_MINC | CCR_CIRC);
    m.write32(0x40000000, 1);
    m.advance(720 * 5 + 10);
    assert.deepEqual(bytes(buf.data), [4, 5, 3]);
    assert.equal(m.read32(DMA1_F1 + CNDTR(2)), 1);
    assert.equal(flags(m, DMA1_F1, 2), GIF | TCIF | HTIF);
  });

  test("with the RCC clock off the controller does not respond", () => {
    var m = mcuFor(original);
    m.write32(RCC_F1 + 0x14, 0x14);
    m.write32(DMA1_F1 + CNDTR(1), 5);
    assert.equal(m.read32(DMA1_F1 + CNDTR(1)), 0);
    m.write32(RCC_F1 + 0x14, 0x15);
    assert.equal(m.read32(DMA1_F1 + CNDTR(1)), 0, "the write while unclocked was lost");
  });
});
