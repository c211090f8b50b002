// `espdma repl`: an interactive terminal to the board. Keys go to the board as typed (raw mode,
// Ctrl-C included); Ctrl-] quits. A line that starts with "." is a local command, typed locally:
//   .dma           print the driver's decoded register dump (espdma.dump())
//   .upload FILE   send a file's code to the board (DLE lines, flow control)
// Piped input is run as typed, and the session ends once the board has answered it.
// `espdma exec CODE` (and `repl -e CODE`): run code, print what the board prints, exit.
import { readCode } from "../link/code-file";
import type { Readable, Writable } from "node:stream";
import { openLink, LinkTarget, OpenedLink } from "../link/open";
import { LinkError, Transport, latin1Text } from "../link/transport";
import { ReplClient } from "../link/repl-client";
import { relative } from "node:path";
import { findBoard } from "../../boards/index";
import { WorkerBoardTransport } from "../virtual-board/transports/worker-board";
import { driverSource, ensureBuilt, DRIVER, DRIVER_NRF52, ROOT } from "../scenarios/bundle";

export const QUIT = 0x1d; // Ctrl-]

export interface ReplIo {
  input: Readable & { setRawMode?: (on: boolean) => void; isTTY?: boolean };
  output: Writable;
}

/** A link target that may bring its own transport (the virtual board on its worker thread). */
export type ReplTarget = LinkTarget & { transport?: Transport & { idle?(): Promise<void> } };

/**
 * `espdma repl`: on a real board (--port) the session as is; on the virtual board (the default)
 * a board that has the driver as if flashed (dist/espdma.min.js, built when missing, as `test`
 * does), so `espdma` and `.dma` work at once, as on a board that was flashed. The virtual
 * board runs on a worker thread with its timers on the wall clock: Ctrl-C stops running code
 * there as on a board, and a 1 s setInterval runs once a second.
 */
export async function replCommand(t: LinkTarget, io: ReplIo, log: (s: string) => void = () => {}): Promise<void> {
  if (t.port || t.board) return replSession(t, io);
  var vt = virtualTarget(t, log);
  await replSession(vt, io, " (driver " + relative(ROOT, vt.driverFile).replace(/\\/g, "/") + " loaded as if flashed: espdma is defined)");
}

/** The virtual board of `repl` and `exec`: on a worker thread, realtime, driver loaded. */
function virtualTarget(t: LinkTarget, log: (s: string) => void): ReplTarget & { driverFile: string } {
  var name = t.virtual ?? "pico", b = findBoard(name);
  if (!b) throw new LinkError("Unknown board " + JSON.stringify(name) + ": use one of the boards `espdma boards` lists.", "EBOARD");
  ensureBuilt(log);
  var nrf = b.family === "NRF52";
  return { ...t, driverFile: nrf ? DRIVER_NRF52 : DRIVER, transport: new WorkerBoardTransport({ board: name, seed: t.seed, schedule: t.schedule, bundle: driverSource(b.family), clock: "realtime" }) };
}

async function open(t: ReplTarget): Promise<OpenedLink> {
  if (!t.transport) return openLink(t);
  var tr = t.transport;
  await tr.open();
  var client = new ReplClient(tr, t.client);
  return { client, transport: tr, close: () => client.close() };
}

/** How long the output must stay quiet after piped input ends, on a link that cannot say when
 * the board is done (a real port), before the session ends. */
const QUIET_MS = 500;

