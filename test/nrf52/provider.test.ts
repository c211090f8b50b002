// The nRF52 EasyDMA provider (firmware/drivers/nrf52.ts) under the dmaengine core, on the
// virtual nRF52 boards' register models: channels per peripheral, refusals, scatter-gather
// and cyclic over the double-buffered pointers, terminate + synchronize against the stop
// latency (UARTE trailing bytes, PWM shortcut, I2S anomaly 55), analogRead() clobbering.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createMcu, VirtualMcu } from "../../host/virtual-board/mcu/index";
import { findBoard } from "../../boards/index";
import { createEventLoop, EventLoop } from "../../host/virtual-board/event-loop";
import { createDirectPlatform, DirectPlatform } from "../../host/virtual-board/direct-platform";
import { createEngine } from "../../firmware/index";
import { createNrf52, nrf52Row } from "../../firmware/drivers/nrf52";
import type { Nrf52Faults } from "../../host/virtual-board/mcu/nrf52/index";
import * as U from "../../host/virtual-board/mcu/nrf52/uarte";

const SAADC = 0x40007000, UARTE0 = 0x40002000;

interface R { mcu: VirtualMcu; loop: EventLoop; p: DirectPlatform; dma: any; counts: { n: number } }
function rig(name: string, faults: Nrf52Faults = {}, schedule: "normal" | "adversarial" = "normal", seed = 1): R {
  var mcu = createMcu({ board: findBoard(name)!, nrf52Faults: faults, schedule, seed });
  var loop = createEventLoop(mcu), p = createDirectPlatform(mcu, loop), counts = { n: 0 };
  var counted: DirectPlatform = Object.create(p);
  counted.peek32 = (a: number) => { counts.n++; return p.peek32(a); };
  counted.poke32 = (a: number, v: number) => { counts.n++; p.poke32(a, v); };
  return { mcu, loop, p, dma: createEngine(counted, createNrf52(counted, nrf52Row(name)!)), counts };
}
/** n bytes at an address that is a multiple of a (EasyDMA moves 16-bit SAADC/PWM and 32-bit I2S items). */
function aligned(r: R, n: number, a: number): Uint8Array {
  var b = r.p.directAlloc(n + a), off = (a - (r.p.addressOf(b) % a)) % a;
  return b.subarray(off, off + n);
}
function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) { if (e && e.name === "DmaError") { assert.ok(e.message.startsWith(e.code + ": "), e.message); return e.message; } throw e; }
  return "no error";
}
/** SAADC channel 0 sampling continuously at hz (SAMPLERATE.MODE Timers, CC = 16 MHz / hz). */
function saadcAt(r: R, hz: number) {
  r.p.poke32(SAADC + 0x510, 1); // CH[0].PSELP = AIN0
  r.p.poke32(SAADC + 0x5f8, (1 << 12) | Math.round(16e6 / hz));
}

describe("channels: one per free EasyDMA peripheral", () => {
  test("each instance by name; the part's own instances only; busy and unknown refused with what to do", () => {
    var r = rig("puckjs");
    var c = r.dma.requestChannel({ request: "SAADC" });
    assert.equal(c.name, "SAADC");
    assert.match(codeOf(() => r.dma.requestChannel({ request: "SAADC" })), /^EBUSY: SAADC in use/);
    assert.match(codeOf(() => r.dma.requestChannel({ request: "UARTE1" })), /^ENODEV: no EasyDMA peripheral UARTE1: request one of .*SPIM2/);
    assert.match(codeOf(() => r.dma.requestChannel({ dir: "mem2mem" })), /^ENODEV: EasyDMA has no memory-to-memory: request one of SAADC/);
    assert.match(codeOf(() => r.dma.requestChannel({ request: "PWM3" })), /^ENODEV/);
    // Espruino has SPI1 running: SPIM0 reads enabled.
    r.p.poke32(0x40003000 + 0x500, 7);
    assert.match(codeOf(() => r.dma.requestChannel({ request: "SPIM0" })), /^EBUSY: SPIM0 is enabled \(ENABLE=7\)/);
    var b = rig("banglejs2");
    for (const n of ["SPIM3", "UARTE1", "PWM3", "I2S", "SPIM2"]) assert.equal(b.dma.requestChannel({ request: n }).name, n);
  });

  test("buffers outside Data RAM are refused (64 KB on the nRF52832, 256 KB on the nRF52840)", () => {
    var p = createNrf52({} as any, nrf52Row("puckjs")!), q = createNrf52({} as any, nrf52Row("banglejs2")!);
    assert.equal(p.reachable(0x20000000, 0x10000), true);
    assert.equal(p.reachable(0x2000fffc, 8), false);
    assert.equal(q.reachable(0x2003fff0, 16), true);
    assert.equal(q.reachable(0x60000000, 4), false, "Bangle.js 2 Storage (external flash)");
    assert.equal(q.reachable(0x00010000, 4), false, "internal flash");
  });

  test("pause is refused with the reason, for every kind", () => {
    var r = rig("banglejs2");
    saadcAt(r, 10000);
    var c = r.dma.requestChannel({ request: "SAADC" }), b = aligned(r, 200, 2);
    c.prepSlaveSg([b], "dev2mem").submit();
    c.issuePending();
    assert.match(codeOf(() => c.pause()), /^EPERM: SAADC cannot pause: STOP ends the run/);
    c.terminateSync();
  });
});

