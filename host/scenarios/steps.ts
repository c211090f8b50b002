// Step builders and board helpers for scenario programs (the agent's step language is in
// firmware/agent/index.ts). Register addresses come from the board data, per reference manual.
import type { BoardDef, TimerDef, GpioDef, RequestLine } from "../../boards/types";

/** Control register of every stream/channel: F4 SxCR = base + 0x10 + 0x18*x (RM0090 10.5.5);
 * F1 CCRx = base + 0x08 + 0x14*(x-1) (RM0008 13.4.3). Names as the drivers print them. */
export function controlRegisters(board: BoardDef): { name: string; addr: number }[] {
  var out: { name: string; addr: number }[] = [];
  // nRF52: each EasyDMA peripheral's ENABLE (base + 0x500); the driver disables a channel's
  // peripheral once its stopped event has come (firmware/drivers/nrf52.ts synchronize).
  if (board.nrf52) return board.nrf52.peripherals.map((p) => ({ name: p.name, addr: p.base + 0x500 }));
  for (const d of board.dma) {
    for (var i = 0; i < d.count; i++) {
      if (d.kind === "stream") out.push({ name: d.name + " stream " + i, addr: d.base + 0x10 + 0x18 * i });
      else out.push({ name: d.name + " channel " + (i + 1), addr: d.base + 0x08 + 0x14 * i });
    }
  }
  return out;
}

/** A register that is harmless to read, for busy-waiting without an event-loop turn: DMA1's
 * status register (LISR on F4, ISR on F1, offset 0 in both). */
export function spinAddr(board: BoardDef): number {
  // nRF52: SAADC STATUS (0x400), read-only.
  return board.nrf52 ? 0x40007400 : board.dma[0].base;
}

/** nRF52 boards pace captures with the SAADC's own sample timer: channel 0 on AIN0,
 * SAMPLERATE.MODE = Timers, CC = 16 MHz / hz (80..2047: 7.8-200 kHz; nRF52832 PS v1.4, SAADC registers).
 * Each sample is two bytes. The virtual SAADC reads -1 (0xFFFF) on every input. The slowest
 * timer rate is 7.8 kHz: a slower pace is clamped to it. */
const SAADC = 0x40007000;
function saadcRate(hz: number): number {
  return (1 << 12) | Math.max(80, Math.min(2047, Math.round(16e6 / hz)));
}

/** EN snapshot of every stream/channel, right now. */
export function en(board: BoardDef, ch: string): any {
  return { op: "en", ch, addrs: controlRegisters(board).map((r) => r.addr) };
}

/** A timer whose update request reaches a controller that can read GPIO: on F4 only DMA2's
 * peripheral port is on the bus matrix (RM0090 figure 1), so TIM1_UP (DMA2); on F1 any. */
export function pacingTimer(board: BoardDef): { timer: TimerDef; request: string; line: RequestLine } {
  for (const t of board.timers) {
    var lines = board.requests[t.updateRequest] || [];
    for (const l of lines) {
      if (board.family === "F1" || l.dma === "DMA2") return { timer: t, request: t.updateRequest, line: l };
    }
  }
  throw new Error("Board " + board.name + " has no timer whose DMA request can read GPIO");
}

function gpioA(board: BoardDef): GpioDef {
  return board.gpio[0];
}

/** Steps that clock GPIOA and drive ODR high (IDR reads 0xFF.. on the virtual board; bit 7
 * set, so captured bytes never look like a canary), then clock the timer and start it at hz
 * with DMA requests on update (TIMx_DIER.UDE bit 8, CR1.CEN bit 0: RM0090 17.4, RM0008 15.4). */
export function startPacing(board: BoardDef, hz: number): any[] {
  // (hz / 2 samples a second: two bytes each, so a capture takes as long as on the STM32 boards)
  if (board.nrf52) return [{ op: "poke", addr: SAADC + 0x510, value: 1 }, { op: "poke", addr: SAADC + 0x5f8, value: saadcRate(hz / 2) }];
  var p = pacingTimer(board), t = p.timer, g = gpioA(board), rcc = board.rcc.base;
  var psc = Math.round(t.clockHz / 1000000) - 1; // 1 MHz counter
  var arr = Math.max(1, Math.round(1000000 / hz) - 1);
  return [
    { op: "setBits", addr: rcc + g.enr, mask: 1 << g.bit },
    { op: "poke", addr: g.base + g.odr, value: 0xffff },
    { op: "setBits", addr: rcc + t.enr, mask: 1 << t.bit },
    { op: "poke", addr: t.base + 0x00, value: 0 },          // CR1: stop
    { op: "poke", addr: t.base + 0x28, value: psc },        // PSC
    { op: "poke", addr: t.base + 0x2c, value: arr },        // ARR
    { op: "poke", addr: t.base + 0x14, value: 1 },          // EGR.UG: load PSC
    { op: "poke", addr: t.base + 0x10, value: 0 },          // SR: clear UIF
    { op: "poke", addr: t.base + 0x0c, value: 1 << 8 },     // DIER.UDE
    { op: "poke", addr: t.base + 0x00, value: 1 },          // CR1.CEN
  ];
}

export function stopPacing(board: BoardDef): any[] {
  if (board.nrf52) return [{ op: "poke", addr: SAADC + 0x5f8, value: 0 }];
  var t = pacingTimer(board).timer;
  return [
    { op: "poke", addr: t.base + 0x00, value: 0 },
    { op: "poke", addr: t.base + 0x0c, value: 0 },
  ];
}

/** requestChannel for timer-paced capture from GPIOA's IDR into memory. */
export function pacedCapture(board: BoardDef, ch: string): any[] {
  if (board.nrf52) return [{ op: "request", ch, req: { request: "SAADC", dir: "dev2mem" } }];
  var p = pacingTimer(board), g = gpioA(board);
  return [
    { op: "request", ch, req: { request: p.request, dir: "dev2mem" } },
    { op: "config", ch, cfg: { periphAddr: g.base + g.idr, periphWidth: 1, memWidth: 1 } },
  ];
}

/** One complete memcpy: alloc, fill, prep, submit, issue. */
export function memcpy(ch: string, tx: string, len: number, opts: { seed?: number; onCb?: any[]; alloc?: boolean } = {}): any[] {
  var src = tx + "_src", dst = tx + "_dst";
  var s: any[] = [];
  if (opts.alloc !== false) s.push({ op: "alloc", buf: src, len }, { op: "alloc", buf: dst, len });
  s.push(
    { op: "fill", buf: src, pattern: "src", seed: opts.seed ?? 1 },
    { op: "memcpy", ch, tx, dst, src, len, onCb: opts.onCb },
    { op: "submit", tx },
    { op: "issue", ch },
  );
  return s;
}

export function checkCopy(tx: string): any {
  return { op: "checkCopy", dst: tx + "_dst", src: tx + "_src" };
}
