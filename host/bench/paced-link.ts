// A TCP relay that paces each direction like a UART at a given baud rate (8N1: 10 bits a
// byte), so that an uploader talking to a virtual board over it pays what a serial line costs.
// Full duplex: each direction has its own line. Bytes written by one side are delivered to the
// other no earlier than the time the last bit of that byte would have arrived; a side that
// closes still has its queued bytes delivered (the wire holds them, as a serial port's buffer
// does). Node timers fire with ~1 ms granularity, so each burst may arrive up to ~1 ms late.
import net from "node:net";

/** The line the bench measures uploads on: Espruino's default serial rate. */
export const BAUD = 115200;
/** Payload bytes per second at BAUD, 8N1 (a start bit, 8 data bits, a stop bit). */
export const LINE_BYTES_PER_S = BAUD / 10;

export interface LinkStats {
  /** Wall ms (performance.now) of the client's connection, of the last byte delivered to the
   * board and of the last byte delivered to the client; -1 when none. */
  openedAt: number;
  lastToBoardAt: number;
  lastToClientAt: number;
  toBoard: number;
  toClient: number;
  /** Resolves when the client side has closed and every queued byte reached the board. */
  drained: Promise<void>;
}

export interface PacedLink {
  port: number;
  /** Stats of each accepted connection, in order. */
  sessions: LinkStats[];
  close(): Promise<void>;
}

/** A clock and a one-shot timer: the wall clock in use, a manual one in tests. */
export interface Clock {
  now(): number;
  after(ms: number, fn: () => void): { cancel(): void };
}

const wallClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    var t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/** One direction of the line: bytes go out in order, each delivered when its last bit has
 * arrived, i.e. at (time the line became free or the byte was written) + 1 / bytesPerMs. */
export class Line {
  private q: Buffer[] = [];
  private queued = 0;
  /** Time at which the line finishes sending what was queued so far. */
  private busyUntil = 0;
  /** Delivery times of the queued pieces' last bytes (same order as q). */
  private due: number[] = [];
  private timer: { cancel(): void } | null = null;
  onIdle: (() => void) | null = null;

  constructor(private bytesPerMs: number, private deliver: (b: Buffer) => void, private clock: Clock = wallClock) {}

  push(b: Buffer): void {
    var now = this.clock.now();
    // Small pieces, so that a long write is delivered progressively, not all at its end.
    for (var off = 0; off < b.length; off += 16) {
      var piece = b.subarray(off, Math.min(off + 16, b.length));
      this.busyUntil = Math.max(this.busyUntil, now) + piece.length / this.bytesPerMs;
      this.q.push(piece);
      this.due.push(this.busyUntil);
      this.queued += piece.length;
    }
    this.arm();
  }

  /** Bytes written and not yet delivered. */
  pending(): number {
    return this.queued;
  }

  private arm(): void {
    if (this.timer || !this.q.length) return;
    this.timer = this.clock.after(Math.max(0, this.due[0] - this.clock.now()), () => this.pump());
  }

  private pump(): void {
    this.timer = null;
    var now = this.clock.now(), out: Buffer[] = [];
    while (this.q.length && this.due[0] <= now) {
      var b = this.q.shift() as Buffer;
      this.due.shift();
      this.queued -= b.length;
      out.push(b);
    }
    if (out.length) this.deliver(Buffer.concat(out));
    if (this.q.length) this.arm();
    else if (this.onIdle) this.onIdle();
  }

  stop(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
    this.q = [];
    this.due = [];
    this.queued = 0;
  }
}

/** Listen on 127.0.0.1 (a free port) and relay each connection to target, paced at baud. */
export async function pacedLink(target: { host: string; port: number }, baud = BAUD): Promise<PacedLink> {
  var bytesPerMs = baud / 10 / 1000;
  var sessions: LinkStats[] = [];
  var sockets = new Set<net.Socket>();
  var server = net.createServer((client) => {
    var board = net.connect(target.port, target.host);
    // The relay itself must not add Nagle/delayed-ACK stalls: the pacing is the only delay.
    client.setNoDelay(true);
    board.setNoDelay(true);
    sockets.add(client);
    sockets.add(board);
    var clientGone = false;
    var resolveDrained: () => void = () => {};
    var st: LinkStats = {
      openedAt: performance.now(), lastToBoardAt: -1, lastToClientAt: -1, toBoard: 0, toClient: 0,
      drained: new Promise<void>((r) => { resolveDrained = r; }),
    };
    sessions.push(st);
    var up = new Line(bytesPerMs, (b) => {
      st.toBoard += b.length;
      st.lastToBoardAt = performance.now();
      if (!board.destroyed) board.write(b);
    });
    var down = new Line(bytesPerMs, (b) => {
      if (clientGone || client.destroyed) return;
      st.toClient += b.length;
      st.lastToClientAt = performance.now();
      client.write(b);
    });
    var finish = () => {
      if (!clientGone || up.pending()) return;
      // Let the board take what it was just given before the connection ends.
      setTimeout(() => { board.end(); resolveDrained(); }, 50);
    };
    up.onIdle = finish;
    client.on("data", (b) => up.push(b));
    board.on("data", (b) => down.push(b));
    var gone = () => {
      if (clientGone) return;
      clientGone = true;
      down.stop();
      finish();
    };
    client.on("end", gone);
    client.on("close", gone);
    client.on("error", gone);
    board.on("error", () => { up.stop(); client.destroy(); resolveDrained(); });
    board.on("close", () => { up.stop(); if (!client.destroyed) client.end(); resolveDrained(); });
  });
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => res());
  });
  var addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    sessions,
    close: () => new Promise<void>((res) => {
      for (const s of sockets) s.destroy();
      server.close(() => res());
    }),
  };
}
