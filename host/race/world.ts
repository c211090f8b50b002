// One virtual board for one race case: the MCU with the adversarial scheduler seeded by the
// case's schedule, the race event loop, the direct platform (behind a thin proxy the mutants may
// hook), the board's STM32 provider (possibly wrapped by a mutant) and the core's engine.
// Everything is built fresh per case: a case must replay from its seed alone.
import type { BoardDef, TimerDef } from "../../boards/types";
import type { Platform } from "../../firmware/platform/platform";
import type { Provider } from "../../firmware/dmaengine/provider";
import { createMcu } from "../virtual-board/mcu";
import type { VirtualMcu } from "../virtual-board/mcu/mcu";
import { createDirectPlatform } from "../virtual-board/direct-platform";
import type { DirectPlatform } from "../virtual-board/direct-platform";
import type { EventLoop } from "../virtual-board/event-loop";
import * as core from "../../firmware/index";
import * as drivers from "../../firmware/drivers/index";
import { SimLoop } from "./sim-loop";
import { hwStreams } from "./hw-inspect";
import type { HwStream } from "./hw-inspect";
import type { Mutant } from "./mutants";

/** Bus hooks a mutant may install on the platform the provider sees. */
export interface PlatformHooks {
  /** Rewrites a value the provider reads. */
  peek: ((addr: number, value: number) => number) | null;
  /** Return false to swallow a write of the provider. */
  poke: ((addr: number, value: number) => boolean) | null;
}

export interface World {
  board: BoardDef;
  mcu: VirtualMcu;
  loop: SimLoop;
  direct: DirectPlatform;
  platform: Platform;
  hooks: PlatformHooks;
  provider: Provider;
  engine: any;
  streams: HwStream[];
  /** Byte a dev2mem buffer is filled with before its transfer (never a counter value next to
   * itself, so a byte the DMA did not write shows). */
  gpioInput: number;
  /** Reads of the dev2mem port's IDR so far: each read returns the next value of a counter
   * (low byte), so the bytes a dev2mem transfer stores must count up by one, with no repeat or gap. */
  idrReads: number;
  /** Every value written to the ODR that mem2dev transfers write (low byte), in order: what a
   * logic analyser on the pins would record, repeats included. */
  odrLog: number[];
  /** What the core last told the platform's inFlight(): the Espruino platform then refuses
   * heap moves (firmware/platform/heap-guard.ts). */
  heapBusy: boolean;
  /** Per stream control register: false from a write that clears EN until a read of it returns
   * EN=0 (the controller reported the stop), true after; absent before any such write. */
  stopSeen: { [crAddr: number]: boolean };
}

export function createWorld(board: BoardDef, schedule: number, mutant: Mutant | null): World {
  var mcu = createMcu({ board: board, seed: schedule, schedule: "adversarial" });
  var loop = new SimLoop(mcu);
  var direct = createDirectPlatform(mcu, loop as unknown as EventLoop);
  var hooks: PlatformHooks = { peek: null, poke: null };
  var streams = hwStreams(mcu), crs: { [a: number]: boolean } = {};
  streams.forEach(function (st) { crs[st.crAddr] = true; });
  // A proxy, so that a mutant can sit between the provider and the bus.
  var platform: Platform = {
    peek32: function (addr) {
      var v = direct.peek32(addr);
      if (crs[addr >>> 0] && !(v & 1)) world.stopSeen[addr >>> 0] = true;
      return hooks.peek ? hooks.peek(addr >>> 0, v) : v;
    },
    poke32: function (addr, value) {
      if (hooks.poke && !hooks.poke(addr >>> 0, value >>> 0)) return;
      direct.poke32(addr, value);
      if (crs[addr >>> 0] && !(value & 1)) world.stopSeen[addr >>> 0] = false;
    },
    addressOf: direct.addressOf,
    setTimeout: function (fn, ms) { return loop.setTimeout(fn, ms); },
    clearTimeout: function (id) { loop.clearTimeout(id); },
    now: function () { return loop.now(); },
    report: direct.report,
    warn: direct.warn,
    boardName: direct.boardName,
    inFlight: function (busy) { world.heapBusy = busy; },
  };
  var provider: Provider = boardProvider(platform, board);
  var world: World = {
    board: board, mcu: mcu, loop: loop, direct: direct, platform: platform, hooks: hooks,
    provider: provider, engine: null, streams: streams, gpioInput: 0, idrReads: 0, odrLog: [], heapBusy: false, stopSeen: {},
  };
  if (mutant && mutant.wrapProvider) world.provider = mutant.wrapProvider(provider, world);
  world.engine = core.createEngine(platform, world.provider);
  // Inputs: a fixed level on every port, derived from the seed; the port dev2mem transfers read
  // counts up by one per read, starting from a seed-derived value.
  world.gpioInput = 0x40 | (schedule & 0x3f);
  for (var i = 0; i < mcu.gpio.length; i++) mcu.gpio[i].setInput(world.gpioInput);
  var idr = gpioAddr(board, "dev2mem"), first = (schedule * 7) & 0xff;
  mcu.gpio.forEach(function (port) {
    if (idr < port.base || idr >= port.base + port.size) return;
    port.input = function () { return (first + world.idrReads++) & 0xff; };
  });
  // Record the writes to the mem2dev ODR (the port's own onOutput only reports changes).
  var odr = gpioAddr(board, "mem2dev");
  mcu.gpio.forEach(function (port) {
    if (odr < port.base || odr >= port.base + port.size) return;
    var off = odr - port.base, write = port.write32;
    port.write32 = function (offset: number, value: number) {
      if (offset === off) world.odrLog.push(value & 0xff);
      write.call(port, offset, value);
    };
  });
  return world;
}

