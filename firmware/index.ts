// The espdma bundle: the dmaengine core over a platform and a provider. On a board the global
// `espdma` (and require("espdma")) is a default engine for the board, created on first use;
// elsewhere (tests, duktape, the virtual board) createEngine(platform, provider) builds one.
import { Engine, createEngine } from "./dmaengine/engine";
import { codes, dmaError, isDmaError, fail, inval } from "./dmaengine/errors";
import { createEspruinoPlatform } from "./platform/espruino";
import { createBoardProvider, boardRow, pace as startPacer, Pacer } from "./drivers/index";
import type { ChannelRequest } from "./dmaengine/provider";

export var version = "0.1.0";
/** An engine over any platform and provider (tests, other engines, the virtual board). */
export { codes, dmaError, isDmaError, createEngine };

var board: Engine | null = null, chosen: string | undefined;

/** Choose the board before first use: setup({ board: "pico" }) (our names or Espruino's
 * BOARD names). Without it, process.env.BOARD decides: a custom build or the Linux build
 * reports a name of its own, and `process.env.BOARD = ..` has no effect (Espruino rebuilds
 * process.env on every read). */
export function setup(opts: { board?: string }): void {
  if (board) fail("EBUSY", "setup() after first use: call it before requestChannel/alloc/pace");
  if (!opts || typeof opts !== "object") inval("setup({board: \"pico\"})");
  // An unknown name fails here, listing the known ones.
  if (opts.board !== undefined) boardRow(null, String(opts.board));
  chosen = opts.board;
}

/** The board's engine: Espruino platform + the STM32 provider for the board set up, else
 * process.env.BOARD. */
export function defaultEngine(): Engine {
  if (!board) {
    var plat = createEspruinoPlatform();
    board = createEngine(plat, createBoardProvider(plat, chosen));
  }
  return board;
}

/** Run a timer ("TIM1") at hz as a DMA request source, for timer-paced transfers:
 * requestChannel({ request: pacer.request, dir }) then moves one item per tick. The timer
 * goes through the default engine's platform. */
export function pace(timer: string, hz: number): Pacer {
  return startPacer(defaultEngine()._f, timer, hz, chosen);
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

// require("espdma") is registered by the build, after the bundle (rollup.config.js): Espruino's
// Modules.addCached evaluates the module's source at once, so the global must exist by then.
