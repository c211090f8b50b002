// The Espruino REPL protocol, as the host speaks it (after Espruino's own tools):
// - get a prompt: Ctrl-C clears a half-typed line, then a probe line must come back;
// - every line we send starts with DLE (0x10), so the board neither echoes it nor prints `=value`;
// - uploads go out in chunks and stop while the board has sent XOFF (0x13) until XON (0x11);
// - every wait is bounded and fails with a LinkError that says what to do;
// - a reset banner in the middle of a command fails that command (the board lost its state).
import { Emitter } from "./emitter";
import { FrameParser, Frame } from "./frame";
import { LinkError, Transport, latin1Bytes } from "./transport";
import { asciiCode } from "./code";
import { nextTurn } from "../common/turn";

export const DLE = "\x10", CTRL_C = "\x03", XON = 0x11, XOFF = 0x13;
/** Part of the banner Espruino prints after a reset (jswrap_interactive.c). */
const RESET_BANNER = /\|_\| espruino\.com/;

export interface ReplClientOptions {
  /** Default bound of one command, ms (default 5000). */
  timeoutMs?: number;
  /** Bytes per write when uploading (default 64). */
  chunkSize?: number;
  /** Longest wait for XON after XOFF, ms (default 10000). */
  xoffTimeoutMs?: number;
  /** Attempts of Ctrl-C + probe before giving up (default 3). */
  syncAttempts?: number;
}

interface Waiter {
  test: (text: string) => any;
  resolve: (v: any) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  what: string;
}

export class ReplClient extends Emitter {
  /** Text received since the last mark (control bytes of flow control removed). */
  private text = "";
  private xoff = false;
  private xonWaiters: (() => void)[] = [];
  /** The same waits' failures: a link lost while the board holds XOFF ends them at once. */
  private xonFails: ((e: LinkError) => void)[] = [];
  private waiters: Waiter[] = [];
  private nextId = 1;
  private offData: () => void;
  private offClose: () => void;
  private parser = new FrameParser();
  private closedErr: LinkError | null = null;
  readonly opts: Required<ReplClientOptions>;
  /** Resets seen (banners), so an upload can tell the board restarted under it. */
  resets = 0;

  constructor(readonly transport: Transport, opts: ReplClientOptions = {}) {
    super();
    this.opts = { timeoutMs: 5000, chunkSize: 64, xoffTimeoutMs: 10000, syncAttempts: 3, ...opts };
    this.offData = transport.onData((b) => this.receive(b));
    this.offClose = transport.onClose((err) => this.lost(err));
    this.parser.on("data", (f: Frame) => this.emit("frame", f));
    this.parser.on("reject", (r) => this.emit("reject", r));
    this.parser.on("text", (t) => this.emit("text", t));
  }

  // ------------------------------------------------------------------ receiving

  private receive(b: Uint8Array): void {
    var s = "";
    for (var i = 0; i < b.length; i++) {
      var c = b[i];
      if (c === XOFF) this.xoff = true;
      else if (c === XON) { this.xoff = false; this.wakeXon(); }
      else s += String.fromCharCode(c);
    }
    if (!s) return;
    this.text += s;
    if (this.text.length > 1 << 20) this.text = this.text.slice(-(1 << 19));
    this.parser.write(s);
    if (RESET_BANNER.test(this.text)) {
      this.resets++;
      this.emit("reset");
      this.text = this.text.replace(RESET_BANNER, "");
      this.failAll(new LinkError("The board reset while " + "%WHAT%" + ": it lost the uploaded code. Check its power and cable, then run the command again.", "ERESET"));
      return;
    }
    this.check();
  }

  private lost(err?: Error): void {
    // `espdma sim` says why it closes a connection (busy: one client at a time): that is the error.
    var said = /espdma sim: busy: [^\r\n]*/.exec(this.text);
    // A transport that knows why the link ended (browser transports) says so itself.
    this.closedErr = said ? new LinkError(said[0].replace(/^espdma sim: busy: /, "The virtual board at ") , "EBUSY") :
      err instanceof LinkError ? err : new LinkError("The link to " + this.transport.description + " closed" + (err ? " (" + err.message + ")" : "") + ": was the board unplugged?", "ECLOSED");
    this.failAll(this.closedErr);
    for (const f of this.xonFails.slice()) f(this.closedErr);
    // Waits that are not the client's own (a scenario collecting events) end on this.
    this.emit("lost", this.closedErr);
  }

