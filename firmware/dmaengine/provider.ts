// The provider contract, after the seed's Documentation/dmaengine/provider.txt.
// A provider translates the core's requests into registers; it holds no descriptor lists and
// never calls user callbacks: it reports hardware events to the core through poll().

/** The directions and the completion event's name as values: the bundle then spells each
 * string once (they recur in the core and the driver). */
export var MEM2MEM: "mem2mem" = "mem2mem", MEM2DEV: "mem2dev" = "mem2dev", DEV2MEM: "dev2mem" = "dev2mem", COMPLETE: "complete" = "complete";

/** Transfer direction, as dmaengine's DMA_MEM_TO_MEM / DMA_MEM_TO_DEV / DMA_DEV_TO_MEM. */
export type Direction = "mem2mem" | "mem2dev" | "dev2mem";

/** What a client asks for when requesting a channel. */
export interface ChannelRequest {
  /** "mem2mem", or a named request line from the board's map ("TIM2_UP"). */
  request?: string;
  dir?: Direction;
  /** Pin the stream/channel instead of taking the first free one that serves the request. */
  dma?: string;
  stream?: number;
  /** F4: the channel selection (SxCR.CHSEL) of a pinned stream, from the manual's request
   * table (RM0090 tables 42-43). */
  channel?: number;
}

/** Slave configuration, after struct dma_slave_config. Widths are in bytes: 1, 2 or 4. */
export interface SlaveConfig {
  periphAddr?: number;
  periphWidth?: number;
  memWidth?: number;
  /** "low" | "medium" | "high" | "very_high" (SxCR.PL / CCR.PL). */
  priority?: string;
  /** F4 only: use the FIFO (direct mode off) with this threshold in quarters (1..4). */
  fifo?: number;
  /** F4 only: burst length in beats; the driver supports single transfers only (1). */
  burst?: number;
}

/** One contiguous piece of memory handed to the hardware. */
export interface Segment {
  addr: number;
  /** Length in bytes. */
  len: number;
}

/** What the core hands the provider to prepare. The provider computes register values here,
 * once, so that starting a transfer only writes them out (as stm32-dma does). */
export interface PrepRequest {
  kind: "memcpy" | "slave_sg" | "cyclic";
  dir: Direction;
  /** memcpy: the source; other kinds: unused. */
  src?: number;
  /** memcpy: the destination; other kinds: unused. */
  dst?: number;
  /** memcpy: one segment (len); slave_sg: one per buffer; cyclic: the whole ring. */
  segments: Segment[];
  /** cyclic: bytes per period (the ring length is a whole number of periods). */
  periodLen?: number;
}

/** Hardware event reported by a provider's poll() for one channel. */
export type HwEventKind =
  | "complete"       // the active descriptor finished (all segments of a scatter-gather list)
  | "period"         // cyclic: one period finished (HTIF / TCIF in circular mode)
  | "segment"        // scatter-gather: this poll started the next entry (the core times it)
  | "read_failed"    // transfer error while reading (stream stopped by hardware)
  | "write_failed";  // transfer error while writing (stream stopped by hardware)

export interface HwEvent {
  chan: ProviderChan;
  kind: HwEventKind;
  /** cyclic: how many periods completed since the last poll (a slow poll may miss some). */
  count?: number;
}

/** A provider's own per-channel state. The core stores it and hands it back; it never looks in. */
export interface ProviderChan {
  /** Human-readable name for messages and dumps, e.g. "DMA2 stream 0". */
  name: string;
}

/** Prepared, provider-specific data of one descriptor (register values). Opaque to the core. */
export interface HwDesc {
  /** Bytes this descriptor moves in total (one pass of the ring for cyclic). */
  len: number;
  /** Expected duration in ms when started, until its completion flag is set at the latest
   * (a paced transfer's first request may come one period after the start): the core polls
   * then. 0: unknown (the core backs off). Cyclic: one pass of the ring. */
  expectedMs: number;
  /** Optional, scatter-gather: the same per entry, each from its own start (the core polls
   * when the current one is due to end; the provider reports "segment" when it chains). */
  segMs?: number[];
}

export interface Provider {
  /** True when [addr, addr+len) lies in RAM the controller can reach (not CCM, not flash). */
  reachable(addr: number, len: number): boolean;

  /** Largest length of one segment in bytes for the given width (NDTR <= 65535 items). */
  maxSegmentLen(pc: ProviderChan | null, width: number): number;

  /** Allocate a hardware channel serving the request. Throws DmaError ENODEV/EBUSY. */
  allocChan(req: ChannelRequest): ProviderChan;
  /** Free it. Called by the core only after synchronize() has proven the hardware stopped. */
  freeChan(pc: ProviderChan): void;

  config(pc: ProviderChan, cfg: SlaveConfig): void;

  /** Validate and compute register values. Throws DmaError (EINVAL, E2BIG) on bad input. */
  prep(pc: ProviderChan, req: PrepRequest): HwDesc;

  /** Start a prepared descriptor on an idle channel. The core calls it only when the
   * provider's previous transfer on this channel has completed or been synchronized.
   * Before enabling, the hardware must read stopped and its flags must be clear. */
  start(pc: ProviderChan, hw: HwDesc): void;

  /** device_terminate_all: stop, or only request the stop of, the active transfer; mask its
   * interrupts. Must not wait and must not report events for the aborted transfer.
   * Callable from anywhere, also from a completion callback. */
  terminateAll(pc: ProviderChan): void;

  /** device_synchronize: return only when the controller no longer accesses memory of any
   * earlier descriptor (on STM32: EN reads 0), then fix the residue of the transfer
   * terminateAll() stopped from the stopped hardware (see residue()). Bounded by
   * timeoutMs: when the stop cannot be confirmed, throw DmaError ETIMEDOUT (the core then keeps
   * the buffers referenced, because the hardware may still write them). */
  synchronize(pc: ProviderChan, timeoutMs: number): void;

  /** Bytes not yet transferred of the active descriptor (from NDTR and the widths). For a
   * scatter-gather list: the rest of the current segment plus the segments not yet started.
   * Also for the descriptor terminateAll() took off the hardware: read live until
   * synchronize() returns, and exact after it (read once the hardware has stopped); the core
   * asks once more after synchronize() and keeps that answer. */
  residue(pc: ProviderChan, hw: HwDesc): number;

  /** Stop the transfer keeping its position (resume continues from the residue). */
  pause(pc: ProviderChan): void;
  resume(pc: ProviderChan): void;

  /** Read and clear the interrupt flags of the channels in flight (one register read per
   * controller), advance scatter-gather lists internally, and return what the core must know:
   * the events. A poll that finds nothing should allocate nothing: it may return the same
   * empty array each time (the core never changes what poll() returns). Never called with
   * nothing in flight; `chans` is the core's, not to be kept or changed. */
  poll(chans: ProviderChan[]): HwEvent[];

  /** One-line-per-channel decoded register dump for REPL debugging. */
  dump(): string;
}
