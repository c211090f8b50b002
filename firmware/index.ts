// The espdma bundle: the dmaengine core over a platform and a provider. On a board the global
// `espdma` (and require("espdma")) is a default engine for the board, created on first use;
// elsewhere (tests, duktape, the virtual board) createEngine(platform, provider) builds one.
import { createEngine } from "./dmaengine/engine";
import { codes, dmaError, isDmaError } from "./dmaengine/errors";
import { createBoardProvider, boardRow, pace as startPacer, Pacer } from "./drivers/index";
import { family, setup, defaultEngine, requestChannel, alloc, dump, chosenBoard } from "./board-api";

export var version = "0.1.0";
/** An engine over any platform and provider (tests, other engines, the virtual board). */
export { codes, dmaError, isDmaError, createEngine };

family(function (n) { boardRow(null, n); }, createBoardProvider);
export { setup, defaultEngine, requestChannel, alloc, dump };

/** Run a timer ("TIM1") at hz as a DMA request source, for timer-paced transfers:
 * requestChannel({ request: pacer.request, dir }) then moves one item per tick. The timer
 * goes through the default engine's platform. */
export function pace(timer: string, hz: number): Pacer {
  return startPacer(defaultEngine()._f, timer, hz, chosenBoard());
}

// require("espdma") is registered by the build, after the bundle (rollup.config.js): Espruino's
// Modules.addCached evaluates the module's source at once, so the global must exist by then.
