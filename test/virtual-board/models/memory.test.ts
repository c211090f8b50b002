// Memory with ownership, the heap, and the CPU side of the bus (faults, flash, alignment).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, original, f4discovery, startStream, streamFlags, fill, f4, f1, DMA2_F4, DMA1_F1, M2M_WORDS } from "./helpers";
import { isBusFault, Prng } from "../../../host/virtual-board/mcu/index";

describe("heap blocks", () => {
  test("a block's bytes are what the bus sees at its address, both ways", () => {
    var m = mcuFor(pico);
    var b = m.heap.alloc(10)!;
    assert.equal(b.size, 10);
    assert.equal(b.addr % 4, 0);
    b.data.set([1, 2, 3, 4]);
    assert.equal(m.read32(b.addr), 0x04030201);
    m.write32(b.addr + 4, 0xa0b0c0d0);
    assert.deepEqual(Array.from(b.data.subarray(4, 8)), [0xd0, 0xc0, 0xb0, 0xa0]);
    assert.equal(m.heap.blockAt(b.addr + 9), b);
    assert.equal(m.heap.blockAt(b.addr + 10), undefined);
  });

  test("RAM outside every block: reads 0 until written, keeps words across a 1 KB page edge, and keeps a freed block's bytes", () => {
    var m = mcuFor(pico);
    var edge = 0x20013ffe; // 2 bytes before a 1 KB boundary, above the variable store
    assert.equal(m.read32(edge), 0);
    m.write32(edge, 0x11223344);
    assert.equal(m.read32(edge), 0x11223344);
    assert.equal(m.read32(edge + 2) & 0xffff, 0x1122);
    var b = m.heap.alloc(8)!;
    b.data.set([9, 8, 7, 6, 5, 4, 3, 2]);
    m.heap.free(b);
    assert.equal(m.read32(b.addr + 4), 0x02030405);
  });

  test("blocks do not overlap; freed space is reused; used/total account Espruino vars", () => {
    var m = mcuFor(pico);
    assert.equal(m.heap.total(), pico.espruino.vars * pico.espruino.blockSize);
    var a = m.heap.alloc(100)!, b = m.heap.alloc(100)!;
    assert.ok(b.addr >= a.addr + 100);
    // Each block: a header variable and the data in whole variables (13 bytes on the STM32 boards).
    var bs = pico.espruino.blockSize;
    assert.equal(m.heap.used(), 2 * (bs + Math.ceil(100 / bs) * bs));
    m.heap.free(a);
    assert.equal(a.live, false);
    var c = m.heap.alloc(50)!;
    assert.equal(c.addr, a.addr, "first fit reuses the freed range");
    assert.equal(m.heap.alloc(200000), null, "too big: null");
  });

  test("freed bytes stay in RAM (as on the chip)", () => {
    var m = mcuFor(pico);
    var a = m.heap.alloc(8)!;
    a.data.set([9, 9, 9, 9]);
    m.heap.free(a);
    assert.equal(m.read32(a.addr), 0x09090909);
  });

  test("defrag compacts live blocks and moves their addresses; data follows the block", () => {
    var m = mcuFor(pico);
    var a = m.heap.alloc(64)!, b = m.heap.alloc(64)!;
    fill(b.data, 3);
    var old = b.addr;
    m.heap.free(a);
    m.heap.defrag();
    assert.equal(b.addr, a.addr);
    assert.notEqual(b.addr, old);
    assert.equal(m.read32(b.addr), (b.data[0] | (b.data[1] << 8) | (b.data[2] << 16) | (b.data[3] << 24)) >>> 0);
  });
});