  private failAll(e: LinkError): void {
    var ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(new LinkError(e.message.replace("%WHAT%", w.what), e.code));
    }
  }

  private check(): void {
    for (const w of this.waiters.slice()) {
      var v = w.test(this.text);
      if (v !== undefined && v !== null && v !== false) {
        clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(v);
      }
    }
  }

  private wakeXon(): void {
    var ws = this.xonWaiters;
    this.xonWaiters = [];
    for (const f of ws) f();
  }

  /** Wait until test(text received) returns a value, at most timeoutMs. */
  waitFor<T>(test: (text: string) => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise<T>((resolve, reject) => {
      var w: Waiter = {
        test, resolve, reject, what,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          // Something came back, but not the answer: the board is alive and our line reached it
          // damaged (noise), or it is busy printing. Say what it printed rather than "no answer".
          var got = this.text.replace(/[\r\n>:]+/g, " ").replace(/\x1b\[J/g, "").trim();
          if (got) reject(new LinkError("The board on " + this.transport.description + " did not give the expected answer within " + timeoutMs + " ms while " + what + "; it printed " + abbreviate(got) + ". Noise on the line garbles commands: check the cable, lower the baud rate, and retry.", "EGARBLED"));
          else reject(new LinkError("No answer from the board on " + this.transport.description + " within " + timeoutMs + " ms while " + what + ". Is it powered and running Espruino at this baud rate? Try `espdma repl` to look.", "ETIMEDOUT"));
        }, timeoutMs),
      };
      this.waiters.push(w);
      this.check();
    });
  }

  /** Forget text received so far (the next wait only sees what comes after). */
  mark(): void {
    this.text = "";
  }

  // ------------------------------------------------------------------ sending

  /** Write bytes in chunks, pausing while the board holds XOFF. */
  async writeChunked(data: string, onProgress?: (sent: number, total: number) => void, resetExpected = false): Promise<void> {
    var buf = latin1Bytes(data);
    var n = this.opts.chunkSize, resets = this.resets;
    for (var i = 0; i <= buf.length - 1; i += n) {
      if (this.closedErr) throw this.closedErr;
      if (this.resets !== resets) throw new LinkError("The board reset during an upload (after " + i + " of " + buf.length + " bytes): it lost what was sent. Check its power and cable, then run the command again.", "ERESET");
      if (this.xoff) await this.waitXon();
      await this.transport.write(buf.subarray(i, i + n)).catch((e) => { throw this.closedErr ?? e; });
      // Let the board's answer (an XOFF) arrive before the next chunk.
      await nextTurn();
      if (onProgress) onProgress(Math.min(i + n, buf.length), buf.length);
    }
    if (this.resets !== resets && !resetExpected) throw new LinkError("The board reset during an upload: it lost what was sent. Check its power and cable, then run the command again.", "ERESET");
  }

  private waitXon(): Promise<void> {
    var ms = this.opts.xoffTimeoutMs;
    return new Promise((resolve, reject) => {
      if (this.closedErr) return reject(this.closedErr);
      var fail = (e: LinkError) => {
        clearTimeout(t);
        this.xonWaiters = this.xonWaiters.filter((f) => f !== done);
        this.xonFails = this.xonFails.filter((f) => f !== fail);
        reject(e);
      };
      var t = setTimeout(() => fail(new LinkError("The board on " + this.transport.description + " sent XOFF and no XON within " + ms + " ms: it is stuck or busy. Press its reset button (or power-cycle it) and retry.", "EXOFF")), ms);
      var done = () => { clearTimeout(t); this.xonFails = this.xonFails.filter((f) => f !== fail); resolve(); };
      this.xonWaiters.push(done);
      this.xonFails.push(fail);
    });
  }

  /** Send one line of code, DLE-prefixed so it is not echoed. Newlines inside are sent as separate DLE lines. */
  async sendLine(code: string, onProgress?: (sent: number, total: number) => void): Promise<void> {
    var lines = code.split(/\r?\n/);
    var out = "";
    for (const l of lines) out += DLE + l + "\n";
    await this.writeChunked(out, onProgress);
  }

  /** Get a prompt: Ctrl-C, then a probe that must come back. Retries; fails with a clear error. */
  async sync(): Promise<void> {
    var last: Error | null = null;
    for (var a = 0; a < this.opts.syncAttempts; a++) {
      var id = "ESPDMA_SYNC_" + this.nextId++;
      this.mark();
      try {
        await this.transport.write(CTRL_C);
        await this.sendLine('print("<' + id + '>")');
        await this.waitFor((t) => t.indexOf("<" + id + ">") >= 0, Math.min(this.opts.timeoutMs, 2000), "waiting for a prompt");
        return;
      } catch (e: any) {
        last = e;
        if (e.code === "ECLOSED" || e.code === "EBUSY") throw this.closedErr ?? e;
      }
    }
    throw new LinkError("The board on " + this.transport.description + " does not answer (" + this.opts.syncAttempts + " tries of Ctrl-C and a probe line). Check that it runs Espruino, the port and the baud rate; press reset and retry." + (last ? " Last: " + last.message : ""), "ENOANSWER");
  }

  /** reset() the board (clears code, timers and DMA state left by an earlier run) and get a prompt. */
  async resetBoard(timeoutMs = 5000): Promise<void> {
    var before = this.resets;
    this.mark();
    await this.writeChunked(DLE + "reset()\n", undefined, true);
    try {
      await this.waitFor(() => this.resets > before, timeoutMs, "resetting the board");
    } catch (e: any) {
      if (e.code !== "ERESET") throw e; // the banner itself fails pending waits: that is the answer
    }
    await this.sync();
  }

  /**
   * Evaluate an expression on the board and return its value (through JSON). A throw on the
   * board rejects with a LinkError whose message is the board's, code "EREMOTE".
   */
  async eval<T = any>(expr: string, timeoutMs = this.opts.timeoutMs, what = "evaluating " + abbreviate(expr), opts: { failOnUncaught?: boolean; bare?: boolean; after?: string } = {}): Promise<T> {
    var id = this.nextId++;
    var open = "<#" + id + "#", close = "#" + id + "#>";
    // bare: no try/catch wrapper (~130 bytes less on the line, for expressions that do not
    // throw, e.g. helpers that catch themselves): a throw then shows as "Uncaught", so bare
    // implies failOnUncaught.
    var bare = !!opts.bare, after = opts.after;
    if (bare) opts = { failOnUncaught: true };
    var code = bare
      ? "print(" + JSON.stringify(open) + "+JSON.stringify({v:(" + expr + ")})+" + JSON.stringify(close) + ")"
      : "(function(){var r;try{r={v:(" + expr + ")};}catch(e){r={e:String(e&&e.message||e),c:e&&e.code};}" +
        "print(" + JSON.stringify(open) + "+JSON.stringify(r)+" + JSON.stringify(close) + ");})()";
    this.mark();
    // after: more lines sent at once behind the command (pipelined; their output is kept in
    // the received text for the caller's own wait).
    await this.sendLine(after ? code + "\n" + after : code);
    var uncaught: string | null = null;
    var body = await this.waitFor((t) => {
      var i = t.indexOf(open);
      // The wrapper catches whatever the expression throws, so an "Uncaught" error line means
      // the line itself did not parse (noise), unless a timer of the board's own code threw:
      // callers whose command is idempotent ask to fail at once and send it again.
      if (i < 0 && opts.failOnUncaught) { var m = /Uncaught [^\r\n]*\r?\n/.exec(t); if (m) { uncaught = m[0].trim(); return "\u0000"; } }
      if (i < 0) return undefined;
      var j = t.indexOf(close, i);
      return j < 0 ? undefined : t.slice(i + open.length, j);
    }, timeoutMs, what);
    if (uncaught !== null) throw new LinkError("The board could not run the command sent while " + what + " (" + uncaught + "): noise on the line damaged it.", "EGARBLED");
    var r: any;
    try {
      r = JSON.parse(body);
    } catch (e) {
      throw new LinkError("Garbled answer from the board while " + what + " (noise on the line?): " + abbreviate(body), "EGARBLED");
    }
    if (r && r.e !== undefined) throw new LinkError("The board threw while " + what + ": " + r.e, "EREMOTE");
    return (r ? r.v : undefined) as T;
  }

  /** Upload code (a bundle) by sending it as DLE lines, chunked with flow control. */
  async upload(code: string, onProgress?: (sent: number, total: number) => void): Promise<void> {
    await this.sendLine(asciiCode(code), onProgress);
  }

  async close(): Promise<void> {
    this.offData();
    this.offClose();
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    await this.transport.close();
  }
}

function abbreviate(s: string): string {
  return s.length > 60 ? JSON.stringify(s.slice(0, 57) + "...") : JSON.stringify(s);
}
