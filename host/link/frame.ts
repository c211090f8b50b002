// Framed event lines: how the on-board agent reports, so that stray REPL output, noise or a
// truncated line can never be taken for a result.
//
//   #ED|<run>|<seq>|<json>|<crc32 hex>        (one line, ended by \r\n)
//
// <run> names one agent run (the host picks it), <seq> counts from 0 within the run, and the
// CRC-32 covers "<run>|<seq>|<json>". A line is accepted only when the marker, the fields, the
// CRC and the JSON all check; anything else is reported as rejected (with why), never parsed.
import { Emitter } from "./emitter";
import { crc32, hex8 } from "./crc32";
import { latin1Text } from "./transport";

export const FRAME_MARK = "#ED|";

export interface Frame {
  run: string;
  seq: number;
  event: any;
}

export type FrameResult = { ok: true; frame: Frame } | { ok: false; why: string; line: string };

/** Encode one event as a frame line (without the line end). The agent does the same in ES5. */
export function encodeFrame(run: string, seq: number, event: unknown): string {
  var body = run + "|" + seq + "|" + JSON.stringify(event);
  return FRAME_MARK + body + "|" + hex8(crc32(body));
}

/** Decode one line. A marker anywhere in the line starts the frame (a prompt or noise may precede it). */
export function decodeFrame(line: string): FrameResult | null {
  var at = line.lastIndexOf(FRAME_MARK);
  if (at < 0) return null;
  var s = line.slice(at + FRAME_MARK.length).replace(/[\r\n]+$/, "");
  var last = s.lastIndexOf("|");
  if (last < 0) return { ok: false, why: "no checksum field", line };
  var body = s.slice(0, last), sum = s.slice(last + 1);
  if (!/^[0-9a-f]{8}$/.test(sum)) return { ok: false, why: "bad checksum field", line };
  if (hex8(crc32(body)) !== sum) return { ok: false, why: "checksum mismatch", line };
  var p1 = body.indexOf("|"), p2 = p1 < 0 ? -1 : body.indexOf("|", p1 + 1);
  if (p2 < 0) return { ok: false, why: "missing fields", line };
  var run = body.slice(0, p1), seqText = body.slice(p1 + 1, p2);
  if (!/^\d+$/.test(seqText)) return { ok: false, why: "bad sequence number", line };
  try {
    return { ok: true, frame: { run, seq: Number(seqText), event: JSON.parse(body.slice(p2 + 1)) } };
  } catch (e) {
    return { ok: false, why: "bad JSON", line };
  }
}

/**
 * Bytes in (write), Frame objects out ("data" events). Lines that are not frames are emitted
 * as "text" events; frames that fail a check as "reject" events ({why, line}). A partial last
 * line is held until its end arrives (end() rejects it as truncated). Synchronous: a frame
 * is emitted inside the write() that completes its line.
 */
export class FrameParser extends Emitter {
  private partial = "";
  /** Longest line kept while waiting for its end; beyond this it is noise. */
  readonly maxLine: number;

  constructor(opts: { maxLine?: number } = {}) {
    super();
    this.maxLine = opts.maxLine ?? 64 * 1024;
  }

  write(chunk: Uint8Array | string): void {
    this.partial += typeof chunk === "string" ? chunk : latin1Text(chunk);
    var nl: number;
    while ((nl = this.partial.indexOf("\n")) >= 0) {
      var line = this.partial.slice(0, nl).replace(/\r$/, "");
      this.partial = this.partial.slice(nl + 1);
      this.line(line);
    }
    if (this.partial.length > this.maxLine) {
      this.emit("reject", { why: "line too long", line: this.partial.slice(0, 80) });
      this.partial = "";
    }
  }

  end(): void {
    if (this.partial.indexOf(FRAME_MARK) >= 0) this.emit("reject", { why: "truncated (no line end)", line: this.partial });
    else if (this.partial) this.emit("text", this.partial);
    this.partial = "";
  }

  private line(line: string): void {
    var r = decodeFrame(line);
    if (!r) {
      this.emit("text", line);
      return;
    }
    if (r.ok) this.emit("data", r.frame);
    else this.emit("reject", { why: r.why, line: r.line });
  }
}

/**
 * Collects the frames of one run and says whether the run is complete: every sequence number
 * from 0 to the final "done" event (which carries the count) present exactly once.
 */
export class RunCollector {
  private seen = new Map<number, any>();
  rejected: { why: string; line: string }[] = [];
  done: any = null;

  constructor(readonly run: string) {}

  add(f: Frame): void {
    if (f.run !== this.run) return; // a stale line of an earlier run
    if (this.seen.has(f.seq)) return; // a repeated line (the board printed it twice)
    this.seen.set(f.seq, f.event);
    if (f.event && f.event.t === "done") this.done = f.event;
  }

  /** Missing sequence numbers below the done event's count (empty when complete). */
  missing(): number[] {
    var out: number[] = [];
    var n = this.done ? this.done.n : this.seen.size;
    for (var i = 0; i < n; i++) if (!this.seen.has(i)) out.push(i);
    return out;
  }

  complete(): boolean {
    return !!this.done && this.missing().length === 0;
  }

  /** The events in order (done included). */
  ordered(): any[] {
    var keys = Array.from(this.seen.keys()).sort((a, b) => a - b);
    return keys.map((k) => this.seen.get(k));
  }
}
