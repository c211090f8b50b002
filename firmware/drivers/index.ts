// The drivers' entry point: the STM32 DMA provider for the board the bundle runs on (Espruino's
// process.env.BOARD, or a name given), and pace(), a timer update event as a DMA request source.
import type { Platform } from "../platform/platform";
import type { Provider } from "../dmaengine/provider";
import { fail } from "../dmaengine/errors";
import { BOARDS } from "../../boards/compact";
import { createStm, timerOf } from "./stm32";

/** The boards/compact.ts row for our name ("pico") or Espruino's BOARD ("PICO_R1_3"); a name
 * given (espdma.setup({board})) wins over the platform's. */
export function boardRow(platform: Platform | null, boardName?: string): any[] {
  var n = String(boardName || platform && platform.boardName()).toLowerCase(), names = "", all = BOARDS.split(";");
  for (var i = 0; i < all.length; i++) {
    var b: any[] = all[i].split(" ");
    if (b[0] === n || b[1].toLowerCase() === n) return [b[0], b[1], +b[2], +b[3], +b[4]];
    names += " " + b[0];
  }
  fail("ENODEV", "no espdma driver for board \"" + n + "\": setup({board}) with one of" + names);
}

/** The DMA provider for the board: stream DMA on F2/F4, channel DMA on F1. */
export function createBoardProvider(platform: Platform, boardName?: string): Provider {
  return createStm(platform, boardRow(platform, boardName));
}

export interface Pacer {
  /** The request line to ask a channel for: requestChannel({ request: pacer.request }). */
  request: string;
  /** The rate actually set (PSC and ARR are whole numbers). */
  hz: number;
  stop(): void;
}

/** Run timer ("TIM2") at hz with its update event raising DMA requests (DIER.UDE), so that a
 * channel on pacer.request moves one item per tick. Registers as in RM0090 17.4 / 18.4,
 * RM0008 14.4 / 15.4: CR1 0x00, DIER 0x0C, SR 0x10, EGR 0x14, PSC 0x28, ARR 0x2C. */
export function pace(P: Platform, timer: string, hz: number, boardName?: string): Pacer {
  var board = boardRow(P, boardName), f4 = board[2] === 4, req = String(timer).toUpperCase() + "_UP";
  var n = +req[3];
  if (req.length !== 7 || !(n >= (f4 ? 1 : 2) && n <= (f4 ? 5 : 4))) fail("ENODEV", "no pacing timer " + timer + ": use TIM" + (f4 ? "1-5" : "2-4"));
  var t = timerOf(board, n), b = t[0], rcc = f4 ? 0x40023800 : 0x40021000;
  // 16-bit PSC and ARR (TIM2/TIM5 have a 32-bit ARR on the F4; 16 bits work on every timer).
  var ticks = Math.round(t[3] / hz), psc = Math.floor((ticks - 1) / 65536), arr = Math.round(t[3] / (psc + 1) / hz) - 1;
  if (!(ticks >= 2 && psc < 65536)) fail("EINVAL", "pace: " + hz + " Hz is outside " + t[3] / 4294967296 + "-" + t[3] / 2 + " Hz");
  P.poke32(rcc + t[1], P.peek32(rcc + t[1]) | (1 << t[2]));
  // [offset, value] in order: stop, no requests, PSC, ARR; UG loads the preloaded PSC now
  // (RM0090 18.3.1), with UDE still 0 so it raises no DMA request; clear SR; UDE; CEN + ARPE.
  for (var w = [0, 0, 0x0c, 0, 0x28, psc, 0x2c, arr, 0x14, 1, 0x10, 0, 0x0c, 0x100, 0, 0x81], i = 0; i < 16; i += 2) P.poke32(b + w[i], w[i + 1]);
  return {
    request: req,
    hz: t[3] / (psc + 1) / (arr + 1),
    stop: function () {
      P.poke32(b, 0);
      P.poke32(b + 0x0c, 0);
    },
  };
}
