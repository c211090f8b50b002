// What both bundles (STM32: index.ts, nRF52: index-nrf52.ts) export for the board they run on:
// one default engine, made on first use over the Espruino platform and the family's provider,
// for the board chosen with setup({board}) or else process.env.BOARD. Module state, not an
// object of closures: each bundle holds one family, and this costs the board nothing extra.
import { Engine, createEngine } from "./dmaengine/engine";
import { fail, inval } from "./dmaengine/errors";
import { createEspruinoPlatform } from "./platform/espruino";
import type { Platform } from "./platform/platform";
import type { Provider, ChannelRequest } from "./dmaengine/provider";

var board: Engine | null = null, chosen: string | undefined;
var known: (name: string) => void, make: (p: Platform, name?: string) => Provider;

/** The bundle's family: `check(name)` throws ENODEV (listing the known boards) for a board the
 * family lacks; `provider(platform, name)` makes its provider for a board name, or for
 * process.env.BOARD when name is undefined. Called once, before anything else runs. */
export function family(check: (name: string) => void, provider: (p: Platform, name?: string) => Provider): void {
  known = check;
  make = provider;
}

/** setup({ board: "pico" }) before first use (our names or Espruino's BOARD names). Without it
 * process.env.BOARD decides: a custom or Linux build reports a name of its own, and
 * `process.env.BOARD = ..` has no effect (Espruino rebuilds process.env on every read). */
export function setup(opts: { board?: string }): void {
  if (board) fail("EBUSY", "setup() after first use: call it before requestChannel/alloc/pace");
  if (!opts || typeof opts !== "object") inval("setup({board: \"pico\"})");
  if (opts.board !== undefined) known(String(opts.board));
  chosen = opts.board;
}

/** The name given to setup(), if any. */
export function chosenBoard(): string | undefined {
  return chosen;
}

/** The board's engine: the Espruino platform and the family's provider for the board. */
export function defaultEngine(): Engine {
  if (!board) {
    var plat = createEspruinoPlatform();
    board = createEngine(plat, make(plat, chosen));
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
