// Pseudo-terminal transport: the board's REPL on a real tty device (/dev/pts/N), so what
// opens serial ports (serialport's native binding as `--port` uses it, the espruino CLI, a
// terminal program) can talk to the virtual board. This side opens the pty and makes the
// optional link; the master's I/O runs in a worker (pty-worker.mjs).
//
// The pty comes from openpty(3) in @lydell/node-pty's prebuilt addon (from the npm registry;
// node-pty itself builds from source on Linux). Its public open() wraps both ends in streams
// that read the slave too (they would take the host's bytes), so its addon's open() is used.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Repl } from "../repl/repl";
import { XOFF, XON } from "../repl/repl";

export interface PtyOptions {
  /** Also make this name a symbolic link to the pty (e.g. ./ttyESPDMA); removed on close. */
  link?: string;
}

export interface PtyServer {
  /** The slave device the host opens, e.g. /dev/pts/3. */
  readonly path: string;
  /** The link's absolute path, when one was asked for. */
  readonly link?: string;
  /** A host has the port open now. */
  readonly connected: boolean;
  /** Hang-ups seen: a host that had the port open closed it. */
  readonly hangups: number;
  /** Resolves at the next connect or hang-up. */
  nextChange(): Promise<"connect" | "hangup">;
  /** Stop taking input (true): the board sends XOFF and reads nothing more, so the kernel's
   * buffer fills and the host's writes block, as on a board whose input buffer stays full.
   * false: read again and send XON. */
  holdInput(on: boolean): void;
  /** Close the pty from the board's side: to the host the device is gone (an unplug). */
  close(): Promise<void>;
}

/** A clear error for the command line: what failed and what to do. */
export class PtyError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "PtyError";
  }
}

export function listenPty(repl: Repl, opts: PtyOptions = {}): Promise<PtyServer> {
  if (process.platform === "win32") return Promise.reject(new PtyError("Windows has no pseudo-terminals: serve the board with `espdma sim --tcp HOST:PORT` instead.", "ENOPTY"));
  var link = opts.link ? path.resolve(opts.link) : undefined;
  try {
    if (link) checkLinkFree(link);
    var pty = openPty();
  } catch (e) {
    return Promise.reject(e);
  }
  var master = pty.master;
  var shared = new SharedArrayBuffer(4);
  repl.runtime.setInterruptSource(new Int32Array(shared));
  var worker = new Worker(new URL("./pty-worker.mjs", import.meta.url), { workerData: { interrupt: shared, master, path: pty.path } });
  var closeMaster = () => { if (master >= 0) { try { fs.closeSync(master); } catch (e) { /* closed */ } master = -1; } };
  var connected = false, hangups = 0, held = false;
  var off = repl.onOutput((b) => {
    // A board whose input stays full sends no XON, even when its REPL has caught up.
    if (held && b.includes(XON)) b = Buffer.from(b.filter((c) => c !== XON));
    if (b.length) worker.postMessage({ t: "out", d: b });
  });
  var changes: ((c: "connect" | "hangup") => void)[] = [];
  var onClosed: (() => void) | null = null;
  return new Promise((resolve, reject) => {
    var started = false;
    worker.on("error", (e) => { off(); closeMaster(); if (!started) reject(e); });
    worker.on("message", (m: any) => {
      if (m.t === "in") repl.receive(Buffer.from(m.d));
      else if (m.t === "connect" || m.t === "hangup") {
        connected = m.t === "connect";
        if (!connected) hangups++;
        var cs = changes;
        changes = [];
        for (const f of cs) f(m.t);
      } else if (m.t === "closed") { if (onClosed) onClosed(); }
      else if (m.t === "error") {
        // The master failed: to the host the device is gone, as after an unplug.
        off();
        closeMaster();
        worker.terminate();
      } else if (m.t === "started") {
        started = true;
        try {
          if (link) makeLink(link, pty.path);
        } catch (e: any) {
          off();
          worker.terminate().then(closeMaster);
          reject(new PtyError("Cannot link " + link + " to " + pty.path + " (" + (e.code || e.message) + "): pick another --link name.", "ELINK"));
          return;
        }
        resolve({
          path: pty.path,
          link,
          get connected() { return connected; },
          get hangups() { return hangups; },
          nextChange: () => new Promise((res) => changes.push(res)),
          holdInput(on: boolean) {
            if (on === held) return;
            held = on;
            if (on) repl.output(Buffer.from([XOFF]));
            worker.postMessage({ t: "hold", on });
            if (!on) repl.output(Buffer.from([XON]));
          },
          close: () => new Promise<void>((res) => {
            off();
            if (link) removeLink(link, pty.path);
            var t = setTimeout(() => finish(), 2000);
            // Closing the master hangs up the host's end: to it the device is gone.
            var finish = () => { clearTimeout(t); onClosed = null; worker.terminate().then(closeMaster, closeMaster).then(() => res()); };
            onClosed = finish;
            worker.postMessage({ t: "close" });
          }),
        });
      }
    });
  });
}

