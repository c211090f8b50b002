// A virtual board on a worker thread, reached as a link Transport. The thread that reads the
// console (stdin in `espdma repl`) stays free while the board runs code, so a Ctrl-C reaches
// it at once: through the shared control block, or SIGINT for a loop that touches nothing
// (interrupt-raise.mjs), as on a real board, where the UART's receive interrupt sees it.
import { Worker } from "node:worker_threads";
import type { Transport } from "../../link/transport";
import { createInterruptBlock, releaseInterruptBlock, raiseCtrlC } from "./interrupt";

export interface WorkerBoardOptions {
  board: string;
  seed?: number;
  schedule?: "normal" | "adversarial";
  /** Firmware bundle source to load at power-on, as createVirtualBoard's `bundle`. */
  bundle?: string;
  clock?: "simulated" | "realtime";
}

// From source the board is TypeScript; built, JavaScript.
const EXT = /\.ts$/.test(new URL(import.meta.url).pathname) ? ".ts" : ".js";

export class WorkerBoardTransport implements Transport {
  readonly description: string;
  private worker: Worker | null = null;
  private block: Int32Array | null = null;
  private dataFns: ((b: Buffer) => void)[] = [];
  private closeFns: ((err?: Error) => void)[] = [];
  private idleWaits = new Map<number, () => void>();
  private idleId = 0;
  private closing = false;

  constructor(private readonly opts: WorkerBoardOptions) {
    this.description = "virtual " + opts.board;
  }

  open(): Promise<void> {
    var block = createInterruptBlock();
    this.block = block;
    var w = new Worker(new URL("./board-worker.mjs", import.meta.url), {
      workerData: { ...this.opts, entry: new URL("./board-thread" + EXT, import.meta.url).href, interrupt: block.buffer },
    });
    this.worker = w;
    return new Promise((resolve, reject) => {
      var started = false;
      w.on("message", (m: any) => {
        if (m.t === "out") { var b = Buffer.from(m.d); for (const f of this.dataFns.slice()) f(b); }
        else if (m.t === "idle") { var f = this.idleWaits.get(m.id); this.idleWaits.delete(m.id); if (f) f(); }
        else if (m.t === "ready") { started = true; resolve(); }
        else if (m.t === "error") { reject(new Error(m.message)); }
      });
      w.on("error", (e) => { if (!started) reject(e); else this.ended(e); });
      w.on("exit", () => { if (!started) reject(new Error("The virtual board's thread ended before it started")); this.ended(); });
    });
  }

  write(data: Buffer | string): Promise<void> {
    var w = this.worker;
    if (!w || this.closing) return Promise.reject(new Error("Cannot write to " + this.description + ": the link is closed"));
    var b = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    if (b.includes(3) && this.block) raiseCtrlC(this.block);
    w.postMessage({ t: "in", d: b });
    return Promise.resolve();
  }

  /** Resolves once the board has processed all input sent so far and runs no command. */
  idle(): Promise<void> {
    var w = this.worker;
    if (!w || this.closing) return Promise.resolve();
    var id = ++this.idleId;
    return new Promise((resolve) => { this.idleWaits.set(id, resolve); w!.postMessage({ t: "idle", id }); });
  }

  onData(fn: (b: Buffer) => void): () => void {
    this.dataFns.push(fn);
    return () => { this.dataFns = this.dataFns.filter((f) => f !== fn); };
  }

  onClose(fn: (err?: Error) => void): () => void {
    this.closeFns.push(fn);
    return () => { this.closeFns = this.closeFns.filter((f) => f !== fn); };
  }

  async close(): Promise<void> {
    if (!this.worker || this.closing) return;
    const w: Worker = this.worker;
    this.closing = true;
    w.postMessage({ t: "close" });
    // The thread may be stuck in code nothing interrupted: do not wait for it long.
    var t = setTimeout(() => { w.terminate(); }, 1000);
    await new Promise<void>((res) => w.once("exit", () => res()));
    clearTimeout(t);
  }

  private ended(err?: Error): void {
    if (this.block) { releaseInterruptBlock(this.block); this.block = null; }
    for (const f of this.idleWaits.values()) f();
    this.idleWaits.clear();
    var fns = this.closeFns.slice();
    this.closeFns = [];
    if (!this.closing) for (const f of fns) f(err);
    this.worker = null;
  }
}
