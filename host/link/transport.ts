// Transports, after node-serialport's split: one small interface, several bindings. The REPL
// client only sees a Transport: bytes out (write), bytes in (onData), open and close. This file
// is the part Node and the browser share (bytes are Uint8Array); the Node bindings (streams,
// TCP, serial ports) are in stream-transport.ts, the browser's in host/web/transports/.

export interface Transport {
  /** What it is connected to, for messages ("/dev/ttyACM0", "tcp://127.0.0.1:4000", "virtual pico"). */
  readonly description: string;
  open(): Promise<void>;
  /** Resolves once the bytes are handed to the operating system / the other side. */
  write(data: Uint8Array | string): Promise<void>;
  /** Subscribe to received bytes; returns an unsubscribe function. */
  onData(fn: (b: Uint8Array) => void): () => void;
  /** Called when the other side goes away (port unplugged, socket closed). */
  onClose(fn: (err?: Error) => void): () => void;
  close(): Promise<void>;
}

/** A failure of the link, with a message that says what to do. */
export class LinkError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "LinkError";
  }
}

export class Listeners<T extends (...a: any[]) => void> {
  private fns: T[] = [];
  add(fn: T): () => void {
    this.fns.push(fn);
    return () => { this.fns = this.fns.filter((f) => f !== fn); };
  }
  emit(...a: Parameters<T>): void {
    for (const f of this.fns.slice()) f(...a);
  }
}

/** A string as the bytes the link sends: one byte per character (latin1), as Espruino's
 * strings are. */
export function latin1Bytes(s: string): Uint8Array {
  var b = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Bytes as a string, one character per byte. */
export function latin1Text(b: Uint8Array): string {
  var s = "";
  for (var i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.prototype.slice.call(b.subarray(i, i + 8192)));
  return s;
}
