// The espdma bundle for the nRF52 boards (dist/espdma-nrf52.min.js): the same dmaengine core
// and API as firmware/index.ts, over the EasyDMA provider instead of the STM32 one. A separate
// bundle because no board needs both: the STM32 bundle does not grow by the nRF52 provider and
// its board rows, and Puck.js (2,630 variables) does not carry the STM32 code.
import { createEngine } from "./dmaengine/engine";
import { codes, dmaError, isDmaError, fail } from "./dmaengine/errors";
import { createNrf52, nrf52Row } from "./drivers/nrf52";
import { family, setup, defaultEngine, requestChannel, alloc, dump } from "./board-api";
import type { Platform } from "./platform/platform";
import type { Provider } from "./dmaengine/provider";
import { NRF_BOARDS } from "../boards/compact";

export var version = "0.1.0";
export { codes, dmaError, isDmaError, createEngine };

/** The NRF_BOARDS row for a name, or ENODEV listing them. */
function row(n: string): any[] {
  var r = nrf52Row(n);
  if (!r) fail("ENODEV", "no espdma-nrf52 driver for board \"" + n + "\": setup({board}) with one of " + NRF_BOARDS.map(function (b) { return b[0]; }).join(" ") + " (STM32 boards: dist/espdma.min.js)");
  return r!;
}

/** The EasyDMA provider for the board (process.env.BOARD, or a name given). */
export function createBoardProvider(platform: Platform, boardName?: string): Provider {
  return createNrf52(platform, row(boardName || platform.boardName()));
}

family(row, createBoardProvider);
export { setup, defaultEngine, requestChannel, alloc, dump };

// require("espdma") is registered by the build, after the bundle (rollup.config.js).
