// The espdma bundle for the nRF52 boards (dist/espdma-nrf52.min.js): the same dmaengine core
// and API as firmware/index.ts, over the EasyDMA provider instead of the STM32 one. A separate
// bundle because no board needs both: the STM32 bundle does not grow by the nRF52 provider and
// its board rows, and Puck.js (2,630 variables) does not carry the STM32 code.
import { Engine, createEngine } from "./dmaengine/engine";
import { codes, dmaError, isDmaError, fail } from "./dmaengine/errors";
import { createEspruinoPlatform } from "./platform/espruino";
import { createNrf52, nrf52Row } from "./drivers/nrf52";
import type { Platform } from "./platform/platform";
import type { Provider, ChannelRequest } from "./dmaengine/provider";
import { NRF_BOARDS } from "../boards/compact";

export var version = "0.1.0";
export { codes, dmaError, isDmaError, createEngine };

/** The EasyDMA provider for the board (process.env.BOARD, or a name given). */
export function createBoardProvider(platform: Platform, boardName?: string): Provider {
  var n = boardName || platform.boardName(), row = nrf52Row(n);
  if (!row) fail("ENODEV", "no espdma-nrf52 driver for board \"" + n + "\": supported are " + NRF_BOARDS.map(function (r) { return r[0]; }).join(" ") + " (STM32 boards: dist/espdma.min.js)");
  return createNrf52(platform, row!);
}

var board: Engine | null = null;

export function defaultEngine(): Engine {
  if (!board) {
    var plat = createEspruinoPlatform();
    board = createEngine(plat, createBoardProvider(plat));
  }
  return board;
}

export function requestChannel(req: ChannelRequest) {
  return defaultEngine().requestChannel(req);
}

export function alloc(n: number): Uint8Array {
  return defaultEngine().alloc(n);
}

export function dump(): string {
  return defaultEngine().dump();
}

// require("espdma") is registered by the build, after the bundle (rollup.config.js).
