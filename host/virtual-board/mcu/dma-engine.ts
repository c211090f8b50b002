// What the scheduler needs from a DMA controller model (F4 stream or F1 channel DMA).
import type { Peripheral } from "./bus";

/** Bus timing used by the "normal" schedule (cycles). Shared, so a test can change it. */
export interface DmaTiming {
  /** Cycles per data item once the controller is busy (a read and a write on AHB). */
  itemCycles: number;
  /** Cycles from a request (or enable) to the first item. */
  latencyCycles: number;
}

export interface DmaEngine extends Peripheral {
  /** True when some stream/channel needs a bus slot (an item, a burst, or finishing a stop). */
  hasWork(): boolean;
  /** Serve one bus slot: one item (or burst) of the highest-priority stream with work.
   * Returns false when there was nothing to do. */
  step(): boolean;
  /** Normal schedule: cycle at which the next slot may be served. */
  readyAt: number;
  /** A request line asserted by a peripheral: stream/channel number and (F4) CHSEL. */
  request(stream: number, channel: number | undefined): void;
  /** Would a request on this stream/channel (and CHSEL) be accepted now? */
  wants(stream: number, channel: number | undefined): boolean;
  /** Serve every latched peripheral request now (step mode, before the next timer event). */
  serveRequests(): void;
  reset(): void;
}
