// The nRF52 EasyDMA models against the product specifications (nRF52832 PS v1.4, nRF52840 PS
// v1.7) and errata: stop latency (what may still be written between a stop task and its
// stopped event, and that nothing is written after it) and the anomalies as fault modes.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createMcu } from "../../host/virtual-board/mcu/index";
import type { VirtualMcu } from "../../host/virtual-board/mcu/index";
import { puckjs } from "../../boards/puckjs";
import { banglejs2 } from "../../boards/banglejs2";
import * as S from "../../host/virtual-board/mcu/nrf52/saadc";
import * as U from "../../host/virtual-board/mcu/nrf52/uarte";
import * as P from "../../host/virtual-board/mcu/nrf52/spim";
import * as W from "../../host/virtual-board/mcu/nrf52/pwm";
import * as I from "../../host/virtual-board/mcu/nrf52/i2s";

const SAADC = 0x40007000, UARTE0 = 0x40002000, SPIM2 = 0x40023000, PWM0 = 0x4001c000, I2S = 0x40025000;

function mcu(board = puckjs, faults = {}): VirtualMcu {
  return createMcu({ board, nrf52Faults: faults });
}
function buf(m: VirtualMcu, n: number) {
  var b = m.heap.alloc(n)!;
  b.data.fill(0xaa);
  return b;
}
/** Run until the event at addr is set (bounded), as a driver polling it would. */
function until(m: VirtualMcu, addr: number, maxMs = 50): boolean {
  for (var i = 0; i < maxMs * 100 && !m.read32(addr); i++) m.advance(640);
  return m.read32(addr) === 1;
}
function writesTo(m: VirtualMcu, name: string): number {
  return m.easydma[name].writes;
}

