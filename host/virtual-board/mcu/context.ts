// What every model may use from the MCU: the clock, the trace, and the RCC enable bits.
import type { Trace } from "./trace";

export interface ModelContext {
  /** Current simulated time in CPU cycles. */
  now(): number;
  readonly trace: Trace;
  /** Is bit `bit` set in the RCC register at offset `enr`? (clock gating) */
  clockEnabled(enr: number, bit: number): boolean;
  /** A peripheral raises a DMA request line by its name in the board's request map. */
  dmaRequest(name: string): void;
  /** Would a request on this line reach an enabled stream/channel now? (Lets a timer skip
   * update events nobody observes, so idle time stays O(1).) */
  requestWanted(name: string): boolean;
}