describe("DMA writes outside live blocks are violations", () => {
  function copy(m: ReturnType<typeof mcuFor>, src: number, dst: number, words: number) {
    m.write32(DMA2_F4 + f4.LIFCR, 0x3d);
    startStream(m, DMA2_F4, 0, { par: src, m0ar: dst, ndtr: words, cr: M2M_WORDS });
    m.advance(words * 4 + 100);
  }

  test("into a freed block: write_to_freed with cycle, stream and address", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    m.heap.free(dst);
    copy(m, src.addr, dst.addr, 4);
    assert.equal(m.violations.length, 4);
    var v = m.violations[0];
    assert.equal(v.kind, "write_to_freed");
    assert.equal(v.source, "DMA2 stream 0");
    assert.equal(v.addr, dst.addr);
    assert.ok(v.cycle > 0 && v.cycle <= m.cycles);
    assert.ok(m.trace.some((e) => e.type === "violation"));
  });

  test("into the old place of a block moved by defrag: write_to_moved", () => {
    var m = mcuFor(pico);
    var pad = m.heap.alloc(64)!, src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    var old = dst.addr;
    m.heap.free(pad);
    m.heap.defrag();
    copy(m, src.addr, old, 1);
    assert.equal(m.violations.length, 1);
    assert.equal(m.violations[0].kind, "write_to_moved");
  });

  test("past the end of a live block: write_outside_buffer, only for the bytes outside", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(8)!;
    copy(m, src.addr, dst.addr, 3);
    assert.equal(m.violations.length, 1);
    assert.equal(m.violations[0].kind, "write_outside_buffer");
    assert.equal(m.violations[0].addr, dst.addr + 8);
  });

  test("into a freed block's range now owned by a new buffer: write_to_reused", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var src = m.heap.alloc(16)!, dst = m.heap.alloc(16)!;
    m.write32(DMA2_F4 + f4.LIFCR, 0x3d);
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 4, cr: M2M_WORDS });
    m.heap.free(dst); // freed while the DMA still owns it...
    var reuse = m.heap.alloc(16)!; // ...and handed to someone else
    assert.equal(reuse.addr, dst.addr);
    m.scheduler.next = () => Infinity;
    m.advance(100);
    assert.equal(m.violations.length, 4);
    assert.equal(m.violations[0].kind, "write_to_reused");
  });

  test("running from its own buffer into the next live one: write_to_other_buffer", () => {
    var m = mcuFor(pico);
    var src = m.heap.alloc(64)!, dst = m.heap.alloc(4)!, next = m.heap.alloc(64)!;
    // From dst: 1 word inside, then padding and next's header, then 2 words into `next`
    // (a 13-byte variable for dst's data, up to 3 skipped to word-align next's data, its header).
    var gap = next.addr - dst.addr;
    assert.ok(gap >= 2 * pico.espruino.blockSize && gap % 4 === 0);
    copy(m, src.addr, dst.addr, gap / 4 + 2);
    var kinds = m.violations.map((v) => v.kind);
    assert.equal(kinds[0], "write_outside_buffer");
    assert.ok(kinds.indexOf("write_to_other_buffer") > 0);
    assert.ok(m.violations.some((v) => v.addr === next.addr));
  });

  test("defrag moving a buffer under a running transfer: writes at the old place are write_to_moved", () => {
    var m = mcuFor(pico);
    m.scheduler.next = () => 0;
    var pad = m.heap.alloc(16)!, src = m.heap.alloc(256)!, dst = m.heap.alloc(256)!;
    m.write32(DMA2_F4 + f4.LIFCR, 0x3d);
    startStream(m, DMA2_F4, 0, { par: src.addr, m0ar: dst.addr, ndtr: 64, cr: M2M_WORDS });
    m.heap.free(pad);
    m.heap.defrag(); // dst moves down by 32 bytes: its old range overlaps its new one
    m.scheduler.next = () => Infinity;
    m.advance(100);
    assert.equal(m.violations.length, 64);
    assert.ok(m.violations.every((v) => v.kind === "write_to_moved"));
  });

  test("CPU writes are never violations", () => {
    var m = mcuFor(pico);
    var a = m.heap.alloc(8)!;
    m.heap.free(a);
    m.write32(a.addr, 1);
    m.write32(0x20000000, 1);
    assert.equal(m.violations.length, 0);
  });
});

describe("CPU bus accesses", () => {
  test("unmapped address: a BusFault is thrown, the simulator keeps running", () => {
    var m = mcuFor(pico);
    assert.throws(() => m.read32(0x30000000), (e: any) => isBusFault(e) && e.addr === 0x30000000);
    assert.throws(() => m.write32(0xa0000000, 1), (e: any) => isBusFault(e));
    // Past the end of SRAM (96 KB on the pico).
    assert.throws(() => m.read32(0x20000000 + 96 * 1024), (e: any) => isBusFault(e));
    assert.equal(m.read32(0x20000000 + 96 * 1024 - 4), 0);
  });

  test("unaligned: faults on a peripheral, allowed on SRAM (ARMv7-M A3.2.1)", () => {
    var m = mcuFor(pico);
    assert.throws(() => m.read32(DMA2_F4 + 2), (e: any) => isBusFault(e));
    var b = m.heap.alloc(8)!;
    b.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(m.read32(b.addr + 1), 0x05040302);
  });

  test("flash reads as erased and ignores stores; unmodelled peripheral space reads 0 and is traced", () => {
    var m = mcuFor(pico);
    assert.equal(m.read32(0x08000000), 0xffffffff);
    m.write32(0x08000000, 0);
    assert.equal(m.read32(0x08000000), 0xffffffff);
    assert.equal(m.read32(0x40011000), 0); // USART1: not modelled
    assert.ok(m.trace.some((e) => e.type === "unmodelled" && e.addr === 0x40011000));
  });

  test("each board maps its own RAM: original has 48 KB, f4discovery has SRAM1+SRAM2+CCM", () => {
    var o = mcuFor(original);
    assert.throws(() => o.read32(0x20000000 + 48 * 1024), (e: any) => isBusFault(e));
    var d = mcuFor(f4discovery);
    assert.equal(d.read32(0x2001c000 + 16 * 1024 - 4), 0);
    assert.equal(d.read32(0x10000000), 0);
    assert.throws(() => d.read32(0x10010000), (e: any) => isBusFault(e));
  });

  test("identification registers: CPUID and DBGMCU_IDCODE", () => {
    var m = mcuFor(pico);
    assert.equal(m.read32(0xe000ed00), 0x410fc241);
    assert.equal(m.read32(0xe0042000) & 0xfff, 0x433);
    assert.equal(mcuFor(original).read32(0xe0042000) & 0xfff, 0x414);
  });

  test("each access costs cpuAccessCycles; ms() follows cpuHz", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 100 });
    var c = m.cycles;
    m.read32(0x20000000);
    assert.equal(m.cycles - c, 100);
    m.advance(84000 - (m.cycles % 84000));
    assert.equal(m.ms(), Math.round(m.ms()));
    void streamFlags;
  });
});

