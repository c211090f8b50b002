// F1 DMA narrow writes to APB peripherals (RM0008 13.3.4 "Addressing an AHB peripheral that
// does not support byte or halfword write operations"; RM0041 9.3.4), through the bus at
// absolute addresses: DMA1 channel 2 (TIM2_UP, RM0008 table 78) writing GPIOA (APB2).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, original, pico, startStream, f1, f4, DMA1_F1, DMA2_F4, RCC_F1, RCC_F4 } from "./helpers";
import type { VirtualMcu } from "../../../host/virtual-board/mcu/mcu";

const GPIOA = 0x40010800, ODR = GPIOA + 0x0c, BSRR = GPIOA + 0x10;

function f1Write(size: number, addr: number, bytes: number[]): VirtualMcu {
  var m = mcuFor(original);
  m.write32(RCC_F1 + 0x14, 1); // AHBENR.DMA1EN
  m.write32(RCC_F1 + 0x18, 1 << 2); // APB2ENR.IOPAEN
  var src = m.heap.alloc(4)!;
  src.data.set(bytes);
  var ch = 2, sz = size >> 1;
  m.write32(DMA1_F1 + f1.CPAR(ch), addr);
  m.write32(DMA1_F1 + f1.CMAR(ch), src.addr);
  m.write32(DMA1_F1 + f1.CNDTR(ch), 1);
  m.write32(DMA1_F1 + f1.CCR(ch), (sz << f1.CCR_PSIZE_SHIFT) | (sz << f1.CCR_MSIZE_SHIFT) | f1.CCR_DIR | f1.CCR_EN);
  m.dmaRequest("TIM2_UP");
  m.advance(100);
  assert.equal(m.read32(DMA1_F1 + f1.CNDTR(ch)), 0, "the item was moved");
  return m;
}

describe("F1: a byte or half-word DMA write reaches an APB peripheral on every lane (RM0008 13.3.4)", () => {
  test("a byte 0xAB to GPIOA ODR drives pins 8-15 too: ODR = 0xABAB", () => {
    var m = f1Write(1, ODR, [0xab]);
    assert.equal(m.read32(ODR), 0xabab);
    assert.ok(m.trace.some((e: any) => e.type === "byte_lanes_replicated" && e.word === 0xabababab));
  });

  test("a byte 0x01 to BSRR sets pin 8 as well as pin 0 (the word 0x01010101: BS0, BS8, and BR0, BR8 lose to them)", () => {
    var m = f1Write(1, BSRR, [0x01]);
    assert.equal(m.read32(ODR), 0x0101);
  });

  test("a half-word to ODR's upper half (offset 0x0E) lands as the word 0x00FF00FF at 0x0C", () => {
    var m = f1Write(2, ODR + 2, [0xff, 0x00]);
    assert.equal(m.read32(ODR), 0x00ff);
  });

  test("a word write is exact; the CPU's writes are not affected", () => {
    var m = f1Write(4, ODR, [0x34, 0x12, 0, 0]);
    assert.equal(m.read32(ODR), 0x1234);
    m.write32(ODR, 0x5);
    assert.equal(m.read32(ODR), 0x5);
  });

  test("the F4 is not modelled so: RM0090 describes no such replication; a byte lands in its lane", () => {
    var m = mcuFor(pico);
    m.write32(RCC_F4 + 0x30, 1 | (1 << 22));
    var src = m.heap.alloc(4)!;
    src.data.set([0xab]);
    startStream(m, DMA2_F4, 5, { par: 0x40020014, m0ar: src.addr, ndtr: 1, cr: (6 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) });
    m.dmaRequest("TIM1_UP");
    m.advance(100);
    assert.equal(m.read32(0x40020014), 0xab);
  });
});

describe("F405/F407: DMA1's memory port does not reach the peripherals (RM0090 figure 1)", () => {
  test("a DMA1 stream with its memory address in GPIO space gets a bus error (TEIF); on the F401 it does not", async () => {
    const { f4discovery } = await import("./helpers");
    for (const [b, want] of [[f4discovery, f4.TEIF], [pico, 0]] as const) {
      var m = mcuFor(b);
      m.write32(RCC_F4 + 0x30, 1 | (1 << 21)); // GPIOAEN, DMA1EN
      m.write32(RCC_F4 + 0x40, 1); // TIM2EN: APB1, what DMA1's peripheral port reaches
      // DMA1 stream 1 channel 3 (TIM2_UP), memory to peripheral: M0AR = GPIOA IDR, PAR = TIM2 ARR.
      startStream(m, 0x40026000, 1, { par: 0x4000002c, m0ar: 0x40020010, ndtr: 1, cr: (3 << f4.CR_CHSEL_SHIFT) | (1 << f4.CR_DIR_SHIFT) });
      assert.equal((m.read32(0x40026000) >>> f4.flagShift(1)) & f4.TEIF, want, b.name);
    }
  });
});
