// The ordered event trace of a virtual MCU, and a hash of it for bit-for-bit replay checks.
import type { TraceEvent } from "../contract";

export class Trace {
  readonly events: TraceEvent[] = [];
  /** Cap so that a long run cannot exhaust memory; the count of dropped events is kept. */
  limit = 1000000;
  dropped = 0;
  constructor(private clock: () => number) {}
  push(type: string, fields?: { [k: string]: unknown }): void {
    if (this.events.length >= this.limit) {
      this.dropped++;
      return;
    }
    var e: TraceEvent = { cycle: this.clock(), type: type };
    if (fields) for (var k in fields) e[k] = fields[k];
    this.events.push(e);
  }
}

/** FNV-1a (32-bit) over the JSON of every event: equal traces give equal hashes. */
export function traceHash(events: TraceEvent[]): string {
  var h = 0x811c9dc5;
  for (var i = 0; i < events.length; i++) {
    var s = JSON.stringify(events[i]);
    for (var j = 0; j < s.length; j++) {
      h ^= s.charCodeAt(j);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x0a;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0") + ":" + events.length;
}
