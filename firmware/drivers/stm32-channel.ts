// Kept for host code that builds a provider from a full BoardDef (host/race/world.ts): the
// STM32F1 channel DMA driver is firmware/drivers/stm32.ts, shared with the F2/F4.
import type { Platform } from "../platform/platform";
import type { BoardDef } from "../../boards/types";
import type { Provider } from "../dmaengine/provider";
import { createBoardProvider } from "./index";

export function createChannelProvider(platform: Platform, board: BoardDef): Provider {
  return createBoardProvider(platform, board.name);
}
