// The invariants of /work/shared/design.md ("Invariants the host checks"), by number, and the
// failure a race case reports when one of them does not hold.

export const INVARIANTS: { [n: string]: string } = {
  "1": "No callback of an earlier descriptor runs after synchronize()/terminateSync() returned",
  "2": "No DMA write reaches an earlier descriptor's buffer after synchronize() returned",
  "3": "Every submitted descriptor ends exactly once: one callback, or aborted with none",
  "4": "synchronize() returns only after the controller has reported the stream disabled",
  "5": "A call in the wrong context fails with the documented error and changes nothing",
  "6": "No timer runs while nothing is in flight",
  "7": "Completed transfers move exactly the bytes asked; guard bytes around buffers are untouched",
  "8": "After terminate + synchronize the channel carries a new transfer correctly",
  heap: "The heap does not move while a buffer is the hardware's (E.defrag/E.toFlatString refused, README rule 6)",
  api: "A call the client may make succeeds (unexpected error or crash)",
};

export class RaceFailure extends Error {
  constructor(readonly invariant: string, readonly detail: string, public step = -1) {
    super("invariant " + invariant + ": " + detail);
  }
}

export interface FailureInfo {
  invariant: string;
  title: string;
  detail: string;
  /** Index of the program step during which it was seen; -1: in the final checks. */
  step: number;
}

export function failureInfo(f: RaceFailure): FailureInfo {
  return { invariant: f.invariant, title: INVARIANTS[f.invariant] || "", detail: f.detail, step: f.step };
}
