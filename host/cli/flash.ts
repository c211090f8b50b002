// `espdma flash` in Node: flash-core.ts with boards reached through openLink.
import { openLink, LinkTarget } from "../link/open";
import * as core from "./flash-core";
import type { FlashOptions, FlashResult, RemoveResult } from "./flash-core";

export * from "./flash-core";

export function flash(t: LinkTarget, code: string, opts: Partial<FlashOptions> = {}): Promise<FlashResult> {
  return core.flash(t, code, { open: openLink, ...opts });
}

export function removeFlash(t: LinkTarget, opts: { load?: boolean } = {}): Promise<RemoveResult> {
  return core.removeFlash(t, { open: openLink, ...opts });
}