describe("SAADC (PS v1.4 SAADC chapter: EasyDMA, continuous sampling)", () => {
  test("continuous sampling fills RESULT.PTR, AMOUNT counts words, END at MAXCNT", () => {
    var m = mcu(), b = buf(m, 16);
    m.write32(SAADC + 0x500, 1);
    m.write32(SAADC + S.CH_PSELP(0), 1);
    m.write32(SAADC + S.SAMPLERATE, (1 << 12) | 1600); // 10 kHz
    m.write32(SAADC + S.RESULT_PTR, b.addr);
    m.write32(SAADC + S.RESULT_MAXCNT, 8);
    m.write32(SAADC + S.T_START, 1);
    assert.ok(until(m, SAADC + S.E_STARTED));
    m.write32(SAADC + S.T_SAMPLE, 1);
    assert.ok(until(m, SAADC + S.E_END));
    assert.equal(m.read32(SAADC + S.RESULT_AMOUNT), 8);
    assert.deepEqual([...b.data], new Array(16).fill(0xff));
  });

  test("STOP during a conversion: its result still lands, then STOPPED, and nothing after", () => {
    var m = mcu(puckjs), b = buf(m, 64), e = m.easydma.SAADC as any;
    m.scheduler.next = () => 0; // the adversary holds the EasyDMA back
    m.write32(SAADC + 0x500, 1);
    m.write32(SAADC + S.SAMPLERATE, 0); // task mode: one conversion per SAMPLE
    m.write32(SAADC + S.RESULT_PTR, b.addr);
    m.write32(SAADC + S.RESULT_MAXCNT, 32);
    m.write32(SAADC + S.T_START, 1);
    m.dmaSteps(1);
    m.write32(SAADC + S.T_SAMPLE, 1);
    m.advance(10000); // the conversion is due, but not yet served
    m.write32(SAADC + S.T_STOP, 1);
    assert.equal(m.read32(SAADC + S.E_STOPPED), 0, "not stopped while the result is in flight");
    assert.equal(m.read32(SAADC + S.RESULT_AMOUNT), 0);
    m.dmaSteps(1);
    assert.equal(m.read32(SAADC + S.RESULT_AMOUNT), 1, "the in-flight result was written after STOP");
    m.advance(1000);
    m.dmaSteps(Infinity);
    assert.equal(m.read32(SAADC + S.E_STOPPED), 1);
    var n = e.writes;
    m.advance(100000);
    m.dmaSteps(Infinity);
    assert.equal(e.writes, n, "no write after STOPPED");
  });

  test("anomaly 86 (nRF52832): START after CALIBRATEOFFSET writes a sample without SAMPLE; not on the nRF52840", () => {
    for (const [board, want] of [[puckjs, 1], [banglejs2, 0]] as const) {
      var m = mcu(board), b = buf(m, 32);
      m.write32(SAADC + 0x500, 1);
      m.write32(SAADC + S.T_CALIBRATEOFFSET, 1);
      assert.ok(until(m, SAADC + S.E_CALIBRATEDONE));
      m.write32(SAADC + S.RESULT_PTR, b.addr);
      m.write32(SAADC + S.RESULT_MAXCNT, 8);
      m.write32(SAADC + S.T_START, 1);
      assert.equal(m.read32(SAADC + S.RESULT_AMOUNT), want, board.name);
    }
    // With the fault mode off the nRF52832 behaves as specified.
    var m2 = mcu(puckjs, { saadcCalibrationSample: false }), b2 = buf(m2, 32);
    m2.write32(SAADC + 0x500, 1);
    m2.write32(SAADC + S.T_CALIBRATEOFFSET, 1);
    until(m2, SAADC + S.E_CALIBRATEDONE);
    m2.write32(SAADC + S.RESULT_PTR, b2.addr);
    m2.write32(SAADC + S.RESULT_MAXCNT, 8);
    m2.write32(SAADC + S.T_START, 1);
    assert.equal(m2.read32(SAADC + S.RESULT_AMOUNT), 0);
  });

  test("Espruino's analogRead() stops and disables a running SAADC and points RESULT.PTR elsewhere", () => {
    var m = mcu(), b = buf(m, 64), scratch = m.heap.alloc(4)!, e = m.easydma.SAADC as S.Saadc;
    m.write32(SAADC + 0x500, 1);
    m.write32(SAADC + S.SAMPLERATE, (1 << 12) | 1600);
    m.write32(SAADC + S.RESULT_PTR, b.addr);
    m.write32(SAADC + S.RESULT_MAXCNT, 32);
    m.write32(SAADC + S.T_START, 1);
    until(m, SAADC + S.E_STARTED);
    m.write32(SAADC + S.T_SAMPLE, 1);
    m.advance(64000); // 1 ms: about 10 samples
    var before = b.data.filter((x) => x === 0xff).length;
    assert.ok(before > 0 && before < 64);
    e.input = () => 8192;
    var v = e.analogRead(0, scratch.addr);
    assert.equal(v, 0.5);
    assert.equal(m.read32(SAADC + 0x500), 0, "disabled");
    assert.equal(m.read32(SAADC + S.RESULT_PTR), scratch.addr);
    m.advance(640000);
    assert.equal(b.data.filter((x) => x === 0xff).length, before, "the transfer's buffer gets nothing more");
  });

  test("a pointer outside Data RAM (flash) is not accessed, and says so in the trace", () => {
    var m = mcu();
    m.write32(SAADC + 0x500, 1);
    m.write32(SAADC + S.RESULT_PTR, 0x1000);
    m.write32(SAADC + S.RESULT_MAXCNT, 4);
    m.write32(SAADC + S.T_START, 1);
    m.write32(SAADC + S.T_SAMPLE, 1);
    m.advance(64000);
    assert.equal(writesTo(m, "SAADC"), 0);
    assert.ok(m.trace.some((t) => t.type === "easydma_fault" && t.addr === 0x1000));
  });
});

