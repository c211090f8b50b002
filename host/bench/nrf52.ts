// What the nRF52 EasyDMA driver costs, counted on the virtual nRF52840 (Bangle.js 2): register
// accesses to start a SAADC list through the core, terminateAsync() of it, synchronize() once
// it has stopped, and one poll with nothing finished. Deterministic (simulated time).
import { createMcu, VirtualMcu } from "../virtual-board/mcu/index";
import { createEventLoop } from "../virtual-board/event-loop";
import { createDirectPlatform, DirectPlatform } from "../virtual-board/direct-platform";
import { findBoard } from "../../boards/index";
import { createEngine } from "../../firmware/index";
import { createNrf52, nrf52Row } from "../../firmware/drivers/nrf52";

export interface Nrf52Counts { start_saadc: number; terminate_async: number; synchronize_stopped: number; poll_idle: number }

export function nrf52RegisterCounts(boardName = "banglejs2"): Nrf52Counts {
  var mcu = createMcu({ board: findBoard(boardName)! }) as VirtualMcu, loop = createEventLoop(mcu), p = createDirectPlatform(mcu, loop), n = 0;
  var counted: DirectPlatform = Object.create(p);
  counted.peek32 = (a: number) => { n++; return p.peek32(a); };
  counted.poke32 = (a: number, v: number) => { n++; p.poke32(a, v); };
  var prov = createNrf52(counted, nrf52Row(boardName)!), dma: any = createEngine(counted, prov);
  var count = (fn: () => void) => { var b = n; fn(); return n - b; };
  // SAADC channel 0, continuous at 1 kHz (SAMPLERATE CC 2047 is 7.8 kHz, the slowest timer rate).
  p.poke32(0x40007510, 1);
  p.poke32(0x400075f8, (1 << 12) | 2047);
  var raw = p.directAlloc(4004), off = (4 - (p.addressOf(raw) % 4)) % 4, buf = raw.subarray(off, off + 4000);
  var ch = dma.requestChannel({ request: "SAADC" });
  var start = count(() => { ch.prepSlaveSg([buf], "dev2mem").submit(); ch.issuePending(); });
  // One poll that finds nothing finished (the core polls when a buffer is due; here 1 ms in).
  loop.advanceBy(1);
  var poll = count(() => prov.poll([ch._pc]));
  var term = count(() => ch.terminateAsync());
  loop.advanceBy(1);
  var sync = count(() => ch.synchronize());
  ch.release();
  return { start_saadc: start, terminate_async: term, synchronize_stopped: sync, poll_idle: poll };
}