describe("bad register accesses never crash the simulator", () => {
  test("F4 DMA registers are word-only (RM0090 10.5): byte and half-word stores are ignored and traced", () => {
    var m = mcuFor(pico);
    var ndtr = DMA2_F4 + f4.SNDTR(3);
    m.write32(ndtr, 0x1234);
    m.write8(ndtr, 0x56);
    m.write16(ndtr, 0x789a);
    assert.equal(m.read32(ndtr), 0x1234);
    assert.equal(m.read8(ndtr + 1), 0x12, "a narrow load returns its byte lane");
    assert.ok(m.trace.some((e) => e.type === "write_ignored" && e.addr === ndtr && e.why === "word access only"));
  });

  test("F1 DMA registers take bytes and half-words (RM0008 13.4): the other bytes are kept", () => {
    var m = mcuFor(original);
    var cndtr = DMA1_F1 + f1.CNDTR(2);
    m.write32(cndtr, 0x1234);
    m.write8(cndtr, 0x56);
    assert.equal(m.read32(cndtr), 0x1256);
    m.write16(cndtr + 2, 0xffff); // bits 31:16 are reserved
    assert.equal(m.read32(cndtr), 0x1256);
  });

  test("NDTR and CNDTR keep 16 bits: 0x10005 reads back 5", () => {
    var m = mcuFor(pico), o = mcuFor(original);
    m.write32(DMA2_F4 + f4.SNDTR(0), 0x10005);
    assert.equal(m.read32(DMA2_F4 + f4.SNDTR(0)), 5);
    o.write32(DMA1_F1 + f1.CNDTR(1), 0x10005);
    assert.equal(o.read32(DMA1_F1 + f1.CNDTR(1)), 5);
  });

  test("read-only registers ignore stores: LISR/HISR, ISR, IDR; write-only LIFCR reads 0", () => {
    var m = mcuFor(pico);
    var a = m.heap.alloc(16)!, b = m.heap.alloc(16)!;
    startStream(m, DMA2_F4, 0, { par: a.addr, m0ar: b.addr, ndtr: 4, cr: M2M_WORDS });
    m.advance(1000);
    var lisr = m.read32(DMA2_F4 + f4.LISR);
    assert.notEqual(lisr, 0);
    m.write32(DMA2_F4 + f4.LISR, 0);
    assert.equal(m.read32(DMA2_F4 + f4.LISR), lisr);
    assert.equal(m.read32(DMA2_F4 + f4.LIFCR), 0);
    var o = mcuFor(original);
    o.write32(DMA1_F1 + f1.ISR, 0xffffffff);
    assert.equal(o.read32(DMA1_F1 + f1.ISR), 0);
  });

  test("random accesses anywhere: only BusFaults are thrown, never anything else", () => {
    for (const board of [pico, original, f4discovery]) {
      var m = mcuFor(board);
      var rng = new Prng(99);
      for (var i = 0; i < 20000; i++) {
        // Mostly peripheral and RAM space, some of everything else.
        var r = rng.below(4);
        var addr = r === 0 ? rng.nextU32() : r === 1 ? 0x40000000 + rng.below(0x30000) : r === 2 ? 0x40026000 + rng.below(0x800) : 0x20000000 + rng.below(0x20000);
        var size = [1, 2, 4][rng.below(3)];
        try {
          if (rng.below(2)) {
            if (size === 4) m.write32(addr, rng.nextU32()); else if (size === 2) m.write16(addr, rng.nextU32()); else m.write8(addr, rng.nextU32());
          } else if (size === 4) m.read32(addr); else if (size === 2) m.read16(addr); else m.read8(addr);
        } catch (e) {
          if (!isBusFault(e)) throw e;
        }
      }
      m.advance(100000); // whatever got enabled runs without crashing
    }
  });
});
