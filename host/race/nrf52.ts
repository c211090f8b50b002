// The race search on the nRF52 boards: client programs x EasyDMA schedules, with broken
// providers as controls. The STM32 search (run.ts) paces GPIO through timers and inspects DMA
// streams; here every channel is a peripheral, so the world and the programs are its own:
// - a case: one seeded program (peripheral, scatter-gather or cyclic, buffer sizes, how long it
//   runs, terminate from a callback or from the program) and the adversarial scheduler with
//   the case's seed, which decides how long each EasyDMA item and stopped event waits;
// - after synchronize() returns the program frees the buffers at once (as a client may) and
//   lets the board run on: any EasyDMA write after that is a memory violation, any EasyDMA read
//   (PWM, SPIM TX) is counted by the model, any callback of the terminated descriptor is a
//   violation; every descriptor must end exactly once.
// The fault modes are armed: UARTE trailing bytes after STOPRX (PS), PWM LOOPSDONE with STOP,
// I2S anomaly 55.
import { findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import type { Platform } from "../../firmware/platform/platform";
import type { Provider } from "../../firmware/dmaengine/provider";
import { createMcu } from "../virtual-board/mcu";
import type { VirtualMcu } from "../virtual-board/mcu/mcu";
import { createDirectPlatform } from "../virtual-board/direct-platform";
import { createEventLoop } from "../virtual-board/event-loop";
import { Prng } from "../virtual-board/mcu/prng";
import * as core from "../../firmware/index";
import { createNrf52, nrf52Row } from "../../firmware/drivers/nrf52";
import type { RaceResult, MutantResult } from "./run";

/** Register hooks a mutant may set between the provider and the bus. */
interface Hooks {
  peek: ((addr: number, v: number) => number) | null;
  poke: ((addr: number, v: number) => boolean) | null;
}

export interface Nrf52Mutant {
  name: string;
  description: string;
  wrap?(p: Provider): Provider;
  hook?(h: Hooks): void;
}

// Stopped events (firmware/drivers/nrf52.ts KINDS): SAADC STOPPED 0x114, UARTE RXTO 0x144 /
// TXSTOPPED 0x158, SPIM STOPPED 0x104, PWM STOPPED 0x104, I2S STOPPED 0x108.
const STOPPED_OFF: { [kind: string]: number } = { SAADC: 0x114, UARTE: 0x144, SPIM: 0x104, PWM: 0x104, I2S: 0x108 };

export const nrf52Mutants: Nrf52Mutant[] = [
  {
    name: "sync-no-wait",
    description: "provider.synchronize() returns at once: it does not wait for STOPPED / RXTO",
    wrap: (p) => ({ ...p, synchronize: function () {} }),
  },
  {
    name: "sync-ignores-stopped",
    description: "the provider's reads of the stopped events see them set: synchronize does not wait",
    hook: (h) => {
      h.peek = (a, v) => (isStoppedEvent(a) ? 1 : v);
    },
  },
  {
    name: "uarte-no-rxto",
    description: "UARTE: synchronize returns without RXTO, so the up to four bytes the PS allows after STOPRX land later",
    hook: (h) => {
      h.peek = (a, v) => ((a & 0xfff) === 0x144 && uarte(a) ? 1 : v);
    },
  },
  {
    name: "terminate-keeps-shorts",
    description: "terminateAll() does not clear SHORTS: a PWM LOOPSDONE_SEQSTART0 short can restart it after STOPPED",
    hook: (h) => {
      h.poke = (a, v) => !((a & 0xfff) === 0x200 && v === 0);
    },
  },
];

var BOARD_PERIPH: { [base: number]: string } = {};
function isStoppedEvent(a: number): boolean {
  var k = BOARD_PERIPH[a & ~0xfff];
  return !!k && (a & 0xfff) === STOPPED_OFF[k];
}
function uarte(a: number): boolean {
  return BOARD_PERIPH[a & ~0xfff] === "UARTE";
}

interface Case {
  periph: string;
  cyclic: boolean;
  bufs: number[];
  period: number;
  runMs: number;
  inCb: boolean;
}

/** The free peripherals of the board the search uses, with how to feed each. */
function peripheralsOf(board: BoardDef): string[] {
  var want = ["SAADC", "SPIM2", "I2S", "UARTE0", "PWM0"];
  if (board.nrf52!.part === "nRF52840") want = ["SAADC", "SPIM3", "I2S", "UARTE1", "PWM3"];
  return want;
}

function genCase(board: BoardDef, rng: Prng): Case {
  var ps = peripheralsOf(board), periph = ps[rng.below(ps.length)];
  var max = board.nrf52!.part === "nRF52832" ? 255 : 1024, cyclic = periph === "I2S" || periph === "PWM0" || periph === "PWM3" || rng.below(3) === 0;
  var period = 4 * (2 + rng.below(14));
  var bufs: number[] = [];
  // (a ring must fit one MAXCNT: the core checks it as one segment)
  var n = periph.indexOf("PWM") === 0 ? 2 : cyclic ? Math.min(2 + rng.below(3), Math.floor(max / period)) : 1 + rng.below(3);
  for (var i = 0; i < n; i++) bufs.push(cyclic ? period : 4 * (2 + rng.below(Math.floor(max / 4) - 2)));
  return { periph, cyclic, bufs, period, runMs: rng.below(8), inCb: cyclic && rng.below(2) === 0 };
}

interface Outcome {
  violations: string[];
}

function runCase(board: BoardDef, c: Case, schedule: number, mutant: Nrf52Mutant | null): Outcome {
  var mcu = createMcu({ board, seed: schedule, schedule: "adversarial", nrf52Faults: { pwmLoopsdoneWithStop: true, i2sPtrupdAfterStop: true, uarteTrailingBytes: 4 } }) as VirtualMcu;
  var loop = createEventLoop(mcu), direct = createDirectPlatform(mcu, loop), hooks: Hooks = { peek: null, poke: null };
  for (const d of board.nrf52!.peripherals) BOARD_PERIPH[d.base] = d.kind;
  var platform: Platform = Object.create(direct);
  platform.peek32 = (a) => { var v = direct.peek32(a); return hooks.peek ? hooks.peek(a >>> 0, v) : v; };
  platform.poke32 = (a, v) => { if (!hooks.poke || hooks.poke(a >>> 0, v >>> 0)) direct.poke32(a, v); };
  var prov = createNrf52(platform, nrf52Row(board.name)!);
  if (mutant && mutant.wrap) prov = mutant.wrap(prov);
  if (mutant && mutant.hook) mutant.hook(hooks);
  var dma: any = core.createEngine(platform, prov), bad: string[] = [];
  var m: any = mcu.easydma[c.periph], base = m.base, kind = m.def.kind;
  // Feed and pace the peripheral (registers as in the models' headers).
  var k = 0;
  if (kind === "SAADC") { direct.poke32(base + 0x510, 1); direct.poke32(base + 0x5f8, (1 << 12) | 400); }
  if (kind === "UARTE") { m.line = () => 0x20 + (k++ & 0x3f); }
  var dir = kind === "PWM" ? "mem2dev" : "dev2mem";
  var ch = dma.requestChannel({ request: c.periph, dir });
  if (kind === "UARTE") direct.poke32(base + 0x524, 0x10000000); // 1 Mbaud
  if (kind === "SPIM") direct.poke32(base + 0x524, 0x80000000); // 8 MHz
  if (kind === "PWM") direct.poke32(base + 0x508, 160);
  var bufs = c.cyclic ? [aligned(direct, c.bufs.reduce((a, b) => a + b, 0))] : c.bufs.map((n) => aligned(direct, n));
  var cbs = 0, cbAfter = 0, synced = false;
  var cb = function () {
    cbs++;
    if (synced) cbAfter++;
    if (c.inCb && cbs === 2) ch.terminateAsync();
  };
  var tx = c.cyclic ? ch.prepCyclic(bufs[0], c.period, dir, { callback: cb }) : ch.prepSlaveSg(bufs, dir, { callback: cb });
  var cookie = tx.submit();
  ch.issuePending();
  loop.runUntil(loop.now() + c.runMs);
  ch.terminateAsync();
  ch.synchronize(200);
  synced = true;
  // The accesses the model makes from here on are after synchronize() returned.
  var writes = m.writes, reads = m.out ? m.out.length : m.mosi ? m.mosi.length : 0;
  bufs.forEach((b) => direct.directFree(b));
  loop.runUntil(loop.now() + 20);
  mcu.dmaSteps(Infinity);
  mcu.violations.forEach((v) => bad.push(v.kind + " at 0x" + v.addr.toString(16) + " by " + v.source));
  if (m.writes !== writes) bad.push(c.periph + " wrote " + (m.writes - writes) + " item(s) after synchronize() returned");
  var r2 = m.out ? m.out.length : m.mosi ? m.mosi.length : 0;
  if (kind === "PWM" && r2 !== reads) bad.push(c.periph + " read " + (r2 - reads) + " value(s) after synchronize() returned");
  if (cbAfter) bad.push(cbAfter + " callback(s) after synchronize() returned");
  var st = ch.txStatus(cookie);
  if (!c.cyclic && !(st.status === "aborted" ? cbs === 0 : cbs === 1)) bad.push("descriptor ended " + cbs + " time(s) with status " + st.status);
  ch.release();
  return { violations: bad };
}

function aligned(p: any, n: number): Uint8Array {
  var b = p.directAlloc(n + 4), off = (4 - (p.addressOf(b) % 4)) % 4;
  return b.subarray(off, off + n);
}

export interface Nrf52RaceOptions {
  board: string;
  schedules: number;
  mutantSchedules: number;
  seed: number;
  mutant: string;
  log?: (line: string) => void;
}

/** Search `schedules` cases on the real stack, then run each mutant until it is caught. */
export function runNrf52Race(o: Nrf52RaceOptions): RaceResult {
  var board = findBoard(o.board)!, t0 = Date.now(), violations = 0, failures: any[] = [];
  var search = o.mutant === "all" || o.mutant === "none";
  var schedules = search ? o.schedules : 0;
  for (var i = 0; i < schedules; i++) {
    var rng = new Prng((o.seed * 1000003 + i) >>> 0 || 1), c = genCase(board, rng), r = runCase(board, c, i + 1, null);
    if (r.violations.length) {
      violations++;
      var text = "case " + JSON.stringify(c) + " schedule " + (i + 1) + ": " + r.violations.join("; ");
      failures.push({ text });
      if (o.log) o.log("  VIOLATION " + text);
    }
  }
  var ms = Date.now() - t0, mres: MutantResult[] = [];
  var list = o.mutant === "all" ? nrf52Mutants : o.mutant === "none" ? [] : nrf52Mutants.filter((m) => m.name === o.mutant);
  for (const mu of list) {
    var caught = false, n = 0;
    for (; n < o.mutantSchedules && !caught; n++) {
      var rng2 = new Prng((o.seed * 7919 + n) >>> 0 || 1), c2 = genCase(board, rng2);
      caught = runCase(board, c2, n + 1, mu).violations.length > 0;
    }
    mres.push({ name: mu.name, caught, schedules: n });
  }
  return { schedules, violations, mutants: mres, seed: o.seed, failures, ms };
}