describe("SAADC: scatter-gather and cyclic over the double-buffered RESULT.PTR", () => {
  test("two buffers fill in order, one callback, residue 0", () => {
    var r = rig("puckjs");
    saadcAt(r, 20000);
    var c = r.dma.requestChannel({ request: "SAADC" }), a = aligned(r, 64, 2), b = aligned(r, 96, 2), res: any[] = [];
    a.fill(0x11); b.fill(0x22);
    var tx = c.prepSlaveSg([a, b], "dev2mem", { callback: (x: any) => res.push(x) }), ck = tx.submit();
    c.issuePending();
    r.loop.runUntil(50);
    assert.equal(res.length, 1);
    assert.equal(res[0].result, "ok");
    assert.deepEqual([...a].concat([...b]), new Array(160).fill(0xff));
    assert.deepEqual(c.txStatus(ck), { status: "complete", residue: 0 });
    c.release();
  });

  test("cyclic: a callback per period; terminateSync stops it (STOPPED seen) and nothing is written after", () => {
    var r = rig("puckjs");
    saadcAt(r, 20000);
    var c = r.dma.requestChannel({ request: "SAADC" }), ring = aligned(r, 256, 2), n = 0;
    c.prepCyclic(ring, 64, "dev2mem", { callback: () => n++ }).submit();
    c.issuePending();
    r.loop.runUntil(40);
    assert.ok(n >= 5, n + " periods");
    c.terminateSync();
    var m = r.mcu.easydma.SAADC, w = m.writes;
    assert.ok(m.lastStoppedAt >= 0 && m.lastStoppedAt <= r.mcu.cycles, "STOPPED before synchronize returned");
    r.loop.runUntil(80);
    assert.equal(m.writes, w);
    c.release();
    assert.equal(r.p.peek32(SAADC + 0x500), 0, "handed back disabled");
  });

  test("analogRead() during a transfer: Espruino stops and disables the SAADC; the transfer fails, no hang", () => {
    var r = rig("puckjs");
    saadcAt(r, 10000);
    var c = r.dma.requestChannel({ request: "SAADC" }), b = aligned(r, 2000, 2), res: any[] = [];
    c.prepSlaveSg([b], "dev2mem", { callback: (x: any) => res.push(x) }).submit();
    c.issuePending();
    r.loop.runUntil(10);
    var scratch = r.mcu.heap.alloc(4)!;
    (r.mcu.easydma.SAADC as any).analogRead(1, scratch.addr);
    // (polled when due to end, 100 ms after the start: the clobber is seen then)
    r.loop.runUntil(150);
    assert.equal(res.length, 1);
    assert.equal(res[0].result, "read_failed");
    assert.equal(res[0].residue, 2000, "unknown how much landed: the buffer counts whole");
    c.synchronize();
    c.release();
  });
});

test("SAADC after CALIBRATEOFFSET: the driver applies anomaly 86's workaround, so no stray first word (nRF52832)", () => {
  var r = rig("puckjs", { saadcCalibrationSample: true });
  saadcAt(r, 10000);
  var c = r.dma.requestChannel({ request: "SAADC" }), b = aligned(r, 64, 2), m = r.mcu.easydma.SAADC as any;
  m.input = () => 0x0123;
  // The program calibrates first (as nrfx does before sampling).
  r.p.poke32(SAADC + 0x500, 1);
  r.p.poke32(SAADC + 0x00c, 1);
  r.loop.advanceBy(15);
  assert.equal(r.p.peek32(SAADC + 0x110), 1, "CALIBRATEDONE");
  r.p.poke32(SAADC + 0x500, 0);
  b.fill(0);
  c.prepSlaveSg([b], "dev2mem").submit();
  c.issuePending();
  r.loop.runUntil(40);
  assert.deepEqual([b[0], b[1]], [0x23, 0x01], "the first word is a real sample, not anomaly 86's 0x07ff");
  c.release();
});

