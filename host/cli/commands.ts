// The actions of the `espdma` command, as library functions that tests call without the CLI.
// Each returns an exit code (0: success, 1: a test failed) or throws a CliError / LinkError
// (main.ts prints its message and exits 2).
import { writeFileSync, readFileSync, existsSync, readdirSync } from "node:fs";
import cliProgress from "cli-progress";
import { boards, findBoard } from "../../boards/index";
import { openLink, LinkTarget, parseTcp } from "../link/open";
import { LinkError } from "../link/transport";
import { crc32 } from "../link/crc32";
import { readCode } from "../link/code";
import { runScenarios, RunReport, selectScenarios } from "../scenarios/runner";
import { driverSource, ensureBuilt, DRIVER } from "../scenarios/bundle";
import { jsonReport, junitReport, tableReport } from "./report";

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

/** Where output goes; tests pass their own. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: progress bars. */
  tty: boolean;
  /** stdout is a terminal: colours in the table (default: tty). */
  color?: boolean;
}

export const stdio: Io = {
  out: (s) => process.stdout.write(s + "\n"),
  err: (s) => process.stderr.write(s + "\n"),
  tty: !!process.stderr.isTTY,
  color: !!process.stdout.isTTY,
};

export interface TargetOptions {
  port?: string;
  baud?: string | number;
  virtual?: string;
  /** serialport binding override (tests: MockBinding). */
  binding?: any;
  /** REPL client bounds (tests shorten them). */
  client?: import("../link/repl-client").ReplClientOptions;
}

/** --port / --virtual into a LinkTarget, refusing nonsense early. */
export function target(o: TargetOptions): LinkTarget {
  if (o.port && o.virtual) throw new CliError("Give either --port or --virtual, not both.");
  var baud = o.baud === undefined ? 115200 : Number(o.baud);
  if (!Number.isInteger(baud) || baud <= 0) throw new CliError("Bad --baud " + JSON.stringify(o.baud) + ": give a number such as 115200.");
  if (o.port) {
    if (/^tcp:/.test(o.port) && !parseTcp(o.port)) throw new CliError("Bad --port " + JSON.stringify(o.port) + ": write tcp://HOST:PORT.");
    return { port: o.port, baud, binding: o.binding, client: o.client };
  }
  var name = o.virtual ?? "pico";
  if (!findBoard(name)) throw new CliError("Unknown board " + JSON.stringify(name) + ": use one of " + boards.map((b) => b.name).join(", ") + " (see `espdma boards`).");
  return { virtual: name, client: o.client };
}

// ------------------------------------------------------------------ test

export interface TestOptions extends TargetOptions {
  /** Driver bundle to upload instead of dist/espdma.min.js. */
  bundle?: string;
  scenario?: string[];
  seed?: string | number;
  json?: boolean;
  junit?: string;
}

