// Placeholder until the STM32 providers land: the board provider factory the core's default
// engine uses. Replaced by the drivers work (issue 4).
import type { Platform } from "../platform/platform";
import type { Provider } from "../dmaengine/provider";

export function createBoardProvider(platform: Platform, boardName?: string): Provider {
  throw new Error("espdma: no DMA provider for board " + (boardName || platform.boardName()));
}
