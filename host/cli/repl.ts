// `espdma repl`: an interactive terminal to the board. Keys go to the board as typed (raw mode,
// Ctrl-C included); Ctrl-] quits. A line that starts with "." is a local command, typed locally:
//   .dma           print the driver's decoded register dump (espdma.dump())
//   .upload FILE   send a file's code to the board (DLE lines, flow control)
import { readCode } from "../link/code";
import type { Readable, Writable } from "node:stream";
import { openLink, LinkTarget } from "../link/open";
import { relative } from "node:path";
import { createVirtualBoard, resolveBoard } from "../virtual-board/index";
import { driverSource, ensureBuilt, DRIVER, DRIVER_NRF52, ROOT } from "../scenarios/bundle";

export const QUIT = 0x1d; // Ctrl-]

export interface ReplIo {
  input: Readable & { setRawMode?: (on: boolean) => void; isTTY?: boolean };
  output: Writable;
}

/**
 * `espdma repl`: on a real board (--port) the session as is; on the virtual board (the default)
 * a board that has the driver as if flashed (dist/espdma.min.js, built when missing, as `test`
 * does), so `espdma` and `.dma` work at once, as on a board that was flashed.
 */
export async function replCommand(t: LinkTarget, io: ReplIo, log: (s: string) => void = () => {}): Promise<void> {
  if (t.port || t.board) return replSession(t, io);
  ensureBuilt(log);
  var b = resolveBoard(t.virtual ?? "pico");
  var vb = createVirtualBoard({ board: b, seed: t.seed, schedule: t.schedule, bundle: driverSource(b.family) });
  try {
    await replSession({ ...t, board: vb }, io, " (driver " + relative(ROOT, b.family === "NRF52" ? DRIVER_NRF52 : DRIVER).replace(/\\/g, "/") + " loaded as if flashed: espdma is defined)");
  } finally {
    vb.close();
  }
}

export async function replSession(t: LinkTarget, io: ReplIo, note = ""): Promise<void> {
  var link = await openLink(t);
  var c = link.client, out = io.output;
  var off = link.transport.onData((b) => out.write(b));
  var raw = !!(io.input.isTTY && io.input.setRawMode);
  if (raw) io.input.setRawMode!(true);
  out.write("Connected to " + link.transport.description + note + ". Ctrl-] quits; .dma dumps the DMA registers; .upload FILE sends code.\r\n");
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

  await new Promise<void>((resolve) => {
    var finish = () => { io.input.off("data", onKey); resolve(); };
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
    io.input.once("end", finish);
    offClose = link.transport.onClose(() => { out.write("\r\nlink closed\r\n"); finish(); });
  });
  await busy;
  off();
  offClose();
  if (raw) io.input.setRawMode!(false);
  await link.close();
}