/** A new pty in raw mode without echo (a USB CDC port has no line discipline of its own; the
 * host sets what it wants), with no slave left open here: the master reads EIO until a host
 * opens it. */
function openPty(): { master: number; path: string } {
  var native: { open(cols: number, rows: number): { master: number; slave: number; pty: string } };
  try {
    native = createRequire(import.meta.url)("@lydell/node-pty/requireBinary").requireBinary("pty.node");
  } catch (e: any) {
    throw new PtyError("Cannot load the pseudo-terminal support (" + String(e && e.message || e).split("\n")[0] + "): run `npm install` again (it brings @lydell/node-pty's prebuilt binary), or serve the board with --tcp.", "ENOPTY");
  }
  var t = native.open(80, 24);
  // Default termios echo what the master writes back into it: the board would read its own
  // output (and a REPL echoing it, forever). stty is in every Linux and macOS base system.
  // Found by its usual path too: a PATH that holds only node (a minimal container) still has it.
  var stty = ["/bin/stty", "/usr/bin/stty"].find((p) => fs.existsSync(p)) ?? "stty";
  var r = spawnSync(stty, [process.platform === "darwin" ? "-f" : "-F", t.pty, "raw", "-echo"], { encoding: "utf8" });
  fs.closeSync(t.slave);
  if (r.status !== 0) {
    fs.closeSync(t.master);
    throw new PtyError("Cannot set " + t.pty + " to raw mode with stty (" + (r.error ? r.error.message : r.stderr.trim()) + "): install coreutils, or serve the board with --tcp.", "ENOPTY");
  }
  return { master: t.master, path: t.pty };
}

/** The link may replace an old symbolic link (a sim that was killed), never another file. */
function checkLinkFree(link: string): void {
  var st: fs.Stats | null = null;
  try { st = fs.lstatSync(link); } catch (e) { /* free */ }
  if (st && !st.isSymbolicLink()) throw new PtyError("Cannot link " + link + " to the pty: a file of that name exists and is not a link. Pick another --link name.", "ELINK");
  if (!fs.existsSync(path.dirname(link))) throw new PtyError("Cannot link " + link + " to the pty: the folder " + path.dirname(link) + " does not exist.", "ELINK");
}

function makeLink(link: string, target: string): void {
  var tmp = link + ".espdma-" + process.pid;
  try { fs.unlinkSync(tmp); } catch (e) { /* none */ }
  fs.symlinkSync(target, tmp);
  // rename replaces an old link in one step: a tool opening the name never finds it missing.
  fs.renameSync(tmp, link);
}

function removeLink(link: string, target: string): void {
  try {
    if (fs.readlinkSync(link) === target) fs.unlinkSync(link);
  } catch (e) { /* gone already */ }
}