describe("UARTE (PS v1.4 UARTE chapter: reception, stopping the receiver, FLUSHRX)", () => {
  function rx(m: VirtualMcu, b: { addr: number }, n: number) {
    var u = m.easydma.UARTE0 as U.Uarte, k = 0;
    u.line = () => k++ & 0x7f; // a sender that never stops
    m.write32(UARTE0 + 0x500, 8);
    m.write32(UARTE0 + U.BAUDRATE, 0x01d7e000); // 115200
    m.write32(UARTE0 + U.RXD_PTR, b.addr);
    m.write32(UARTE0 + U.RXD_MAXCNT, n);
    m.write32(UARTE0 + U.T_STARTRX, 1);
    return u;
  }

  test("STOPRX: up to 4 more bytes land, then ENDRX and RXTO; nothing after RXTO", () => {
    var m = mcu(), b = buf(m, 64), u = rx(m, b, 64);
    m.advance(64000 * 2); // ~23 bytes at 115200
    var got = m.read32(UARTE0 + U.RXD_AMOUNT);
    assert.ok(got > 10);
    m.write32(UARTE0 + U.T_STOPRX, 1);
    assert.ok(until(m, UARTE0 + U.E_RXTO));
    assert.equal(m.read32(UARTE0 + U.RXD_AMOUNT), got + 4, "four trailing bytes (the PS's maximum)");
    assert.equal(m.read32(UARTE0 + U.E_ENDRX), 1, "ENDRX before RXTO although the buffer is not full");
    var n = u.writes;
    m.advance(640000);
    assert.equal(u.writes, n, "no write after RXTO");
  });

  test("trailing bytes with no room stay in the FIFO; FLUSHRX writes them to RXD.PTR as it is then", () => {
    var m = mcu(), b = buf(m, 8), b2 = buf(m, 8), u = rx(m, b, 8);
    assert.ok(until(m, UARTE0 + U.E_ENDRX));
    m.write32(UARTE0 + U.T_STOPRX, 1);
    assert.ok(until(m, UARTE0 + U.E_RXTO));
    assert.ok(u.fifo.length > 0 && u.fifo.length <= 4);
    m.write32(UARTE0 + U.RXD_PTR, b2.addr);
    var f = u.fifo.length;
    m.write32(UARTE0 + U.T_FLUSHRX, 1);
    assert.equal(m.read32(UARTE0 + U.RXD_AMOUNT), f);
    assert.notEqual(b2.data[0], 0xaa, "FLUSHRX wrote into the new pointer");
  });

  test("RXD.MAXCNT is 8 bits on the nRF52832, 16 on the nRF52840 (MDK bitfields)", () => {
    for (const [board, want] of [[puckjs, 0x34], [banglejs2, 0x1234]] as const) {
      var m = mcu(board), base = board === banglejs2 ? 0x40028000 : UARTE0;
      m.write32(base + U.RXD_MAXCNT, 0x1234);
      assert.equal(m.read32(base + U.RXD_MAXCNT), want, board.name);
    }
  });
});

describe("SPIM (PS v1.4 SPIM chapter: stopping)", () => {
  test("STOP mid-transaction: the byte on the wire completes, then STOPPED, nothing after", () => {
    var m = mcu(), b = buf(m, 200), s = m.easydma.SPIM2 as P.Spim;
    m.write32(SPIM2 + 0x500, 7);
    m.write32(SPIM2 + P.FREQUENCY, 0x02000000); // 125 kHz: 64 us a byte
    m.write32(SPIM2 + P.RXD_PTR, b.addr);
    m.write32(SPIM2 + P.RXD_MAXCNT, 200);
    m.write32(SPIM2 + P.T_START, 1);
    m.advance(64 * 64 * 10);
    var n = s.writes;
    m.write32(SPIM2 + P.T_STOP, 1);
    assert.equal(m.read32(SPIM2 + P.E_STOPPED), 0);
    assert.ok(until(m, SPIM2 + P.E_STOPPED));
    assert.equal(s.writes, n + 1, "one byte after STOP");
    m.advance(640000);
    assert.equal(s.writes, n + 1, "none after STOPPED");
    assert.equal(m.read32(SPIM2 + P.RXD_AMOUNT), n + 1);
  });
});

