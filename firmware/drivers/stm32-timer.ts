// Timer pacing: a general-purpose (or TIM1) timer's update event raises a DMA request at a
// fixed rate (DIER.UDE), so a stream moves one item per tick (GPIO sampling, waveform output).
// Registers: RM0090 18.4 / RM0368 13.4 (TIM2-5), RM0008 15.4 (F1 TIM2-4): same offsets.
import type { Platform } from "../platform/platform";
import type { BoardDef } from "../../boards/types";
import { dmaError, codes } from "../dmaengine/errors";

var CR1 = 0x00, DIER = 0x0c, SR = 0x10, EGR = 0x14, PSC = 0x28, ARR = 0x2c;
var CEN = 1 << 0, ARPE = 1 << 7; // CR1
var UDE = 1 << 8;                // DIER: update DMA request enable
var UG = 1 << 0;                 // EGR: update generation (loads PSC/ARR)

/** Rate in Hz of the running pacers, by request name ("TIM2_UP"): the providers read it at
 * prep to compute the expected duration of a paced transfer. */
export var paceHz: any = {};

export interface Pacer {
  timer: string;
  /** The request line to ask a channel for: requestChannel({ request: pacer.request }). */
  request: string;
  /** The rate actually set (PSC/ARR are whole numbers). */
  hz: number;
  stop(): void;
}

/** Start timerName's update event at hz (rounded to what PSC/ARR can do). Start it before
 * preparing the transfers it paces, so that their expected duration is known. */
export function startPacer(P: Platform, board: BoardDef, timerName: string, hz: number): Pacer {
  var t: any = null, name = String(timerName).toUpperCase();
  for (var i = 0; i < board.timers.length; i++) if (board.timers[i].name === name) t = board.timers[i];
  if (!t) {
    var known: string[] = [];
    for (var j = 0; j < board.timers.length; j++) known.push(board.timers[j].name);
    throw dmaError(codes.ENODEV, "no timer " + timerName + " on " + board.name + ": use one of " + known.join(", "));
  }
  var clk = t.clockHz, ticks = Math.round(clk / hz);
  if (!(hz > 0) || ticks < 2) throw dmaError(codes.EINVAL, "rate " + hz + " Hz is outside 0.." + clk / 2 + " Hz for " + name);
  // 16-bit PSC and ARR (TIM2/TIM5 have a 32-bit ARR on the F4; 16 bits work on every timer).
  var psc = Math.floor((ticks - 1) / 65536), arr = Math.round(clk / (psc + 1) / hz) - 1;
  if (psc > 65535) throw dmaError(codes.EINVAL, "rate " + hz + " Hz is too slow for " + name + ": the lowest is " + clk / 65536 / 65536 + " Hz");
  if (arr < 1) arr = 1;
  var b = t.base, enr = board.rcc.base + t.enr, v = P.peek32(enr);
  if (!(v & (1 << t.bit))) P.poke32(enr, v | (1 << t.bit));
  P.poke32(b + CR1, 0);
  P.poke32(b + DIER, 0);
  P.poke32(b + PSC, psc);
  P.poke32(b + ARR, arr);
  // UG loads the preloaded PSC now (RM0090 18.3.1); with UDE still 0 it raises no DMA request.
  P.poke32(b + EGR, UG);
  P.poke32(b + SR, 0);
  P.poke32(b + DIER, UDE);
  P.poke32(b + CR1, CEN | ARPE);
  var real = clk / (psc + 1) / (arr + 1), req = t.updateRequest;
  paceHz[req] = real;
  return {
    timer: name, request: req, hz: real,
    stop: function () {
      P.poke32(b + CR1, 0);
      P.poke32(b + DIER, 0);
      delete paceHz[req];
    },
  };
}
