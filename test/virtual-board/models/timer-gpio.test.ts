// General-purpose timer (RM0090 18 / RM0368 13 / RM0008 15) and GPIO port (RM0090 8.4) models.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mcuFor, pico, f4discovery, original, RCC_F4, RCC_F1 } from "./helpers";

const TIM2 = 0x40000000, TIM3 = 0x40000400;
const CR1 = 0, DIER = 0x0c, SR = 0x10, EGR = 0x14, CNT = 0x24, PSC = 0x28, ARR = 0x2c;

function timerOn(m: ReturnType<typeof mcuFor>) {
  m.write32(RCC_F4 + 0x40, 0xf); // TIM2..TIM5
}

describe("timer", () => {
  test("update every (PSC+1)*(ARR+1) ticks; CNT counts PSC+1 ticks per step", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    timerOn(m);
    m.write32(TIM2 + PSC, 3);
    m.write32(TIM2 + ARR, 9);
    m.write32(TIM2 + EGR, 1); // UG loads PSC
    m.write32(TIM2 + SR, 0);
    m.write32(TIM2 + CR1, 1);
    var t0 = m.cycles;
    m.advanceTo(t0 + 4 * 7 - 1); // the read costs 1 cycle: CNT seen at t0 + 28
    assert.equal(m.read32(TIM2 + CNT), 7);
    m.advanceTo(t0 + 39);
    assert.equal(m.read32(TIM2 + SR) & 1, 1, "UIF at t0 + 40");
    assert.equal(m.read32(TIM2 + CNT), 0);
  });

  test("PSC is preloaded: a new value applies from the next update event (RM0090 18.3.1)", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    timerOn(m);
    m.write32(TIM2 + ARR, 99);
    m.write32(TIM2 + CR1, 1);
    var t0 = m.cycles;
    m.write32(TIM2 + PSC, 1);
    m.advanceTo(t0 + 98);
    assert.equal(m.read32(TIM2 + SR) & 1, 0); // at t0 + 99
    assert.equal(m.read32(TIM2 + SR) & 1, 1, "this period still at PSC=0: update at t0 + 100");
    m.write32(TIM2 + SR, 0); // at t0 + 101
    m.advanceTo(t0 + 298);
    assert.equal(m.read32(TIM2 + SR) & 1, 0);
    assert.equal(m.read32(TIM2 + SR) & 1, 1, "then PSC=1: 2 ticks per step, update at t0 + 300");
  });

  test("SR is rc_w0; UG with URS=1 sets no UIF; OPM stops the counter at the update", () => {
    var m = mcuFor(pico, { cpuAccessCycles: 1 });
    timerOn(m);
    m.write32(TIM2 + EGR, 1);
    assert.equal(m.read32(TIM2 + SR) & 1, 1);
    m.write32(TIM2 + SR, 0xffffffff);
    assert.equal(m.read32(TIM2 + SR) & 1, 1, "writing 1 has no effect");
    m.write32(TIM2 + SR, 0);
    assert.equal(m.read32(TIM2 + SR) & 1, 0);
    m.write32(TIM2 + CR1, 4); // URS
    m.write32(TIM2 + EGR, 1);
    assert.equal(m.read32(TIM2 + SR) & 1, 0);
    m.write32(TIM2 + ARR, 9);
    m.write32(TIM2 + CR1, 8 | 1); // OPM + CEN
    m.advance(50);
    assert.equal(m.read32(TIM2 + CR1) & 1, 0, "CEN cleared by the update in one-pulse mode");
    assert.equal(m.read32(TIM2 + SR) & 1, 1);
  });

  test("TIM2 is 32-bit on the F4, TIM3 16-bit; on the F1 all are 16-bit", () => {
    var m = mcuFor(pico);
    timerOn(m);
    assert.equal(m.read32(TIM2 + ARR), 0xffffffff);
    assert.equal(m.read32(TIM3 + ARR), 0xffff);
    m.write32(TIM3 + ARR, 0x12345);
    assert.equal(m.read32(TIM3 + ARR), 0x2345);
    var o = mcuFor(original);
    o.write32(RCC_F1 + 0x1c, 1);
    assert.equal(o.read32(TIM2 + ARR), 0xffff);
  });

  test("the F407's TIM2 runs at 84 MHz under a 168 MHz CPU: 2 cycles per tick", () => {
    var m = mcuFor(f4discovery, { cpuAccessCycles: 1 });
    m.write32(RCC_F4 + 0x40, 1);
    m.write32(TIM2 + ARR, 999);
    m.write32(TIM2 + CR1, 1);
    var t0 = m.cycles;
    m.advanceTo(t0 + 1998);
    assert.equal(m.read32(TIM2 + SR) & 1, 0);
    assert.equal(m.read32(TIM2 + SR) & 1, 1, "update at t0 + 2000");
  });

  test("an unclocked timer does not respond", () => {
    var m = mcuFor(pico);
    m.write32(TIM2 + ARR, 5);
    assert.equal(m.read32(TIM2 + ARR), 0);
    timerOn(m);
    assert.equal(m.read32(TIM2 + ARR), 0xffffffff);
  });
});

describe("GPIO", () => {
  const GPIOA = 0x40020000, IDR = 0x10, ODR = 0x14, BSRR = 0x18;
  test("ODR read/write, BSRR sets and resets with set winning, IDR from the input function", () => {
    var m = mcuFor(pico);
    m.write32(RCC_F4 + 0x30, m.read32(RCC_F4 + 0x30) | 1);
    m.write32(GPIOA + ODR, 0x12345);
    assert.equal(m.read32(GPIOA + ODR), 0x2345);
    m.write32(GPIOA + BSRR, (0x0005 << 16) | 0x0101);
    assert.equal(m.read32(GPIOA + ODR), 0x2341 | 0x0101);
    m.write32(GPIOA + BSRR, (0x0001 << 16) | 0x0001); // both: set wins
    assert.equal(m.read32(GPIOA + ODR) & 1, 1);
    assert.equal(m.read32(GPIOA + BSRR), 0);
    assert.equal(m.read32(GPIOA + IDR), m.read32(GPIOA + ODR), "no input driver: reads back outputs");
    m.gpio[0].setInput(0xbeef);
    assert.equal(m.read32(GPIOA + IDR), 0xbeef);
    m.gpio[0].input = (c) => (c >= 1000000 ? 1 : 0);
    assert.equal(m.read32(GPIOA + IDR), 0);
    m.advance(1000000);
    assert.equal(m.read32(GPIOA + IDR), 1);
    m.write32(GPIOA + IDR, 0); // read-only
    assert.equal(m.read32(GPIOA + IDR), 1);
  });

  test("F1 layout: IDR 0x08, ODR 0x0C, BSRR 0x10 (RM0008 9.2)", () => {
    var m = mcuFor(original);
    m.write32(RCC_F1 + 0x18, 1 << 3); // IOPBEN
    m.write32(0x40010c00 + 0x10, 0x8000);
    assert.equal(m.read32(0x40010c00 + 0x0c), 0x8000);
  });
});
