// What a scenario is: a program of agent steps for a board, the invariants (numbered as in
// /work/shared/design.md "Invariants") it checks, and checks of the resulting event trace.
import type { BoardDef } from "../../boards/types";
import type { CoreBoard } from "../virtual-board/board";

export interface Ctx {
  board: BoardDef;
  seed: number;
  /** Deterministic random numbers for this scenario and seed. */
  rand(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
}

/** What the host saw of one run. */
export interface Trace {
  board: BoardDef;
  /** Agent events in sequence order (the final "done" included). */
  events: any[];
  /** Non-frame lines the board printed while the program ran (warnings, errors). */
  text: string[];
  /** Virtual board only: memory violations seen by the MCU model during the run. */
  violations?: { kind: string; addr: number; source: string; detail?: string }[];
  /** Virtual board only: event-loop timers still pending after the run. */
  timersAfter?: number;
  /** Virtual board only: live heap blocks at the given addresses after the run. */
  liveAt?: (addr: number) => boolean;
}

export interface Check {
  /** Invariant number (1..8), or 0 for a check of the scenario itself. */
  id: number;
  name: string;
  passed: boolean;
  detail?: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** Invariants this scenario checks (design.md numbering). */
  invariants: number[];
  /** Virtual board scheduling for this scenario (default "normal"). */
  schedule?: "normal" | "adversarial";
  /** Only on the virtual board (needs its fault injection). */
  virtualOnly?: boolean;
  /** Why it does not apply on this board (e.g. no memory-to-memory DMA), or undefined. */
  notFor?(board: BoardDef): string | undefined;
  /** Agent steps. */
  program(ctx: Ctx): any[];
  /** Longest the program may run on the board, ms (default 5000). */
  timeoutMs?: number;
  /** Virtual board: arm fault injection before the program runs; returns an undo. */
  setup?(vb: CoreBoard, ctx: Ctx): (() => void) | void;
  /** Scenario-specific expectations, in addition to the generic invariant checks. */
  expect(t: Trace, ctx: Ctx): Check[];
  /** Names of buffers whose canary is expected to be corrupted (the race demo's legacy pattern). */
  corruptOk?: string[];
}

export interface ScenarioResult {
  name: string;
  title: string;
  passed: boolean;
  invariants: Check[];
  ms: number;
  /** Why it could not run (link error, missing events), when it could not. */
  error?: string;
  events?: any[];
}
