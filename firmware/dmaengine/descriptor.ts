// A descriptor: one prepared transfer and where it is in its life. The object is also the
// client's "tx" (dmaengine's dma_async_tx_descriptor): prep*() returns it, submit() queues it.
import type { HwDesc } from "./provider";

/** The part of a channel a descriptor needs (breaks the import cycle with channel.ts). */
export interface DescOwner {
  submitDesc(d: Descriptor): number;
}

/** Lifecycle stages, as the channel's list names: a transition is a move between lists. */
export type DescState = "prepared" | "submitted" | "issued" | "active" | "completed" | "aborted" | "done";

export class Descriptor {
  owner: DescOwner;
  kind: string;
  hw: HwDesc;
  /** Every buffer the hardware may touch: referenced until the descriptor is done, or, once
   * terminated, until synchronize() has seen the hardware stop (the seed's pinning rule). */
  bufs: any[] | null;
  callback: ((r: any) => void) | null;
  /** cyclic: bytes per period. */
  periodLen: number;
  cookie: number;
  state: DescState;
  /** "ok" | "read_failed" | "write_failed", set when the hardware is done with it. */
  result: string;
  residue: number;
  /** cyclic: periods reported by the hardware whose callback has not run yet. */
  periods: number;
  /** In the channel's completed list (a cyclic descriptor is there while still active). */
  queued: boolean;

  constructor(owner: DescOwner, kind: string, hw: HwDesc, bufs: any[], callback: ((r: any) => void) | null, periodLen: number) {
    this.owner = owner;
    this.kind = kind;
    this.hw = hw;
    this.bufs = bufs;
    this.callback = callback;
    this.periodLen = periodLen;
    this.cookie = 0;
    this.state = "prepared";
    this.result = "";
    this.residue = hw.len;
    this.periods = 0;
    this.queued = false;
  }

  /** Queue it on its channel; returns the cookie for txStatus(). Once only. */
  submit(): number {
    return this.owner.submitDesc(this);
  }
}
