// The actions of the `espdma` command, as library functions that tests call without the CLI.
// Each returns an exit code (0: success, 1: a test failed) or throws a CliError / LinkError
// (main.ts prints its message and exits 2).
import { writeFileSync, existsSync, readdirSync, openSync, closeSync, unlinkSync } from "node:fs";
import cliProgress from "cli-progress";
import { boards, findBoard } from "../../boards/index";
import { openLink, LinkTarget, parseTcp } from "../link/open";
import { LinkError } from "../link/transport";
import { crc32 } from "../link/crc32";
import { readCode, jsString } from "../link/code";
import { DLE, CTRL_C } from "../link/repl-client";
import { runScenarios, RunReport, selectScenarios } from "../scenarios/runner";
import { driverSource, ensureBuilt, DRIVER, DRIVER_NRF52 } from "../scenarios/bundle";
import { jsonError, jsonReport, junitReport, tableReport } from "./report";

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

/** --seed as test, sim and race take it: a non-negative integer (default `dflt`). */
export function parseSeed(v: string | number | undefined, dflt?: number): number | undefined {
  if (v === undefined) return dflt;
  var seed = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new CliError("Bad --seed " + JSON.stringify(v) + ": give a non-negative integer.");
  return seed;
}

export async function testCommand(o: TestOptions, io: Io = stdio): Promise<number> {
  var done: import("../scenarios/types").ScenarioResult[] = [];
  var board = o.port ?? o.virtual ?? "pico";
  var bar: cliProgress.SingleBar | null = null;
  var report: RunReport;
  try {
    // Everything that can refuse the run is checked before it starts (a bad --junit path
    // must not cost a whole suite), inside this try so that --json still prints its object.
    var t = target(o);
    board = t.virtual ?? t.port ?? board;
    var seed = parseSeed(o.seed, 1)!;
    try {
      selectScenarios(o.scenario);
    } catch (e: any) {
      throw new CliError(e.message);
    }
    if (o.bundle && !existsSync(o.bundle)) throw new CliError("No such bundle " + o.bundle + ".");
    if (o.junit) checkWritable(o.junit, "--junit");
    var driver = o.bundle ? readCode(o.bundle) : undefined;
    if (!o.json && io.tty) {
      bar = new cliProgress.SingleBar({ format: " {bar} {value}/{total} {scenario}", stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
    }
    var upT0 = 0, lastSent = 0;
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
    // --json promises one object on stdout: a run that could not start or go on still gets
    // one, with the scenarios done so far and why it stopped (main prints it to stderr too).
    if (o.json) io.out(JSON.stringify(jsonError(board, done, e && e.message ? e.message : String(e))));
    throw e;
  } finally {
    if (bar) bar.stop();
  }
  if (o.junit) writeFileSync(o.junit, junitReport(report));
  if (o.json) io.out(JSON.stringify(jsonReport(report)));
  else io.out(tableReport(report, io.color ?? io.tty));
  return report.failed ? 1 : 0;
}

/** Refuse a report path that cannot be written, before the run: opened for append (nothing
 * truncated), and a file this check created is removed again. */
export function checkWritable(path: string, what: string): void {
  var existed = existsSync(path);
  try {
    closeSync(openSync(path, "a"));
  } catch (e: any) {
    throw new CliError("Cannot write " + what + " " + path + " (" + (e.code || e.message) + "): give a writable file path.");
  }
  if (!existed) try { unlinkSync(path); } catch (e) { /* written after the run anyway */ }
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

/** Same CRC-32 as host/link/crc32.ts, on a board whose E.CRC32 is missing (SAVE_ON_FLASH
 * builds): an interpreted loop, which takes seconds over 30 KB. (Were a native one ever not
 * the standard CRC, the verify would fail safely: EVERIFY, boot file unchanged.) */
const BOARD_CRC =
  "function(s){var t=[],c,n,k;for(n=0;n<256;n++){c=n;for(k=0;k<8;k++)c=c&1?0xEDB88320^(c>>>1):c>>>1;t.push(c>>>0);}" +
  "c=0xFFFFFFFF;for(n=0;n<s.length;n++)c=t[(c^s.charCodeAt(n))&255]^(c>>>8);return (c^0xFFFFFFFF)>>>0;}";

var probeSeq = 0;

/** Global the flash helpers live in on the board during a flash (gone after load()). */
const HELPER = "__espdma";

/**
 * The one command that prepares a flash, evaluated on the board: it picks the slot the boot
 * file does not name, and leaves helpers, so that what follows costs few bytes on the line:
 * - c: Espruino's native E.CRC32 (the standard CRC-32 over the bytes, jswrap_espruino.c), or
 *   0 where it is missing (the host then sends BOARD_CRC);
 * - w(offset, data, size): write a chunk into the slot (the size with the first: a new file of
 *   that size, Espruino's Storage.write); a throw is kept for v() to report, as chunks are sent
 *   without waiting for an answer;
 * - v(crc, load): CRC of the slot; only if it is the expected one, the boot file is switched to
 *   the slot (bootCode()) and read back, and only then the old slot erased and (load) load()
 *   run, which Espruino does after the command. Idempotent, so a garbled answer can be asked
 *   again.
 * Answers [BOARD, free Storage bytes, slot, native CRC]. Nothing in it throws on an Espruino,
 * so it goes without eval's try/catch wrapper (bare), 85 bytes less.
 */
function flashSetup(): string {
  // Sent as a string with its CRC and run by eval only if it arrived intact (where E.CRC32
  // exists): noise that leaves valid code (a changed file name, a changed comparison) must not
  // act on Storage, e.g. pick the slot the boot file runs.
  var src = flashHelpers();
  return "(function(c,k){return E.CRC32&&E.CRC32(c)!==k?0:eval(c)})(" + jsString(src) + "," + crc32(src) + ")";
}

function flashHelpers(): string {
  var boot = JSON.stringify(BOOT);
  return "(function(){var A=" + JSON.stringify(SLOTS[0]) + ",Z=" + JSON.stringify(SLOTS[1]) + ",S=require(\"Storage\"),s=(S.read(" + boot + ")||\"\").indexOf(A)<0?A:Z,o=s==A?Z:A," +
    // bootCode(s), built on the board.
    "b='eval(require(\"Storage\").read(\"'+s+'\"));',e=null,C=E.CRC32,H;" +
    "H=global." + HELPER + "={c:C||0," +
    "w:function(f,d,L){try{S.write(s,d,f,L)}catch(x){e=e||x+\" at \"+f}}," +
    "v:function(k,L){var r={c:H.c(S.read(s)||\"\"),e:e};e=null;if(r.c!==k||r.e)return r;" +
    "S.write(" + boot + ",b);r.b=S.read(" + boot + ")===b;if(r.b){S.erase(o);if(L)load()}return r}};" +
    "return[process.env.BOARD,S.getFree(),s,!!H.c]})()";
}

export function bootCode(slot: string): string {
  return 'eval(require("Storage").read(' + JSON.stringify(slot) + "));";
}

/** Bytes of bundle per chunk line: 2 KB keeps the line overhead near 1 % and is a small
 * string for the board (about 170 variable blocks of a Pico's 5100). */
export const FLASH_CHUNK = 2048;

/**
 * Write the bundle to the free slot, verify it by CRC read back, then switch the boot file to
 * it in one small write, verify that too, and erase the old slot. A reset at any point leaves
 * either the old boot file (pointing at the old, intact slot) or the new one.
 *
 * Line budget (issue 7: >= 90 % of line rate): Ctrl-C and one set-up command (its answer is
 * the prompt probe), the chunks as bare DLE lines sent back to back (no answer each: the
 * board's XOFF paces them, as it paces Espruino's own tools), then one verify-switch-and-load
 * command with the probe that checks the driver after boot sent right behind it.
 */
export async function flash(t: LinkTarget, code: string, opts: { board?: string; chunk?: number; onProgress?: (sent: number, total: number) => void; load?: boolean } = {}): Promise<FlashResult> {
  var t0 = Date.now();
  var link = await openLink(t);
  var c = link.client;
  /** Every command of a flash is idempotent (reads, helpers, the verify-and-switch): on a
   * noisy line one that came back garbled is sent again, after Ctrl-C restores a clean prompt.
   * What was written is proven by the CRC, so a damaged write cannot slip through. */
  async function cmd<T = any>(expr: string | ((attempt: number) => string), ms: number, what: string, bare = false, valid: (v: any) => boolean = () => true, after?: () => string): Promise<T> {
    for (var a = 1; ; a++) {
      try {
        var v = await c.eval<T>(typeof expr === "string" ? expr : expr(a), ms, what, { failOnUncaught: true, bare, after: after && after() });
        // Noise can turn an answer into other valid JSON: one of the wrong shape is garbled.
        if (!valid(v)) throw new LinkError("Garbled answer from the board while " + what + " (noise on the line?): " + JSON.stringify(v), "EGARBLED");
        return v;
      } catch (e: any) {
        if (a >= 3 || !/^(EGARBLED|ETIMEDOUT|EREMOTE)$/.test(e.code)) throw e;
        await c.sync();
      }
    }
  }
  var resets = -1;
  function checkReset(): void {
    if (c.resets !== resets) throw new LinkError("The board reset during the flash: the upload was cut short. The boot file was not changed (the board still runs the code flashed before). Check its power and cable, then flash again.", "ERESET");
  }
  try {
    // Ctrl-C clears whatever was half-typed, and the set-up is the probe: when no answer
    // comes, cmd() gets a prompt the patient way (sync) and asks again.
    await c.transport.write(CTRL_C);
    resets = c.resets;
    var info: [string, number, string, boolean] = await cmd(flashSetup(), Math.min(2000, c.opts.timeoutMs), "preparing the flash", true,
      (v) => Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number" && SLOTS.indexOf(v[2]) >= 0);
    var envBoard = info[0], free = info[1], slot = info[2], nativeCrc = info[3];
    if (opts.board) {
      var want = findBoard(opts.board), have = findBoard(envBoard);
      if (!want) throw new CliError("Unknown board " + JSON.stringify(opts.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
      if (want !== have) throw new CliError("The board on " + link.transport.description + " reports BOARD=" + envBoard + ", not " + want.name + ": check the port, or drop --board.");
    }
    if (free < code.length + 64) throw new CliError("Not enough Storage on the board: " + free + " bytes free, " + code.length + " needed. Free some with require('Storage').erase(name).");
    var n = opts.chunk ?? FLASH_CHUNK, crc = crc32(code);
    var bc = bootCode(slot);
    var load = opts.load !== false;
    var verify = HELPER + ".v(" + crc + (load ? ",1" : "") + ")";
    // Behind the verify line, without waiting: a probe that answers once load() has run (the
    // helper global is gone then, the driver there). Its answer is looked for after the verify's.
    var probeId = "", probe = () => {
      probeId = "P" + ++probeSeq;
      return 'print("<#' + probeId + '#"+typeof ' + HELPER + '+typeof espdma+"#' + probeId + '#>")';
    };
    // An interpreted CRC of 30 KB takes seconds on a board: then 12 times the command bound.
    var crcMs = c.opts.timeoutMs;
    if (!nativeCrc) {
      await cmd("typeof(" + HELPER + ".c=" + BOARD_CRC + ")", c.opts.timeoutMs, "sending the CRC function", true);
      crcMs *= 12;
    }
    var r: { c: number; e: string | null; b?: boolean } = { c: -1, e: null };
    // Flash is written once between erases, so a damaged file is rewritten whole (twice at most).
    for (var attempt = 0; attempt < 2 && r.c !== crc; attempt++) {
      for (var off = 0; off < code.length; off += n) {
        var line = DLE + HELPER + ".w(" + off + "," + jsString(code.slice(off, off + n)) + (off === 0 ? "," + code.length : "") + ")\n";
        await c.writeChunked(line);
        if (opts.onProgress) opts.onProgress(Math.min(off + n, code.length), code.length);
      }
      checkReset();
      // Asked again after a garbled answer, the verify may find its helper gone: the first one
      // did switch and load(). Then the boot file says whether it switched.
      r = await cmd((a) => a === 1 ? verify : "typeof " + HELPER + "===\"object\"?" + verify + ":{c:-2,e:0}", crcMs, "checking " + slot + " by CRC and switching the boot file", true,
        // Noise can turn a key into another: the answer must have the shape v() gives.
        (v) => v !== null && typeof v === "object" && typeof v.c === "number" && "e" in v && (v.c === -2 || v.c !== crc || v.e !== null || typeof v.b === "boolean"),
        load ? probe : undefined);
      if (!r.b) checkReset(); // once switched, a restart boots the new code: the probe tells
      if (r.c === -2) {
        var now: string = await cmd("require(\"Storage\").read(" + JSON.stringify(BOOT) + ")", c.opts.timeoutMs, "reading the boot file", true, (v) => v === undefined || typeof v === "string");
        r = now === bc ? { c: crc, e: null, b: true } : { c: -1, e: "the flash helper is gone and the boot file was not switched (did the board restart?)" };
      }
    }
    if (r.c !== crc) throw new LinkError("Verification failed: " + slot + " reads back with CRC " + hex8(r.c) + ", expected " + hex8(crc) + (r.e ? " (the board said: " + r.e + ")" : " (noise or lost bytes)") + "; written twice. The boot file was not changed: check the cable, lower the baud rate, flash again.", "EVERIFY");
    if (!r.b) throw new LinkError("The boot file reads back wrong after the switch to " + slot + ": flash again.", "EVERIFY");
    if (load) {
      // No Ctrl-C here (it would interrupt the boot code still running on a real board): the
      // probe waited in the input buffer. If it ran before load() was done, or its answer was
      // lost, ask again.
      var tag = probeId, re = new RegExp("<#" + tag + "#(\\w*)#" + tag + "#>");
      var ty = await c.waitFor((t) => { var m = re.exec(t); return m ? m[1] : undefined; }, Math.min(2000, c.opts.timeoutMs), "checking the driver after boot").catch(() => "");
      var until = Date.now() + c.opts.timeoutMs;
      while (ty.indexOf("undefined") !== 0 && Date.now() <= until) {
        await new Promise((res) => setTimeout(res, 50));
        ty = await cmd("typeof " + HELPER + "+typeof espdma", c.opts.timeoutMs, "checking the driver after boot", true, (v) => typeof v === "string");
      }
      if (ty !== "undefinedobject") throw new LinkError("After load() the board has typeof espdma = " + ty.replace(/^(undefined|object)/, "") + ": the boot file did not run the driver.", "EBOOT");
    }
    return { bytes: code.length, ms: Date.now() - t0, crc, file: slot };
  } finally {
    await link.close();
  }
}

/** A CRC-32 as its 8 hex digits (leading zeros kept, as CRCs are usually written). */
export function hex8(n: number): string {
  return ("0000000" + (n >>> 0).toString(16)).slice(-8);
}

export async function flashCommand(o: FlashOptions, io: Io = stdio): Promise<number> {
  var t = target(o);
  if (o.board && !findBoard(o.board)) throw new CliError("Unknown board " + JSON.stringify(o.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
  var fb = o.board ? findBoard(o.board) : t.virtual ? findBoard(t.virtual) : undefined;
  var file = o.file ?? (fb && fb.family === "NRF52" ? DRIVER_NRF52 : DRIVER);
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
  io.out("flashed " + r.bytes + " bytes to " + r.file + " in " + (r.ms / 1000).toFixed(1) + " s (CRC32 " + hex8(r.crc) + " verified); runs at boot from " + BOOT);
  return 0;
}

// ------------------------------------------------------------------ boards, ports

export function boardsCommand(o: { json?: boolean }, io: Io = stdio): number {
  var rows = boards.map((b) => ({
    name: b.name, title: b.title, mcu: b.mcu, family: b.family, board: b.envBoard[0],
    dma: b.nrf52
      ? "EasyDMA " + b.nrf52.peripherals.map((d) => d.name + (d.espruino ? "*" : "")).join(" ") + " (*: Espruino uses it)"
      : b.dma.map((d) => d.name + " (" + d.count + " " + (d.kind === "stream" ? "streams" : "channels") + ")").join(", "),
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
    // The listing by name still answers (an empty one too): the warning goes to stderr only,
    // so `ports --json` stays parseable and the exit code says the listing worked.
    io.err("espdma: cannot get port details (" + why + ")." + hint + (nodes.length ? " Serial devices by name:" : " Looked for serial devices by name (/dev/ttyACM*, ttyUSB*, rfcomm*) instead."));
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
  var seed = parseSeed(o.seed);
  var a = parseTcp(o.tcp ?? "127.0.0.1:4000");
  if (!a) throw new CliError("Bad --tcp " + JSON.stringify(o.tcp) + ": write HOST:PORT, e.g. 127.0.0.1:4000.");
  var { serveTcp } = await import("../virtual-board/index");
  try {
    var s = await serveTcp({ board: name, host: a.host, port: a.port, seed });
  } catch (e: any) {
    throw new CliError("Cannot listen on " + a.host + ":" + a.port + " (" + (e.code || e.message) + "): pick another port.");
  }
  io.out("virtual " + name + " listening on tcp://" + s.address.host + ":" + s.address.port + " (espdma test --port tcp://" + s.address.host + ":" + s.address.port + ", or espruino --no-ble -p tcp://" + s.address.host + ":" + s.address.port + ")");
  return { close: () => s.close(), host: s.address.host, port: s.address.port };
}