export async function testCommand(o: TestOptions, io: Io = stdio): Promise<number> {
  var t = target(o);
  var seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new CliError("Bad --seed " + JSON.stringify(o.seed) + ": give a non-negative integer.");
  try {
    selectScenarios(o.scenario);
  } catch (e: any) {
    throw new CliError(e.message);
  }
  if (o.bundle && !existsSync(o.bundle)) throw new CliError("No such bundle " + o.bundle + ".");
  var driver = o.bundle ? readCode(o.bundle) : undefined;
  var bar: cliProgress.SingleBar | null = null;
  if (!o.json && io.tty) {
    bar = new cliProgress.SingleBar({ format: " {bar} {value}/{total} {scenario}", stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  }
  var report: RunReport;
  var done: import("../scenarios/types").ScenarioResult[] = [];
  var upT0 = 0, lastSent = 0;
  try {
    report = await runScenarios({
      target: t,
      names: o.scenario,
      seed,
      driver,
      log: (s) => { if (!o.json) io.err(s); },
      onStart: (s, i, n) => {
        if (bar) { if (i === 0) bar.start(n, 0, { scenario: s.name }); else bar.update(i, { scenario: s.name }); }
        else if (!o.json) io.err("running " + s.name + " (" + (i + 1) + "/" + n + ")");
      },
      onResult: (r, i, n) => { done.push(r); if (bar) bar.update(i + 1, { scenario: r.name }); },
      // On a real board the upload is the long part (34 KB at 115200 baud: about 3 s): say so.
      onUpload: t.port ? (sent, total) => {
        if (!upT0 || sent < lastSent) upT0 = Date.now();
        lastSent = sent;
        if (sent === total && !o.json) io.err("uploaded " + total + " bytes of driver and agent in " + ((Date.now() - upT0) / 1000).toFixed(1) + " s");
      } : undefined,
    });
  } catch (e: any) {
    // --json promises one object on stdout: a run that could not go on still gets one, with
    // the scenarios done so far and why it stopped (the message also goes to stderr).
    if (o.json) io.out(JSON.stringify({ ...jsonReport({ board: t.virtual ?? t.port ?? "", scenarios: done, passed: done.filter((r) => r.passed).length, failed: done.filter((r) => !r.passed).length, skipped: [] }), error: e && e.message ? e.message : String(e) }));
    throw e;
  } finally {
    if (bar) bar.stop();
  }
  if (o.junit) writeFileSync(o.junit, junitReport(report));
  if (o.json) io.out(JSON.stringify(jsonReport(report)));
  else io.out(tableReport(report, io.color ?? io.tty));
  return report.failed ? 1 : 0;
}

// ------------------------------------------------------------------ flash

export interface FlashOptions extends TargetOptions {
  board?: string;
  file?: string;
  chunk?: number;
}

export interface FlashResult {
  bytes: number;
  ms: number;
  crc: number;
  file: string;
}

/** Where the bundle lives in Storage: two slots, so the one that boots is never half-written. */
export const SLOTS = ["espdma.a", "espdma.b"];
const BOOT = ".bootcde";

/** Same CRC-32 as host/link/crc32.ts, sent to the board to check what it stored. Espruino's
 * native E.CRC32 is used instead (an interpreted loop over 30 KB takes seconds on a board)
 * only when it gives the standard check value for "123456789", so both sides surely agree. */
const BOARD_CRC =
  "function(s){if(typeof E!==\"undefined\"&&E.CRC32&&E.CRC32(\"123456789\")===0xCBF43926)return E.CRC32(s);" +
  "var t=[],c,n,k;for(n=0;n<256;n++){c=n;for(k=0;k<8;k++)c=c&1?0xEDB88320^(c>>>1):c>>>1;t.push(c>>>0);}" +
  "c=0xFFFFFFFF;for(n=0;n<s.length;n++)c=t[(c^s.charCodeAt(n))&255]^(c>>>8);return (c^0xFFFFFFFF)>>>0;}";

/** Marks the CRC command's bound: an interpreted CRC of 30 KB takes seconds on a board
 * (12 times the client's command bound, 60 s by default). */
const CRC_WAIT = -1;

export function bootCode(slot: string): string {
  return 'eval(require("Storage").read(' + JSON.stringify(slot) + "));";
}

/**
 * Write the bundle to the free slot in chunks, verify it by CRC read back, then switch the boot
 * file to it in one small write, verify that too, and erase the old slot. A reset at any point
 * leaves either the old boot file (pointing at the old, intact slot) or the new one.
 */
export async function flash(t: LinkTarget, code: string, opts: { board?: string; chunk?: number; onProgress?: (sent: number, total: number) => void; load?: boolean } = {}): Promise<FlashResult> {
  var t0 = Date.now();
  var link = await openLink(t);
  var c = link.client;
  /** Every command of a flash is idempotent (reads, erases, writes at an offset): on a noisy
   * line one that came back garbled is sent again, after Ctrl-C restores a clean prompt. What
   * was written is then proven by the CRC, so a retried write cannot slip through damaged. */
  async function cmd<T = any>(expr: string, ms: number, what: string): Promise<T> {
    for (var a = 1; ; a++) {
      try {
        return await c.eval<T>(expr, ms === CRC_WAIT ? c.opts.timeoutMs * 12 : Math.min(ms, c.opts.timeoutMs), what, { failOnUncaught: true });
      } catch (e: any) {
        if (a >= 3 || !/^(EGARBLED|ETIMEDOUT|EREMOTE)$/.test(e.code)) throw e;
        await c.sync();
      }
    }
  }
  try {
    await c.sync();
    var envBoard: string = await cmd("process.env.BOARD", 3000, "asking the board's name");
    if (opts.board) {
      var want = findBoard(opts.board), have = findBoard(envBoard);
      if (!want) throw new CliError("Unknown board " + JSON.stringify(opts.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
      if (want !== have) throw new CliError("The board on " + link.transport.description + " reports BOARD=" + envBoard + ", not " + want.name + ": check the port, or drop --board.");
    }
    var boot: string = await cmd('require("Storage").read(' + JSON.stringify(BOOT) + ")||\"\"", 3000, "reading the boot file");
    var slot = boot.indexOf(SLOTS[0]) >= 0 ? SLOTS[1] : SLOTS[0];
    var free: number = await cmd('require("Storage").getFree()', 3000, "asking for free Storage");
    if (free < code.length + 64) throw new CliError("Not enough Storage on the board: " + free + " bytes free, " + code.length + " needed. Free some with require('Storage').erase(name).");
    var n = opts.chunk ?? 512, crc = crc32(code), got = -1;
    await cmd("typeof (global.__espdmaCrc=" + BOARD_CRC + ")", 3000, "sending the CRC function");
    // Flash is written once between erases, so a damaged file is rewritten whole (twice at most).
    for (var attempt = 0; attempt < 2 && got !== crc; attempt++) {
      // The free slot may hold a failed earlier attempt: start from nothing.
      await cmd('require("Storage").erase(' + JSON.stringify(slot) + ")", 5000, "erasing " + slot);
      for (var off = 0; off < code.length; off += n) {
        var part = code.slice(off, off + n);
        var args = JSON.stringify(slot) + "," + JSON.stringify(part) + "," + off + (off === 0 ? "," + code.length : "");
        await cmd('require("Storage").write(' + args + ")", 5000, "writing " + slot + " at " + off);
        if (opts.onProgress) opts.onProgress(Math.min(off + n, code.length), code.length);
      }
      got = await cmd("__espdmaCrc(require(\"Storage\").read(" + JSON.stringify(slot) + "))", CRC_WAIT, "checking " + slot + " by CRC");
    }
    if (got !== crc) throw new LinkError("Verification failed: " + slot + " reads back with CRC " + (got >>> 0).toString(16) + ", expected " + crc.toString(16) + " (noise or lost bytes; written twice). The boot file was not changed: check the cable, lower the baud rate, flash again.", "EVERIFY");
    // The switch: one small write, read back; until it reads back right, retried. Before it
    // the old boot file (old slot) stands; a damaged one names no file that exists.
    var bc = bootCode(slot), back = "";
    for (var k = 0; k < 3 && back !== bc; k++) {
      await cmd('require("Storage").write(' + JSON.stringify(BOOT) + "," + JSON.stringify(bc) + ")", 5000, "switching the boot file");
      back = await cmd('require("Storage").read(' + JSON.stringify(BOOT) + ")", 3000, "reading the boot file back");
    }
    if (back !== bc) throw new LinkError("The boot file reads back wrong (" + JSON.stringify(back) + "): flash again.", "EVERIFY");
    var other = slot === SLOTS[0] ? SLOTS[1] : SLOTS[0];
    await cmd('require("Storage").erase(' + JSON.stringify(other) + ")", 3000, "erasing the old slot");
    if (opts.load !== false) {
      await c.sendLine("load()");
      await c.sync();
      var ty = await cmd("typeof espdma", 3000, "checking the driver after boot");
      if (ty !== "object") throw new LinkError("After load() the board has typeof espdma = " + ty + ": the boot file did not run the driver.", "EBOOT");
    }
    return { bytes: code.length, ms: Date.now() - t0, crc, file: slot };
  } finally {
    await link.close();
  }
}

export async function flashCommand(o: FlashOptions, io: Io = stdio): Promise<number> {
  var t = target(o);
  if (o.board && !findBoard(o.board)) throw new CliError("Unknown board " + JSON.stringify(o.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
  var file = o.file ?? DRIVER;
  if (!o.file) ensureBuilt((s) => io.err(s));
  if (!existsSync(file)) throw new CliError("No such file " + file + ".");
  var code = readCode(file);
  var bar = io.tty ? new cliProgress.SingleBar({ format: " flashing {bar} {value}/{total} bytes", stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
  if (bar) bar.start(code.length, 0);
  try {
    var r = await flash(t, code, { board: o.board, chunk: o.chunk, onProgress: (s) => { if (bar) bar.update(s); } });
  } finally {
    if (bar) bar.stop();
  }
  io.out("flashed " + r.bytes + " bytes to " + r.file + " in " + (r.ms / 1000).toFixed(1) + " s (CRC32 " + r.crc.toString(16) + " verified); runs at boot from " + BOOT);
  return 0;
}

// ------------------------------------------------------------------ boards, ports

export function boardsCommand(o: { json?: boolean }, io: Io = stdio): number {
  var rows = boards.map((b) => ({
    name: b.name, title: b.title, mcu: b.mcu, family: b.family, board: b.envBoard[0],
    dma: b.dma.map((d) => d.name + " (" + d.count + " " + (d.kind === "stream" ? "streams" : "channels") + ")").join(", "),
    ramKB: b.ram.filter((r) => r.dma).reduce((n, r) => n + r.size, 0) / 1024,
  }));
  if (o.json) io.out(JSON.stringify(rows));
  else for (const r of rows) io.out(r.name.padEnd(12) + r.title.padEnd(24) + r.mcu.padEnd(14) + r.dma + ", " + r.ramKB + " KB DMA RAM");
  return 0;
}

export interface PortsSource {
  /** serialport binding whose list() to use (tests: MockBinding); default serialport's own. */
  binding?: { list(): Promise<any[]> };
  /** Replaces the list entirely (tests: a failing list). */
  list?: () => Promise<any[]>;
  /** Device nodes by name, used when the list fails (default: /dev/ttyACM*, ttyUSB*, rfcomm*). */
  scanDev?: () => string[];
}

/** Serial devices by name only: what is left when serialport's list fails (no udevadm). */
export function scanDevNodes(dir = "/dev"): string[] {
  try {
    return readdirSync(dir).filter((n) => /^(ttyACM|ttyUSB|rfcomm|cu\.usbmodem)/.test(n)).sort().map((n) => dir + "/" + n);
  } catch (e) {
    return [];
  }
}

export async function portsCommand(o: { json?: boolean }, io: Io = stdio, src: PortsSource | (() => Promise<any[]>) = {}): Promise<number> {
  if (typeof src === "function") src = { list: src };
  var list = src.list, binding = src.binding;
  var ports: any[];
  try {
    if (!list && binding) list = () => binding!.list();
    if (!list) {
      var { SerialPort } = await import("serialport");
      list = () => SerialPort.list();
    }
    ports = await list();
  } catch (e: any) {
    // On Linux serialport's list runs `udevadm info` per device: without systemd-udev it fails.
    var why = e && e.message ? e.message.split("\n")[0] : String(e);
    var nodes = (src.scanDev ?? (() => scanDevNodes()))();
    var hint = /udevadm/.test(why) ? " On Linux the list needs udevadm (install systemd-udev / udev)." : "";
    if (!nodes.length) throw new CliError("Cannot list serial ports (" + why + ")." + hint + " You can still give a port directly: espdma test --port /dev/ttyACM0");
    io.err("espdma: cannot get port details (" + why + ")." + hint + " Serial devices by name:");
    ports = nodes.map((path) => ({ path }));
  }
  if (o.json) io.out(JSON.stringify(ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId, serialNumber: p.serialNumber }))));
  else if (!ports.length) io.out("no serial ports found (is the board plugged in? An Espruino shows up as /dev/ttyACM0 on Linux)");
  else for (const p of ports) io.out(p.path + (p.manufacturer ? "  " + p.manufacturer : "") + (p.vendorId ? "  " + p.vendorId + ":" + p.productId : ""));
  return 0;
}

// ------------------------------------------------------------------ sim

export async function simCommand(o: { board?: string; tcp?: string; seed?: string | number }, io: Io = stdio): Promise<{ close(): Promise<void>; host: string; port: number }> {
  var name = o.board ?? "pico";
  if (!findBoard(name)) throw new CliError("Unknown board " + JSON.stringify(name) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
  var a = parseTcp(o.tcp ?? "127.0.0.1:4000");
  if (!a) throw new CliError("Bad --tcp " + JSON.stringify(o.tcp) + ": write HOST:PORT, e.g. 127.0.0.1:4000.");
  var { serveTcp } = await import("../virtual-board/index");
  try {
    var s = await serveTcp({ board: name, host: a.host, port: a.port, seed: o.seed === undefined ? undefined : Number(o.seed) });
  } catch (e: any) {
    throw new CliError("Cannot listen on " + a.host + ":" + a.port + " (" + (e.code || e.message) + "): pick another port.");
  }
  io.out("virtual " + name + " listening on tcp://" + s.address.host + ":" + s.address.port + " (espdma test --port tcp://" + s.address.host + ":" + s.address.port + ", or espruino --no-ble -p tcp://" + s.address.host + ":" + s.address.port + ")");
  return { close: () => s.close(), host: s.address.host, port: s.address.port };
}
