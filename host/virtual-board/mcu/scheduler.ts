// Who decides how far the DMA gets between two CPU accesses.
// - "normal": bus timing. A controller serves one item every `timing.itemCycles` while it has
//   work; a request is served `timing.latencyCycles` after it is raised. Memory-to-memory runs
//   back to back; peripheral-paced transfers follow their timer.
// - step mode (`next` set): before each CPU access and each idle turn, the DMA serves `next()`
//   bus slots at once (0, a few, or Infinity = everything pending), whatever the bus timing.
//   "adversarial" sets `next` to a choice drawn from a seeded PRNG, so a race can be forced,
//   replayed from its seed and searched; a test may assign its own `next` to script it.
import type { DmaTiming } from "./dma-engine";
import { Prng } from "./prng";

export class Scheduler {
  readonly rng: Prng;
  /** DMA slots to serve before the next CPU access; null: bus timing decides (normal). */
  next: (() => number) | null = null;
  /** Cycles one CPU register/memory access costs (an interpreted peek32/poke32 on Espruino
   * takes ~10 us; the runtime may lower this if it charges interpreter time itself). */
  cpuAccessCycles: number;
  /** In step mode, how often an idle CPU lets the DMA take a step (nextEventCycle()). */
  idleQuantumCycles: number;
  readonly timing: DmaTiming = { itemCycles: 4, latencyCycles: 4 };

  constructor(readonly mode: "normal" | "adversarial", seed: number, cpuHz: number) {
    this.rng = new Prng(seed);
    this.cpuAccessCycles = Math.max(1, Math.round(cpuHz / 100000));
    this.idleQuantumCycles = this.cpuAccessCycles;
    if (mode === "adversarial") {
      var rng = this.rng;
      this.next = function () {
        return adversarialChoice(rng);
      };
    }
  }
}

/** 0 slots (5/16), 1 (4/16), 2..8 (4/16), everything pending (3/16). */
export function adversarialChoice(rng: Prng): number {
  var r = rng.below(16);
  if (r < 5) return 0;
  if (r < 9) return 1;
  if (r < 13) return 2 + rng.below(7);
  return Infinity;
}
