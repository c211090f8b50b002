// The Node bindings of the Transport interface (transport.ts): any Duplex stream (the
// in-process virtual board, a socket), TCP, and serial ports through node-serialport.
import net from "node:net";
import { existsSync } from "node:fs";
import type { Duplex } from "node:stream";
import { LinkError, Listeners, Transport } from "./transport";

/** Any Node Duplex carrying the board's bytes: the in-process virtual board, a socket. */
export class StreamTransport implements Transport {
  private data = new Listeners<(b: Uint8Array) => void>();
  private closed = new Listeners<(err?: Error) => void>();
  private stream: Duplex | null = null;
  private lost = false;
  private watch: ReturnType<typeof setInterval> | undefined;
  /** stillThere: does the device still exist (a serial port's device file)? Asked four times a
   * second while the port is open, because node-serialport can miss the hang-up of a port that
   * went away while a write is blocked in its poller or the sender waits for XON (seen on a
   * pseudo-terminal about one unplug in 20): a write would fail only at writeTimeoutMs, a
   * wait for XON at its own limit. */
  constructor(readonly description: string, private make: () => Duplex | Promise<Duplex>, private stillThere?: () => boolean) {}

  async open(): Promise<void> {
    var s = await this.make();
    this.stream = s;
    this.lost = false;
    var there = this.stillThere;
    if (there) {
      this.watch = setInterval(() => {
        if (there!()) return;
        var e = new Error("the device file is gone");
        this.gone(e);
        this.lose(e);
      }, 250);
      if (typeof this.watch.unref === "function") this.watch.unref();
    }
    s.on("data", (b: Buffer) => this.data.emit(Buffer.from(b)));
    s.on("close", (e?: any) => { this.gone(e && e.disconnected ? e : undefined); this.lose(); });
    s.on("error", (e: Error) => { this.gone(e); this.lose(e); });
  }
  /** The link is lost: said once, however many ways it shows (close, error, device gone). */
  private lose(err?: Error): void {
    clearInterval(this.watch);
    if (this.lost) return;
    this.lost = true;
    this.closed.emit(err);
  }
  /** Writes waiting to be handed over when the port went away (unplugged): a write stuck in
   * the binding may never call back, so they fail now. */
  private pending = new Set<(e: LinkError) => void>();
  private gone(err?: any): void {
    var e = writeError(this.description, err ?? new Error("the port closed"), true);
    for (const f of Array.from(this.pending)) f(e);
  }
  /** Longest a write may take to be handed over (a port stuck in hardware flow control never
   * completes a write): then it fails instead of hanging. */
  writeTimeoutMs = 10000;

  write(data: Uint8Array | string): Promise<void> {
    var s = this.stream;
    if (!s || s.destroyed) return Promise.reject(new LinkError("Cannot write to " + this.description + ": the link is closed", "ECLOSED"));
    var ms = this.writeTimeoutMs;
    return new Promise((resolve, reject) => {
      var fail = (e: LinkError) => { clearTimeout(t); this.pending.delete(fail); reject(e); };
      var t = setTimeout(() => fail(new LinkError("Writing to " + this.description + " stalled for " + ms + " ms: the port does not take data (flow control held, device gone?). Unplug and replug the board, then retry.", "EWRITE")), ms);
      this.pending.add(fail);
      s!.write(data, (err) => {
        if (!this.pending.has(fail)) return;
        if (err) return fail(writeError(this.description, err));
        clearTimeout(t);
        this.pending.delete(fail);
        resolve();
      });
    });
  }
  onData(fn: (b: Uint8Array) => void): () => void { return this.data.add(fn); }
  onClose(fn: (err?: Error) => void): () => void { return this.closed.add(fn); }
  /** Resolves once the port is really closed (serialport releases its lock only then, so an
   * immediate reopen, e.g. flash then test, would find the port busy); bounded. */
  async close(): Promise<void> {
    clearInterval(this.watch);
    var s: any = this.stream;
    this.stream = null;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      var t = setTimeout(resolve, 2000);
      var done = () => { clearTimeout(t); resolve(); };
      // A serialport stream's destroy() does not close the port: close it first.
      if (typeof s.close === "function" && s.isOpen) s.close(() => { s.destroy(); done(); });
      else { s.once("close", done); s.destroy(); }
    });
  }
}

