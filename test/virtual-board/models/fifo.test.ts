// The F2/F4 stream FIFO (RM0090 10.3.11-10.3.12, AN4031 2.2.2), driven through the bus at
// absolute addresses: DMA2 stream 5 channel 6 (TIM1_UP, RM0090 table 43) against GPIOA.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, startStream, streamFlags, f4, DMA2_F4, RCC_F4 } from "./helpers";
import type { VirtualMcu } from "../../../host/virtual-board/mcu/mcu";

const { SCR, SNDTR, SFCR, CR_EN, CR_MINC, CR_CIRC } = f4;
const GPIOA = 0x40020000, IDR = GPIOA + 0x10, ODR = GPIOA + 0x14;
const X = 5, CHSEL = 6 << f4.CR_CHSEL_SHIFT;
const P2M = CHSEL | CR_MINC, M2P = CHSEL | CR_MINC | (1 << f4.CR_DIR_SHIFT);
const BYTE_TO_WORD = (0 << f4.CR_PSIZE_SHIFT) | (2 << f4.CR_MSIZE_SHIFT);
/** SxFCR: DMDIS (FIFO mode) and FTH (0: 1/4, 1: 1/2, 2: 3/4, 3: full). */
const fifoMode = (fth: number) => f4.FCR_DMDIS | fth;

function board(): VirtualMcu {
  var m = mcuFor(pico);
  m.write32(RCC_F4 + 0x30, 1 | (1 << 22)); // AHB1ENR: GPIOAEN, DMA2EN
  m.scheduler.next = () => 0; // the DMA moves only on the requests below
  return m;
}

/** n requests, each served at once; the GPIO input counts up from `first`. */
function requests(m: VirtualMcu, n: number, first: number, seen?: number[]): void {
  for (var i = 0; i < n; i++) {
    m.gpio[0].setInput(first + i);
    m.dmaRequest("TIM1_UP");
    m.scheduler.next = () => 1;
    m.read32(GPIOA + 0x00);
    m.scheduler.next = () => 0;
    if (seen) seen.push(m.read32(ODR) & 0xff);
  }
}

const fs = (m: VirtualMcu) => (m.read32(DMA2_F4 + SFCR(X)) >>> 3) & 7;

describe("F4 FIFO, peripheral to memory (RM0090 10.3.12)", () => {
  test("bytes reach memory only when the level reaches the threshold; FS tracks the level", () => {
    var m = board(), dst = m.heap.alloc(32)!;
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr, ndtr: 32, fcr: fifoMode(1), cr: P2M | BYTE_TO_WORD });
    assert.equal(fs(m), 4, "FS=100: empty after enable");
    requests(m, 7, 1);
    assert.equal(m.read32(DMA2_F4 + SNDTR(X)), 25, "NDTR counts the 7 bytes read from the peripheral");
    assert.deepEqual(Array.from(dst.data.subarray(0, 8)), [0, 0, 0, 0, 0, 0, 0, 0], "none of them is in memory yet");
    assert.equal(fs(m), 1, "FS=001: 7 bytes, between 1/4 and 1/2");
    requests(m, 1, 8);
    assert.deepEqual(Array.from(dst.data.subarray(0, 8)), [1, 2, 3, 4, 5, 6, 7, 8], "the 8th byte (FTH 1/2) drains 8 bytes as 2 words");
    assert.equal(fs(m), 4);
    assert.equal(m.violations.length, 0);
  });

  test("HTIF and a lap's TCIF (circular) are set while bytes they count are still in the FIFO", () => {
    var m = board(), dst = m.heap.alloc(8)!;
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr, ndtr: 8, fcr: fifoMode(3), cr: P2M | CR_CIRC | BYTE_TO_WORD });
    requests(m, 8, 0x11);
    assert.equal(streamFlags(m, DMA2_F4, X) & (f4.HTIF | f4.TCIF), f4.HTIF | f4.TCIF, "a whole lap counted");
    assert.deepEqual(Array.from(dst.data), [0, 0, 0, 0, 0, 0, 0, 0], "FTH full (16 bytes): nothing in memory");
    requests(m, 8, 0x19);
    assert.deepEqual(Array.from(dst.data), [0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20], "16 bytes drained: the ring holds lap 2");
  });

  test("disable flushes the FIFO; a partial word is written whole with undesired bytes; NDTR says what is good", () => {
    var m = board(), dst = m.heap.alloc(16)!;
    // A first transfer leaves its bytes in the FIFO's storage.
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr, ndtr: 8, fcr: fifoMode(1), cr: P2M | BYTE_TO_WORD });
    requests(m, 8, 0xa0);
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, 0);
    dst.data.fill(0);
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr, ndtr: 16, fcr: fifoMode(1), cr: P2M | BYTE_TO_WORD });
    requests(m, 6, 1);
    assert.deepEqual(Array.from(dst.data.subarray(0, 8)), [0, 0, 0, 0, 0, 0, 0, 0]);
    m.write32(DMA2_F4 + SCR(X), P2M | BYTE_TO_WORD); // clear EN
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, CR_EN, "EN reads 1 until the flush is done");
    m.scheduler.next = () => 1;
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, 0);
    assert.equal(streamFlags(m, DMA2_F4, X) & f4.TCIF, f4.TCIF, "TCIF once the flush completed");
    assert.equal(m.read32(DMA2_F4 + SNDTR(X)), 10, "6 good bytes");
    assert.deepEqual(Array.from(dst.data.subarray(0, 8)), [1, 2, 3, 4, 5, 6, 0xa6, 0xa7], "bytes 6-7: stale FIFO bytes, not data");
    assert.ok(m.trace.some((e: any) => e.type === "fifo_undesired_bytes"));
  });

  test("end of transfer with NDT not a multiple of MSIZE/PSIZE: a dma_undefined violation, the flush writes past the data", () => {
    var m = board(), dst = m.heap.alloc(8)!;
    dst.data.fill(0xee);
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr, ndtr: 6, fcr: fifoMode(3), cr: P2M | BYTE_TO_WORD });
    assert.equal(m.violations[0].kind, "dma_undefined");
    assert.match(m.violations[0].detail!, /NDT 6 not a multiple of MSIZE\/PSIZE 4/);
    requests(m, 6, 1);
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, 0);
    assert.deepEqual(Array.from(dst.data.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
    assert.notDeepEqual(Array.from(dst.data.subarray(6, 8)), [0xee, 0xee], "the last word was written whole");
  });

  test("a memory address not aligned to MSIZE is a dma_undefined violation (RM0090 10.3.11)", () => {
    var m = board(), dst = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, X, { par: IDR, m0ar: dst.addr + 2, ndtr: 8, fcr: fifoMode(1), cr: P2M | BYTE_TO_WORD });
    assert.equal(m.violations.length, 1);
    assert.match(m.violations[0].detail!, /not aligned to MSIZE 4/);
  });
});

