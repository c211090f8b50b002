// Interrupt status flags of one DMA stream/channel, with every change traced. Shared by the F4
// stream and F1 channel models: both keep per-unit flag bits that hardware sets and software
// clears by writing 1 to the clear register (RM0090 10.5.1-10.5.4, RM0008 13.4.1-13.4.2).
import type { Trace } from "./trace";

export interface FlagUnit {
  flags: number;
  label: string;
}

/** Bit-to-name table for the trace, in the order the manual lists them. */
export type FlagNames = [number, string][];

/** Set (value 1) or clear (value 0) bits of unit.flags; trace each bit that changed. */
export function changeFlags(trace: Trace, names: FlagNames, u: FlagUnit, bits: number, value: 0 | 1): void {
  var changed = value ? bits & ~u.flags : bits & u.flags;
  if (!changed) return;
  if (value) u.flags |= changed;
  else u.flags &= ~changed;
  for (var i = 0; i < names.length; i++) {
    if (changed & names[i][0]) trace.push("flag", { source: u.label, flag: names[i][1], value: value });
  }
}
