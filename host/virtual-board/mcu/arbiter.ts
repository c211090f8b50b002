// DMA arbitration, shared by the F4 stream and F1 channel models: among the units with a
// request, the highest software priority wins; on equal priority the lower-numbered unit
// (RM0090 10.3.4 "Arbiter", RM0008 13.3.2 "Arbiter"). A fresh result per call, so a caller's
// loop cannot keep a stale winner (the bug both models once had with a loop-scoped `var`).
export interface Arbitrated {
  priority(): number;
}

export function arbitrate<T extends Arbitrated>(units: T[], wants: (u: T) => boolean): T | undefined {
  var best: T | undefined = undefined;
  for (var i = 0; i < units.length; i++) {
    var u = units[i];
    if (wants(u) && (!best || u.priority() > best.priority())) best = u;
  }
  return best;
}