/** The board's provider, as the bundle builds it on the board: the drivers' entry point. */
function boardProvider(platform: Platform, board: BoardDef): Provider {
  return drivers.createBoardProvider(platform, board.name);
}

// ---------------------------------------------------------------- timer pacing (client side)

/** The timer whose update request paces a transfer of this direction on this board: its DMA
 * must reach GPIO through its peripheral port. On F2/F4 DMA1's peripheral port reaches APB1
 * only (RM0090 figure 1), GPIO sits on AHB1, so only TIM1_UP (DMA2 stream 5) qualifies; on F1
 * every DMA1 channel reaches APB2 (RM0008 figure 1): TIM4_UP (channel 7) and TIM3_UP (channel 3)
 * stay clear of the first MEM2MEM channels. */
export function pacingTimer(board: BoardDef, dir: "dev2mem" | "mem2dev"): TimerDef | undefined {
  var want = board.family === "F4" ? ["TIM1"] : dir === "dev2mem" ? ["TIM4"] : ["TIM3"];
  for (var i = 0; i < board.timers.length; i++) if (want.indexOf(board.timers[i].name) >= 0) return board.timers[i];
  return undefined;
}

/** Whether two paced channels (one each way) can run at once on this board. */
export function twoPacedChannels(board: BoardDef): boolean {
  var a = pacingTimer(board, "dev2mem"), b = pacingTimer(board, "mem2dev");
  return !!a && !!b && a.name !== b.name;
}

/** Start a timer's update event at `hz` with its DMA request enabled (TIMx_PSC/ARR/DIER.UDE/
 * CR1.CEN: RM0090 17.4 / 18.4, RM0008 14.4 / 15.4), clocking it and the GPIO ports in RCC first. */
export function startPacing(w: World, t: TimerDef, hz: number): void {
  var p = w.platform, rcc = w.board.rcc.base;
  p.poke32(rcc + t.enr, p.peek32(rcc + t.enr) | (1 << t.bit));
  for (var i = 0; i < w.board.gpio.length; i++) {
    var g = w.board.gpio[i];
    p.poke32(rcc + g.enr, p.peek32(rcc + g.enr) | (1 << g.bit));
  }
  var ticks = Math.max(2, Math.round(t.clockHz / hz));
  var psc = 0;
  while (ticks / (psc + 1) > 0xffff) psc++;
  p.poke32(t.base + 0x28, psc);                                  // PSC
  p.poke32(t.base + 0x2c, Math.round(ticks / (psc + 1)) - 1);    // ARR
  p.poke32(t.base + 0x14, 1);                                    // EGR.UG: load PSC/ARR
  p.poke32(t.base + 0x10, 0);                                    // SR: clear UIF
  p.poke32(t.base + 0x0c, 0x100);                                // DIER.UDE
  p.poke32(t.base + 0x00, 1);                                    // CR1.CEN
}

/** GPIO registers paced transfers use: IDR of the first port to read, ODR of the second to write. */
export function gpioAddr(board: BoardDef, dir: "dev2mem" | "mem2dev"): number {
  var g = board.gpio[dir === "dev2mem" ? 0 : Math.min(1, board.gpio.length - 1)];
  return g.base + (dir === "dev2mem" ? g.idr : g.odr);
}

/** Data widths of a paced channel. F1 GPIO takes words only: a byte DMA write reaches every
 * byte lane (RM0008 13.3.4), so memory-to-GPIO writes 32 bits, each memory byte zero-extended
 * (RM0008 table 76). */
export function gpioWidths(board: BoardDef, dir: "dev2mem" | "mem2dev", fifo?: boolean): { periphWidth: number; memWidth: number } {
  if (fifo && board.family === "F4") return { periphWidth: 1, memWidth: 4 }; // the FIFO family (Program.fifo)
  return { periphWidth: board.family === "F1" && dir === "mem2dev" ? 4 : 1, memWidth: 1 };
}