/** A failed write. A port that went away under it (unplugged: serialport's binding gives
 * EBADF, EIO or ENXIO, or finds the port closed) says so. */
function writeError(what: string, err: any, gone = false): LinkError {
  var m = String(err && err.message || err);
  if (gone || (err && err.disconnect) || /bad file descriptor|EBADF|EIO|ENXIO|input\/output error|not open/i.test(m + " " + (err && err.code || ""))) {
    return new LinkError("Cannot write to " + what + ": the port is gone (" + m + "). Was the board unplugged? Plug it in and run the command again.", "ECLOSED");
  }
  return new LinkError("Cannot write to " + what + ": " + m, "EWRITE");
}

/** TCP: a board served by `espdma sim`, or a serial-to-TCP bridge (Espruino's `-p tcp://`). */
export function tcpTransport(host: string, port: number, timeoutMs = 5000): Transport {
  return new StreamTransport("tcp://" + host + ":" + port, () => new Promise<Duplex>((resolve, reject) => {
    var sock = net.connect({ host, port });
    var t = setTimeout(() => { sock.destroy(); reject(new LinkError("No answer from tcp://" + host + ":" + port + " within " + timeoutMs + " ms: is `espdma sim` running there?", "ETIMEDOUT")); }, timeoutMs);
    sock.once("connect", () => { clearTimeout(t); sock.setNoDelay(true); resolve(sock); });
    sock.once("error", (e: any) => { clearTimeout(t); reject(new LinkError("Cannot connect to tcp://" + host + ":" + port + ": " + (e.code || e.message) + ". Start one with `espdma sim --board pico --tcp " + host + ":" + port + "`.", e.code || "ECONNREFUSED")); });
  }));
}

/** A serial port through node-serialport's stream and a binding (the real one, or MockBinding in tests). */
export function serialTransport(path: string, baudRate = 115200, binding?: any): Transport {
  return new StreamTransport(path, async () => {
    var port: any;
    if (binding) {
      var { SerialPortStream } = await import("@serialport/stream");
      port = new SerialPortStream({ binding, path, baudRate, autoOpen: false });
    } else {
      var { SerialPort } = await import("serialport");
      port = new SerialPort({ path, baudRate, autoOpen: false });
    }
    await new Promise<void>((resolve, reject) => port.open((err: any) => (err ? reject(serialOpenError(path, err)) : resolve())));
    return port as Duplex;
    // On Linux and macOS a port is a device file, removed when the device goes (a USB board
    // unplugged, a pseudo-terminal closed); Windows' COM ports are not files, MockBinding's
    // paths neither.
  }, binding || process.platform === "win32" ? undefined : () => existsSync(path));
}

function serialOpenError(path: string, err: any): LinkError {
  var m = String(err && err.message || err);
  if (/busy|lock|EBUSY|Resource temporarily/i.test(m)) return new LinkError("Serial port " + path + " is busy (" + m + "): close the other program using it (a terminal, the Web IDE) and retry.", "EBUSY");
  if (/no such file|not found|ENOENT|does not exist/i.test(m)) return new LinkError("Serial port " + path + " does not exist (" + m + "): check the cable and the name with `espdma ports`.", "ENOENT");
  if (/permission|EACCES/i.test(m)) return new LinkError("No permission to open " + path + " (" + m + "): add yourself to the dialout group or use sudo.", "EACCES");
  return new LinkError("Cannot open serial port " + path + ": " + m, "EOPEN");
}