describe("UARTE: STOPRX, trailing bytes and RXTO", () => {
  function uart(r: R, name: string) {
    var base = name === "UARTE1" ? 0x40028000 : UARTE0, u = r.mcu.easydma[name] as U.Uarte, k = 0;
    u.line = () => 0x40 + (k++ % 32);
    var c = r.dma.requestChannel({ request: name, dir: "dev2mem" });
    r.p.poke32(base + U.BAUDRATE, 0x01d7e000); // 115200
    return { c, u };
  }
  test("terminateSync waits for RXTO: the trailing bytes land before it returns, none after", () => {
    var r = rig("banglejs2"), { c, u } = uart(r, "UARTE1"), b = r.p.directAlloc(1000);
    b.fill(0);
    var ck = c.prepSlaveSg([b], "dev2mem").submit();
    c.issuePending();
    r.loop.runUntil(5);
    var before = b.filter((x: number) => x !== 0).length;
    c.terminateSync();
    var after = b.filter((x: number) => x !== 0).length, w = u.writes;
    assert.equal(after, before + 4, "the PS's four bytes after STOPRX landed before synchronize returned");
    assert.deepEqual(c.txStatus(ck), { status: "aborted", residue: 1000 - after }, "residue from RXD.AMOUNT once stopped");
    r.loop.runUntil(20);
    assert.equal(u.writes, w, "no write after RXTO");
    c.release();
  });
  test("scatter-gather chains buffers with ENDRX_STARTRX and keeps every byte in order", () => {
    var r = rig("banglejs2"), { c } = uart(r, "UARTE1"), a = r.p.directAlloc(40), b = r.p.directAlloc(40), done = 0;
    c.prepSlaveSg([a, b], "dev2mem", { callback: () => done++ }).submit();
    c.issuePending();
    r.loop.runUntil(30);
    assert.equal(done, 1);
    var all = [...a].concat([...b]);
    for (var i = 0; i < 80; i++) assert.equal(all[i], 0x40 + (i % 32), "byte " + i);
    c.release();
  });
});

describe("SPIM, PWM, I2S", () => {
  test("SPIM2 mem2dev list: every byte goes out in order", () => {
    var r = rig("mdbt42q"), c = r.dma.requestChannel({ request: "SPIM2", dir: "mem2dev" }), a = r.p.directAlloc(30), b = r.p.directAlloc(30), ok = 0;
    for (var i = 0; i < 30; i++) a[i] = i, b[i] = 100 + i;
    r.p.poke32(0x40023000 + 0x524, 0x80000000); // 8 MHz
    c.prepSlaveSg([a, b], "mem2dev", { callback: () => ok++ }).submit();
    c.issuePending();
    r.loop.runUntil(10);
    assert.equal(ok, 1);
    assert.deepEqual((r.mcu.easydma.SPIM2 as any).mosi, [...a].concat([...b]));
    c.release();
  });

  test("PWM3 ring of two periods (SEQ[0], SEQ[1], LOOPSDONE_SEQSTART0): SHORTS cleared before STOP, so the LOOPSDONE-with-STOP fault cannot restart it", () => {
    var r = rig("banglejs2", { pwmLoopsdoneWithStop: true }), c = r.dma.requestChannel({ request: "PWM3" }), ring = aligned(r, 32, 2), n = 0;
    r.p.poke32(0x4002d000 + 0x508, 1600); // COUNTERTOP: 10 kHz
    c.prepCyclic(ring, 16, "mem2dev", { callback: () => n++ }).submit();
    c.issuePending();
    r.loop.runUntil(20);
    assert.ok(n >= 4, n + " periods");
    c.terminateSync();
    var p = r.mcu.easydma.PWM3 as any, out = p.out.length;
    r.loop.runUntil(40);
    assert.equal(p.out.length, out, "no read after STOPPED");
    assert.match(codeOf(() => c.prepCyclic(aligned(r, 48, 2), 16, "mem2dev")), /exactly 2/);
    c.release();
  });

  test("I2S cyclic RX: PTRUPD advances the periods; anomaly 55's PTRUPD after STOP brings no callback", () => {
    var r = rig("puckjs", { i2sPtrupdAfterStop: true }), c = r.dma.requestChannel({ request: "I2S", dir: "dev2mem" }), ring = aligned(r, 128, 4), n = 0;
    c.prepCyclic(ring, 32, "dev2mem", { callback: () => n++ }).submit();
    c.issuePending();
    r.loop.runUntil(20);
    assert.ok(n >= 4, n + " periods");
    c.terminateSync();
    var k = n;
    r.loop.runUntil(40);
    assert.equal(n, k);
    assert.equal(r.p.peek32(0x40025000 + 0x104), 0, "the stray RXPTRUPD was cleared by synchronize");
    assert.match(codeOf(() => c.prepSlaveSg([ring], "dev2mem")), /use prepCyclic/);
    c.release();
  });
});

describe("register accesses (the bench counts these too)", () => {
  test("terminateAsync is 3 writes and a residue read; synchronize a few reads", () => {
    var r = rig("banglejs2");
    saadcAt(r, 10000);
    var c = r.dma.requestChannel({ request: "SAADC" }), b = aligned(r, 1000, 2);
    c.prepSlaveSg([b], "dev2mem").submit();
    c.issuePending();
    r.loop.runUntil(5);
    r.counts.n = 0;
    c.terminateAsync();
    var t = r.counts.n;
    r.counts.n = 0;
    c.synchronize();
    var s = r.counts.n;
    assert.ok(t <= 4, "terminateAsync: " + t);
    assert.ok(s >= 1 && s <= 12, "synchronize: " + s);
  });
});