describe("F4 read-ahead, memory to peripheral (RM0090 10.3.11-10.3.12, AN4031 2.2.2)", () => {
  test("direct mode preloads one item at enable: a change to it afterwards is not sent", () => {
    var m = board(), src = m.heap.alloc(4)!, seen: number[] = [];
    src.data.set([1, 2, 3, 4]);
    startStream(m, DMA2_F4, X, { par: ODR, m0ar: src.addr, ndtr: 4, cr: M2P });
    assert.equal(fs(m), 0, "one byte in the FIFO before any request");
    src.data.set([9, 9, 9, 9]);
    requests(m, 4, 0, seen);
    assert.deepEqual(seen, [1, 9, 9, 9]);
  });

  test("FIFO mode fills the FIFO at enable (16 bytes ahead) and refills as it empties", () => {
    var m = board(), src = m.heap.alloc(24)!, seen: number[] = [];
    for (var i = 0; i < 24; i++) src.data[i] = i;
    startStream(m, DMA2_F4, X, { par: ODR, m0ar: src.addr, ndtr: 24, fcr: fifoMode(1), cr: M2P | (2 << f4.CR_MSIZE_SHIFT) });
    assert.equal(fs(m), 5, "FS=101: full");
    src.data.fill(0x80);
    requests(m, 24, 0, seen);
    assert.deepEqual(seen.slice(0, 16), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "read before the change");
    assert.deepEqual(seen.slice(16), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, 0);
  });

  test("disable drops what was read ahead: NDTR counts what reached the peripheral", () => {
    var m = board(), src = m.heap.alloc(16)!, seen: number[] = [];
    for (var i = 0; i < 16; i++) src.data[i] = 0x40 + i;
    startStream(m, DMA2_F4, X, { par: ODR, m0ar: src.addr, ndtr: 16, fcr: fifoMode(3), cr: M2P });
    requests(m, 3, 0, seen);
    m.write32(DMA2_F4 + SCR(X), M2P);
    m.scheduler.next = () => 1;
    assert.equal(m.read32(DMA2_F4 + SCR(X)) & CR_EN, 0);
    assert.equal(m.read32(DMA2_F4 + SNDTR(X)), 13);
    assert.equal(fs(m), 4, "FIFO empty once stopped");
    assert.deepEqual(seen, [0x40, 0x41, 0x42]);
  });
});
