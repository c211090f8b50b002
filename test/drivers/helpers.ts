// Set-up for the driver tests: the real virtual MCU (host/virtual-board/mcu) under a direct
// Platform, a board provider over it, and a Platform wrapper that counts register accesses.
import { createMcu, VirtualMcu } from "../../host/virtual-board/mcu/index";
import { findBoard } from "../../boards/index";
import { createEventLoop, EventLoop } from "../../host/virtual-board/event-loop";
import { createDirectPlatform, DirectPlatform } from "../../host/virtual-board/direct-platform";
import { createBoardProvider } from "../../firmware/drivers/index";
import type { Provider, ProviderChan, HwEvent } from "../../firmware/dmaengine/provider";

export var BOARDS = ["pico", "wifi", "original", "f4discovery"];

/** A deterministic PRNG (mulberry32) for seeded random points. */
export function prng(seed: number) {
  var a = seed >>> 0;
  return function (): number {
    a = (a + 0x6d2b79f5) >>> 0;
    var t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rig {
  name: string;
  mcu: VirtualMcu;
  loop: EventLoop;
  p: DirectPlatform;
  prov: Provider;
  /** Register accesses through the platform since the last reset(). */
  count: { reads: number; writes: number; reset(): void; total(): number };
}

export function rig(name: string, opts: { seed?: number; schedule?: "normal" | "adversarial" } = {}): Rig {
  var board = findBoard(name)!;
  var mcu = createMcu({ board, seed: opts.seed ?? 1, schedule: opts.schedule ?? "normal" }) as VirtualMcu;
  var loop = createEventLoop(mcu);
  var p = createDirectPlatform(mcu, loop);
  var count = {
    reads: 0,
    writes: 0,
    reset() { count.reads = 0; count.writes = 0; },
    total() { return count.reads + count.writes; },
  };
  // The counting wrapper: the same platform, every peek32/poke32 counted.
  var counted: DirectPlatform = Object.create(p);
  counted.peek32 = (a: number) => { count.reads++; return p.peek32(a); };
  counted.poke32 = (a: number, v: number) => { count.writes++; p.poke32(a, v); };
  var prov = createBoardProvider(counted, name);
  return { name, mcu, loop, p, prov, count };
}

/** Poll until the provider reports an event for pc (or maxPolls). Lets 5 us pass between polls. */
export function pollUntil(r: Rig, pc: ProviderChan, maxPolls = 100000): HwEvent[] {
  for (var i = 0; i < maxPolls; i++) {
    var evs = r.prov.poll([pc]);
    if (evs.length) return evs;
    r.mcu.advance(Math.ceil(r.mcu.board.cpuHz / 200000));
  }
  throw new Error("no event after " + maxPolls + " polls");
}

/** dmatest-style pattern: byte i of a buffer tagged by seed. */
export function pattern(i: number, seed: number): number {
  return (i * 31 + seed * 7 + (i >> 8)) & 0xff;
}

/** The GPIO port and a timer name usable for paced transfers on this board: on the F4 only
 * DMA2 reaches GPIO (AHB1), so TIM1_UP (DMA2 stream 5); on the F1, TIM2_UP (DMA1 channel 2). */
export function pacing(name: string) {
  var b = findBoard(name)!;
  var timer = b.family === "F4" ? "TIM1" : "TIM2";
  var g = b.gpio[0];
  return { timer, request: timer + "_UP", port: 0, idr: g.base + g.idr, odr: g.base + g.odr, bsrr: g.base + g.bsrr, gpioEnr: b.rcc.base + g.enr, gpioBit: g.bit,
    // F1 GPIO takes words only (RM0008 13.3.4: a narrow DMA write reaches every byte lane).
    outWidth: b.family === "F1" ? 4 : 0 };
}

export interface ProviderCounts {
  /** start() of a prepared memcpy on an idle stream. */
  start: number;
  /** terminateAll() of a running transfer (the core's terminateAsync adds one NDTR read for the residue). */
  terminateAll: number;
  /** synchronize() of a stream that has already stopped. */
  synchronize: number;
  /** poll() of one stream in flight with nothing finished. */
  pollIdle: number;
  /** poll() that finds a memcpy complete. */
  pollComplete: number;
}

/** Register accesses (peek32 + poke32) of the provider's hot operations on a board, on the
 * virtual MCU, without the core (host/bench/driver.ts registerCounts() counts them through the
 * core's API). Deterministic. */
export function providerCounts(name: string): ProviderCounts {
  var r = rig(name);
  var pc = r.prov.allocChan({ request: "mem2mem" });
  var a = r.p.directAlloc(64), b = r.p.directAlloc(64);
  var memcpy = () => r.prov.prep(pc, { kind: "memcpy", dir: "mem2mem", src: r.p.addressOf(a), dst: r.p.addressOf(b), segments: [{ addr: r.p.addressOf(b), len: 64 }] });
  var count = (fn: () => unknown) => { r.count.reset(); fn(); return r.count.total(); };
  var start = count(() => r.prov.start(pc, memcpy()));
  r.loop.advanceBy(1);
  var pollComplete = count(() => { if (r.prov.poll([pc]).length !== 1) throw new Error("the memcpy did not complete"); });
  // A paced transfer whose timer does not run: in flight, never finishing.
  var slave = r.prov.allocChan({ request: "TIM2_UP" });
  r.prov.config(slave, { periphAddr: 0x40000000 });
  r.prov.start(slave, r.prov.prep(slave, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(b), len: 64 }] }));
  var pollIdle = count(() => { if (r.prov.poll([slave]).length) throw new Error("the idle transfer moved"); });
  var terminateAll = count(() => r.prov.terminateAll(slave));
  r.loop.advanceBy(1);
  var synchronize = count(() => r.prov.synchronize(slave, 10));
  return { start, terminateAll, synchronize, pollIdle, pollComplete };
}