export async function replSession(t: ReplTarget, io: ReplIo, note = ""): Promise<void> {
  var link = await open(t);
  var c = link.client, out = io.output;
  var lastOut = Date.now();
  var off = link.transport.onData((b) => { lastOut = Date.now(); out.write(b); });
  var raw = !!(io.input.isTTY && io.input.setRawMode);
  if (raw) io.input.setRawMode!(true);
  var hello = "Connected to " + link.transport.description + note + ". Ctrl-] quits; .dma dumps the DMA registers; .upload FILE sends code.";
  out.write(hello + "\r\n");
  var local: string | null = null;  // a local command being typed
  var atLineStart = true;
  var busy = Promise.resolve();
  var offClose = () => {};

  async function runLocal(cmd: string): Promise<void> {
    var m = /^\.(\w+)\s*(.*)$/.exec(cmd.trim());
    try {
      if (m && m[1] === "dma") await c.sendLine('print(typeof espdma!=="undefined"&&espdma.dump?espdma.dump():"espdma is not loaded: flash it or .upload dist/espdma.min.js")');
      else if (m && m[1] === "upload" && m[2]) {
        var code = readCode(m[2]);
        await c.upload(code);
        out.write("uploaded " + code.length + " bytes\r\n");
      } else out.write("unknown local command " + JSON.stringify(cmd) + " (.dma, .upload FILE)\r\n");
    } catch (e: any) {
      out.write("error: " + e.message + "\r\n");
    }
  }

  /** Resolves once the board has answered all input sent: the virtual board says so; on a
   * port, when its output has been quiet for QUIET_MS. */
  async function drained(): Promise<void> {
    var tr = link.transport as ReplTarget["transport"];
    if (tr && tr.idle) { await tr.idle(); return; }
    await new Promise((r) => setTimeout(r, 50));
    while (Date.now() - lastOut < QUIET_MS) await new Promise((r) => setTimeout(r, QUIET_MS - (Date.now() - lastOut)));
  }

  await new Promise<void>((resolve) => {
    var done = false;
    var finish = () => { if (done) return; done = true; io.input.off("data", onKey); resolve(); };
    var onKey = (d: Buffer | string) => {
      var b = typeof d === "string" ? Buffer.from(d, "latin1") : d;
      for (var i = 0; i < b.length; i++) {
        var k = b[i];
        if (k === QUIT) return finish();
        if (local !== null) {
          if (k === 0x0d || k === 0x0a) {
            var cmd = local;
            local = null;
            atLineStart = true;
            out.write("\r\n");
            busy = busy.then(() => runLocal(cmd));
          } else if (k === 0x7f || k === 0x08) {
            local = local.slice(0, -1);
            out.write("\b \b");
            if (!local.length) local = null;
          } else if (k === 0x03) {
            local = null;
            out.write("\r\n");
          } else {
            local += String.fromCharCode(k);
            out.write(String.fromCharCode(k));
          }
          continue;
        }
        if (atLineStart && k === 0x2e) {
          local = ".";
          out.write(".");
          continue;
        }
        atLineStart = k === 0x0d || k === 0x0a || k === 0x03;
        link.transport.write(Buffer.from([k])).catch(() => {});
      }
    };
    io.input.on("data", onKey);
    // Piped input ended: let the board answer everything it was sent before leaving.
    io.input.once("end", () => { busy.then(() => drained()).then(finish, finish); });
    offClose = link.transport.onClose(() => { out.write("\r\nlink closed\r\n"); finish(); });
  });
  await busy;
  off();
  offClose();
  if (raw) io.input.setRawMode!(false);
  await link.close();
}

export interface ExecOptions {
  /** Keep printing the board's output this long after the code ran (its timers), ms. */
  waitMs?: number;
  /** Longest the code may run before exec gives up, ms (default 20000). */
  timeoutMs?: number;
}

/**
 * `espdma exec CODE`: get a prompt, turn the echo off (no prompt, no `=value`: only what the
 * code prints comes back), send the code as DLE lines as Espruino's tools send code, print what
 * the board prints while it runs, then for waitMs more, and turn the echo back on. Exit code 1
 * when the board printed an uncaught error or the code was interrupted (Ctrl-C), else 0 (a link
 * failure throws: exit code 2).
 */
export async function execCommand(t: LinkTarget, code: string, o: ExecOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  var target: ReplTarget = t.port || t.board ? t : virtualTarget(t, io.err);
  var link = await open(target);
  var c = link.client;
  var id = "<ESPDMA_EXEC_" + process.pid + "_" + Date.now(), ready = id + "_READY>\r\n", end = id + "_END>\r\n";
  var text = "", phase = 0, shown = 0, failed = false;
  var flush = (upto: number) => {
    var part = text.slice(shown, upto).replace(/[\x11\x13]/g, "");
    shown = Math.max(shown, upto);
    if (!part) return;
    if (/Uncaught |Execution Interrupted/.test(part)) failed = true;
    io.out(part.replace(/\r\n/g, "\n").replace(/\n$/, ""));
  };
  var off = link.transport.onData((b) => {
    text += latin1Text(b);
    if (phase === 0) {
      var r = text.indexOf(ready);
      if (r < 0) return;
      text = text.slice(r + ready.length);
      phase = 1;
    }
    if (phase === 1) {
      var e = text.indexOf(end);
      if (e >= 0) { flush(e); text = text.slice(e + end.length); shown = 0; phase = 2; }
    }
    // Whole lines only (the markers never reach the user, nor a line cut in two).
    flush(text.lastIndexOf("\n") + 1);
  });
  try {
    await c.sync();
    await c.sendLine('echo(0);print("' + ready.slice(0, -2) + '")');
    await c.sendLine(code.replace(/\r\n?/g, "\n"));
    await c.sendLine('print("' + end.slice(0, -2) + '")');
    var ms = o.timeoutMs ?? 20000, limit = Date.now() + ms;
    while (phase < 2 && Date.now() < limit) await new Promise((r) => setTimeout(r, 10));
    if (phase < 2) {
      io.err("espdma exec: the code was still running after " + ms + " ms: stopped it with Ctrl-C");
      failed = true;
      await link.transport.write("\x03");
      await new Promise((r) => setTimeout(r, 500));
    } else if (o.waitMs) await new Promise((r) => setTimeout(r, o.waitMs));
    flush(text.length);
    await c.sendLine("echo(1)");
    return failed ? 1 : 0;
  } finally {
    off();
    await link.close();
  }
}
