// Upload speed over a virtual serial line: `espdma flash` (host/cli/commands.ts flash()) and
// Espruino's own CLI (npm `espruino`), each against a fresh virtual Pico served on TCP
// (serveTcp, timers in real time as on a board) behind the same relay paced at 115200 baud.
// What is timed is the link session, from the client's connection to the last byte delivered
// in either direction: the CLI's Node start-up and its 500 ms wait for silence before exiting
// are not counted; espdma's CRC check, boot-file switch and load() are.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { serveTcp, VirtualBoard } from "../virtual-board/index";
import { flash } from "../cli/commands";
import { ROOT } from "../scenarios/bundle";
import { pacedLink, LinkStats, BAUD } from "./paced-link";

export interface UploadRun {
  /** Bytes of the bundle. */
  bytes: number;
  /** Link session in ms. */
  ms: number;
  /** Bytes that crossed the line towards the board (the bundle plus the protocol around it). */
  wireBytes: number;
}

/** typeof espdma on the board: "object" once the upload ran the bundle. */
function driverType(vb: VirtualBoard): string {
  var r = vb.runtime.evaluate("typeof espdma");
  return r.ok ? String(r.value) : "an error (" + r.text + ")";
}

function sessionMs(st: LinkStats): number {
  var end = Math.max(st.lastToBoardAt, st.lastToClientAt);
  return end - st.openedAt;
}

/** A fresh virtual Pico behind the paced line: upload(url) talks to it through the line; then
 * the session is timed and the board must have the driver (typeof espdma). */
async function overPacedLine(what: string, bytes: number, upload: (url: string) => Promise<unknown>): Promise<UploadRun> {
  var srv = await serveTcp({ board: "pico", pace: "realtime" });
  var link = await pacedLink(srv.address, BAUD);
  try {
    await upload("tcp://127.0.0.1:" + link.port);
    var st = link.sessions[0];
    if (!st) throw new Error(what + " never connected");
    await st.drained;
    var ty = driverType(srv.board);
    if (ty !== "object") throw new Error("after " + what + " the board has typeof espdma = " + ty);
    return { bytes, ms: sessionMs(st), wireBytes: st.toBoard };
  } finally {
    await link.close();
    await srv.close();
  }
}

/** `espdma flash` of code to a virtual Pico over the paced line. */
export function uploadEspdma(code: string): Promise<UploadRun> {
  return overPacedLine("espdma flash", code.length, (url) => flash({ port: url }, code, {}));
}

/** `espruino --no-ble -p tcp://... file` (the CLI resets the board and sends the file's lines,
 * each behind DLE) to a virtual Pico over the paced line. */
export function uploadEspruinoCli(file: string, bytes: number, timeoutMs = 90000): Promise<UploadRun> {
  return overPacedLine("the espruino CLI upload", bytes, async (url) => {
    var cli = spawn(process.execPath, [join(ROOT, "node_modules", "espruino", "bin", "espruino-cli.js"), "--no-ble", "-p", url, file], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    var out = "";
    cli.stdout.on("data", (d) => { out += d; });
    cli.stderr.on("data", (d) => { out += d; });
    var killer = setTimeout(() => cli.kill(), timeoutMs);
    var code = await new Promise<number | null>((res) => cli.on("close", (c) => res(c)));
    clearTimeout(killer);
    if (code !== 0 || !/Upload Complete/.test(out)) throw new Error("espruino CLI exited with " + code + ": " + out.trim().split("\n").slice(-3).join(" | "));
  });
}
