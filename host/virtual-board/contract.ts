// Contract between the virtual MCU (bus, memory, DMA/timer/GPIO/RCC models, clock, scheduler:
// mcu/) and the Espruino-compatible runtime that runs the firmware bundle on it (runtime/).
// Keep it small: the runtime only needs these.

import type { BoardDef } from "../../boards/types";

/** Thrown by CPU accesses that the bus cannot serve (unmapped, unaligned). The runtime turns
 * it into the error Espruino would print; the simulator itself never crashes on it. */
export interface BusFault {
  code: "BUS_FAULT";
  addr: number;
  message: string;
}

/** One flat block of SRAM handed to the interpreter (the data of a flat typed array). The
 * block's bytes live in `data`; `addr` is where the bus sees them and may change (E.defrag). */
export interface HeapBlock {
  readonly id: number;
  addr: number;
  readonly size: number;
  readonly data: Uint8Array;
  /** false once the interpreter has freed it; later DMA writes to its old range are violations. */
  live: boolean;
}

export interface Violation {
  cycle: number;
  /** "DMA2 stream 0" / "DMA1 channel 3" */
  source: string;
  addr: number;
  /** "write_to_freed" | "write_outside_buffer" | "write_to_moved" ... */
  kind: string;
  detail?: string;
}

/** Everything that happens on the bus and in the models, in order, for replay and checks. */
export interface TraceEvent {
  cycle: number;
  type: string;
  [k: string]: unknown;
}

export interface Heap {
  /** Allocate a flat block in a DMA-visible (or, with region, a given) RAM region; null when full. */
  alloc(size: number, region?: string): HeapBlock | null;
  /** Mark the block freed (its range may be reused by the next alloc). */
  free(block: HeapBlock): void;
  /** Compact live blocks as Espruino's E.defrag() does: may change `addr` of live blocks. */
  defrag(): void;
  /** The live block containing addr, if any. */
  blockAt(addr: number): HeapBlock | undefined;
  /** Bytes used / total in the interpreter-visible regions. */
  used(): number;
  total(): number;
}

export interface Mcu {
  readonly board: BoardDef;
  /** Simulated time in CPU cycles since reset. */
  readonly cycles: number;
  /** Simulated milliseconds since reset (cycles / cpuHz * 1000). */
  ms(): number;
  /** CPU 32-bit register/memory access by the firmware. Each access advances time by the
   * scheduler's choice and lets the DMA progress; throws a BusFault for bad accesses. */
  read32(addr: number): number;
  write32(addr: number, value: number): void;
  /** Let simulated time pass with the CPU idle (an event-loop turn, a timer wait). */
  advance(cycles: number): void;
  /** Earliest cycle at which a model has something to do (a timer update, a DMA item), or
   * Infinity when everything is idle; lets the runtime skip idle time quickly. */
  nextEventCycle(): number;
  readonly heap: Heap;
  readonly violations: Violation[];
  readonly trace: TraceEvent[];
  /** Reset the models (not the heap) as a board reset does. */
  reset(): void;
}

/** Options shared by everything that creates a virtual board. */
export interface McuOptions {
  board: BoardDef;
  /** Seed of the scheduler's random source; same seed, same trace. */
  seed?: number;
  /** "normal": realistic bus timing; "adversarial": the DMA may run any number of items
   * (including none and all) between two CPU accesses, chosen from the seed. */
  schedule?: "normal" | "adversarial";
  /** Record every bus access in the trace (slow; for debugging and replay checks). */
  traceBus?: boolean;
}