describe("PWM (PS v1.4 PWM chapter: sequences and shortcuts)", () => {
  function loop(m: VirtualMcu, b: { addr: number }) {
    m.write32(PWM0 + 0x500, 1);
    m.write32(PWM0 + W.COUNTERTOP, 160); // 100 kHz PWM period
    m.write32(PWM0 + W.SEQ_PTR(0), b.addr);
    m.write32(PWM0 + W.SEQ_CNT(0), 4);
    m.write32(PWM0 + W.SEQ_PTR(1), b.addr + 8);
    m.write32(PWM0 + W.SEQ_CNT(1), 4);
    m.write32(PWM0 + W.LOOP, 1);
    m.write32(PWM0 + 0x200, 1 << W.SH_LOOPSDONE_SEQSTART0);
    m.write32(PWM0 + W.T_SEQSTART(0), 1);
    m.advance(64000);
  }
  test("LOOPSDONE_SEQSTART0 plays the ring forever; STOP with SHORTS cleared first ends all reads", () => {
    var m = mcu(puckjs, { pwmLoopsdoneWithStop: true }), b = buf(m, 16), p = m.easydma.PWM0 as W.Pwm;
    loop(m, b);
    assert.ok(p.out.length > 16, "looping");
    m.write32(PWM0 + 0x200, 0);
    m.write32(PWM0 + W.T_STOP, 1);
    assert.ok(until(m, PWM0 + W.E_STOPPED));
    var n = p.out.length;
    m.advance(64000);
    assert.equal(p.out.length, n);
  });
  test("fault: LOOPSDONE with STOP and the short still set restarts playback after STOPPED", () => {
    var m = mcu(puckjs, { pwmLoopsdoneWithStop: true }), b = buf(m, 16), p = m.easydma.PWM0 as W.Pwm;
    loop(m, b);
    m.write32(PWM0 + W.T_STOP, 1);
    assert.ok(until(m, PWM0 + W.E_STOPPED));
    var n = p.out.length;
    m.advance(64000);
    assert.ok(p.out.length > n, "reads after STOPPED");
  });
});

describe("I2S (PS v1.4 I2S chapter: EasyDMA; anomaly 55)", () => {
  test("PTRUPD at START and every MAXCNT words; STOP: the last word, STOPPED; anomaly 55 PTRUPD after it", () => {
    for (const fault of [true, false]) {
      var m = mcu(banglejs2, { i2sPtrupdAfterStop: fault }), b = buf(m, 64), i = m.easydma.I2S as I.I2s;
      m.write32(I2S + 0x500, 1);
      m.write32(I2S + I.CONFIG_RXEN, 1);
      m.write32(I2S + I.RXD_PTR, b.addr);
      m.write32(I2S + I.RXTXD_MAXCNT, 4);
      m.write32(I2S + I.T_START, 1);
      assert.equal(m.read32(I2S + I.E_RXPTRUPD), 1);
      m.write32(I2S + I.E_RXPTRUPD, 0);
      assert.ok(until(m, I2S + I.E_RXPTRUPD), "again after 4 words");
      m.write32(I2S + I.E_RXPTRUPD, 0);
      var n = i.writes;
      m.write32(I2S + I.T_STOP, 1);
      assert.ok(until(m, I2S + I.E_STOPPED));
      assert.equal(i.writes, n + 1, "the word in progress");
      assert.equal(m.read32(I2S + I.E_RXPTRUPD), fault ? 1 : 0, "anomaly 55: " + fault);
      m.advance(64000);
      assert.equal(i.writes, n + 1);
    }
  });
});

describe("the boards' EasyDMA peripherals sit at the MDK's base addresses", () => {
  test("nRF52832 (Puck.js) and nRF52840 (Bangle.js 2)", () => {
    var a = mcu(puckjs), c = mcu(banglejs2);
    assert.deepEqual(Object.keys(a.easydma).sort(), ["I2S", "PWM0", "PWM1", "PWM2", "SAADC", "SPIM0", "SPIM1", "SPIM2", "UARTE0"]);
    assert.deepEqual(Object.keys(c.easydma).sort(), ["I2S", "PWM0", "PWM1", "PWM2", "PWM3", "SAADC", "SPIM0", "SPIM1", "SPIM2", "SPIM3", "UARTE0", "UARTE1"]);
    assert.equal(c.peripheral("PWM3")!.base, 0x4002d000);
    assert.equal(c.peripheral("SPIM3")!.base, 0x4002f000);
    assert.equal(c.peripheral("UARTE1")!.base, 0x40028000);
  });
});
