// Byte patterns the agent writes and checks (after Linux dmatest: source, destination and guard
// patterns that cannot be mistaken for one another). Every source byte has bit 7 set; canary,
// guard and cleared-destination bytes have it clear, so any byte the DMA copies is visible.

export var GUARD = 0x5a;
export var CANARY = 0x3c;

function srcByte(i: number, seed: number): number {
  return 0x80 | ((i * 13 + seed * 7 + (i >> 7)) & 0x7f);
}

export function fill(b: any, pattern: string, seed: number): void {
  var n = b.length, i;
  if (pattern === "src") for (i = 0; i < n; i++) b[i] = srcByte(i, seed);
  else if (pattern === "canary") for (i = 0; i < n; i++) b[i] = CANARY;
  else for (i = 0; i < n; i++) b[i] = 0;
}

/** Index of the first byte b[i] in [from, to) that is not want(i), -1 when all are; count of
 * such bytes in out[0]. */
export function firstNot(b: any, from: number, to: number, want: (i: number) => number, out: number[]): number {
  var first = -1, count = 0;
  for (var i = from; i < to; i++) {
    if (b[i] !== want(i)) {
      if (first < 0) first = i;
      count++;
    }
  }
  out[0] = count;
  return first;
}
