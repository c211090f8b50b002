// The board provider factory: picks the STM32 DMA driver for the board the bundle runs on
// (process.env.BOARD, or a name given), and the timer pacing helper.
import type { Platform } from "../platform/platform";
import type { Provider } from "../dmaengine/provider";
import type { BoardDef } from "../../boards/types";
import { boards, findBoard } from "../../boards/index";
import { dmaError, codes } from "../dmaengine/errors";
import { createStreamProvider } from "./stm32-stream";
import { createChannelProvider } from "./stm32-channel";
import { startPacer, Pacer } from "./stm32-timer";

export type { Pacer };

/** The board for a name (ours: "pico", or Espruino's process.env.BOARD: "PICO_R1_3"). */
export function boardFor(platform: Platform, boardName?: string): BoardDef {
  var name = boardName || platform.boardName();
  var b = findBoard(name);
  if (!b) {
    var names: string[] = [];
    for (var i = 0; i < boards.length; i++) names.push(boards[i].name + " (" + boards[i].envBoard[0] + ")");
    throw dmaError(codes.ENODEV, "espdma has no DMA driver for board \"" + name + "\": supported are " + names.join(", "));
  }
  return b;
}

/** The DMA provider for the board: stream DMA on F2/F4, channel DMA on F1. */
export function createBoardProvider(platform: Platform, boardName?: string): Provider {
  var b = boardFor(platform, boardName);
  return b.family === "F1" ? createChannelProvider(platform, b) : createStreamProvider(platform, b);
}

/** Start timerName's update event at hz as a DMA request source (espdma.pace). Request a
 * channel for pacer.request afterwards; pacer.stop() stops the timer. */
export function pace(platform: Platform, timerName: string, hz: number, boardName?: string): Pacer {
  return startPacer(platform, boardFor(platform, boardName), timerName, hz);
}
