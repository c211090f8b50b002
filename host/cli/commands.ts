// The actions of the `espdma` command, as library functions that tests call without the CLI.
// Each returns an exit code (0: success, 1: a test failed) or throws a CliError / LinkError
// (main.ts prints its message and exits 2).
import { writeFileSync, existsSync, readdirSync, openSync, closeSync, unlinkSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import cliProgress from "cli-progress";
import { boards, findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import { openLink, LinkTarget, parseTcp } from "../link/open";
import { LinkError } from "../link/transport";
import { crc32 } from "../link/crc32";
import { jsString } from "../link/code";
import { readCode } from "../link/code-file";
import { DLE, CTRL_C } from "../link/repl-client";
import { runScenarios, RunReport, selectScenarios } from "../scenarios/node-runner";
import { driverSource, ensureBuilt, DRIVER, DRIVER_NRF52, ROOT } from "../scenarios/bundle";
import { pathToFileURL } from "node:url";
import { servePage, ServedPage, WEB_DIR } from "./web";
import { bridgeKind, espruinoKind, usbId, ESPRUINO_USB } from "../link/ports";
import { compactReport, jsonError, jsonReport, junitReport, tableReport } from "./report";

import { CliError } from "./errors";
import { flash, removeFlash, hex8, USER_BOOT, checkFlashable } from "./flash";
export { CliError } from "./errors";
export { flash, removeFlash, SLOTS, BOOT_FILES, bootCode, hex8, FLASH_CHUNK } from "./flash";
export type { FlashResult, RemoveResult } from "./flash";

/** Where output goes; tests pass their own. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: progress bars. */
  tty: boolean;
  /** Colours in the report (default: tty). */
  color?: boolean;
  /** Width of the terminal the report must fit (default 80). */
  columns?: number;
}

/** Colour only on a terminal (or with FORCE_COLOR), and never when NO_COLOR is set to anything
 * but "" (no-color.org). */
export function wantColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  // FORCE_COLOR (as Node and chalk read it): colour into a pipe, e.g. a CI log viewer.
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return !!isTTY && env.TERM !== "dumb";
}

export const stdio: Io = {
  out: (s) => process.stdout.write(s + "\n"),
  err: (s) => process.stderr.write(s + "\n"),
  tty: !!process.stderr.isTTY,
  color: wantColor(process.stdout.isTTY),
  get columns() { return process.stdout.columns || Number(process.env.COLUMNS) || 80; },
};

export interface TargetOptions {
  /** A path, tcp://HOST:PORT, or "auto" (true: --port given without a value). */
  port?: string | true;
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
    var port = o.port === true ? "auto" : o.port;
    if (/^tcp:/.test(port) && !parseTcp(port)) throw new CliError("Bad --port " + JSON.stringify(port) + ": write tcp://HOST:PORT.");
    return { port, baud, binding: o.binding, client: o.client };
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
  /** The full table of scenarios and invariants instead of one line per scenario. */
  verbose?: boolean;
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
  var board = (o.port === true ? "auto" : o.port) ?? o.virtual ?? "pico";
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
    var driver = o.bundle ? readBundle(o.bundle, "--bundle") : undefined;
    // Not JS, not ES5, or hoisting a function: refused here, not blamed on the line later.
    if (driver !== undefined) checkFlashable(driver, o.bundle!, "Nothing was sent to the board. Use");
    if (o.junit) checkWritable(o.junit, "--junit");
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
        else if (!o.json && o.verbose) io.err("running " + s.name + " (" + (i + 1) + "/" + n + ")");
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
  else {
    var text = { color: io.color ?? io.tty, columns: io.columns };
    io.out(o.verbose ? tableReport(report, text) : compactReport(report, text));
  }
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
  /** Take espdma off the board instead (its boot file and slots). */
  remove?: boolean;
}

export async function flashCommand(o: FlashOptions, io: Io = stdio): Promise<number> {
  var t = target(o);
  if (o.board && !findBoard(o.board)) throw new CliError("Unknown board " + JSON.stringify(o.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
  if (o.remove) {
    if (o.file) throw new CliError("--remove takes espdma off the board: give it without --file.");
    var rm = await removeFlash(t);
    if (!rm.erased.length) io.out("espdma is not installed on this board (no boot file among .boot0-.boot3 runs espdma.a or espdma.b): nothing removed");
    else io.out("removed espdma: erased " + rm.erased.join(", ") + (rm.boot ? "" : " (no boot file ran them)") + "; your saved code (" + USER_BOOT + ") was not touched; the board was restarted without the driver (load())");
    if (rm.legacy) io.err(legacyHint());
    return 0;
  }
  var fb = o.board ? findBoard(o.board) : t.virtual ? findBoard(t.virtual) : undefined;
  var file = o.file ?? (fb && fb.family === "NRF52" ? DRIVER_NRF52 : DRIVER);
  if (!o.file) ensureBuilt((s) => io.err(s));
  var code = readBundle(file, "--bundle");
  // Before the port is opened: nothing reaches the board unless it would run there.
  checkFlashable(code, file);
  var bar = io.tty ? new cliProgress.SingleBar({ format: " flashing {bar} {value}/{total} bytes", stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
  if (bar) bar.start(code.length, 0);
  try {
    // A port without --board: the board names itself (BOARD) before anything is written; an
    // nRF52 board gets its own bundle, not the STM32 one.
    var codeFor = !o.file && !fb ? (b: BoardDef | undefined) => {
      if (!b || b.family !== "NRF52") return undefined;
      file = DRIVER_NRF52;
      return { code: readBundle(file, "the nRF52 bundle"), name: file };
    } : undefined;
    var r = await flash(t, code, { board: o.board, chunk: o.chunk, name: file, codeFor, onProgress: (s, total) => { if (bar) { bar.setTotal(total); bar.update(s); } } });
  } finally {
    if (bar) bar.stop();
  }
  io.out("flashed " + r.bytes + " bytes" + (file === DRIVER_NRF52 && !o.file ? " of " + relative(ROOT, file) : "") + " to " + r.file + " in " + (r.ms / 1000).toFixed(1) + " s (CRC32 " + hex8(r.crc) + " verified); runs at boot from " + r.boot + ", before your saved code (" + USER_BOOT + ", not touched)");
  return 0;
}

/** An espdma before 0.2 wrote its boot line into .bootcde: say how to drop it, never do it. */
function legacyHint(): string {
  return "note: " + USER_BOOT + " holds only the boot line an older espdma flash wrote (eval(require(\"Storage\").read(\"espdma.a\"))); if you have no saved code of your own, clear it with E.setBootCode(\"\")";
}

/** A bundle file read for upload, refusing a missing file or a directory with a clear error. */
export function readBundle(file: string, what: string): string {
  var st;
  try {
    st = statSync(file);
  } catch (e: any) {
    throw new CliError("No such file " + file + " (" + what + "): give the path of a JavaScript bundle, e.g. dist/espdma.min.js.");
  }
  if (st.isDirectory()) throw new CliError(file + " is a directory (" + what + "): give the path of a JavaScript bundle in it, e.g. " + join(file, "espdma.min.js") + ".");
  return readCode(file);
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
  if (o.json) {
    io.out(JSON.stringify(ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId, serialNumber: p.serialNumber, espruino: !!espruinoKind(p), kind: espruinoKind(p) ?? bridgeKind(p) ?? null }))));
    return 0;
  }
  if (!ports.length) { io.out("no serial ports found (is the board plugged in? An Espruino shows up as /dev/ttyACM0 on Linux)"); return 0; }
  // Espruinos first, marked; then the rest.
  var rank = (p: any) => (espruinoKind(p) ? 0 : usbId(p) ? 1 : 2);
  var sorted = ports.slice().sort((a, b) => rank(a) - rank(b));
  var w = Math.max(...sorted.map((p) => p.path.length));
  for (const p of sorted) {
    var kind = espruinoKind(p), id = usbId(p);
    io.out((kind ? "* " : "  ") + p.path.padEnd(w) + (id ? "  " + id : "") + (kind ? "  " + kind : bridgeKind(p) ? "  " + bridgeKind(p) : "") + (p.manufacturer && !kind ? "  " + p.manufacturer : "") + (p.serialNumber && kind ? "  serial " + p.serialNumber : ""));
  }
  var n = sorted.filter((p) => espruinoKind(p)).length;
  io.out(n === 1 ? "* an Espruino board: --port auto picks it" : n > 1 ? "* Espruino boards: give one with --port PATH" : "no Espruino board among them by USB ID (" + ESPRUINO_USB.map((e) => e.id).join(", ") + ")");
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
  io.out("virtual " + name + " (one client at a time) listening on tcp://" + s.address.host + ":" + s.address.port + " (espdma test --port tcp://" + s.address.host + ":" + s.address.port + ", or espruino --no-ble -p tcp://" + s.address.host + ":" + s.address.port + ")");
  return { close: () => s.close(), host: s.address.host, port: s.address.port };
}

/** `espdma web`: (re)build the page in a development checkout, serve it, print the URL. */
export async function webCommand(o: { port?: number; host?: string }, io: Io = stdio): Promise<ServedPage> {
  ensureBuilt((s) => io.err(s));
  var script = join(ROOT, "scripts", "build-web.ts");
  if (existsSync(script) && webStale()) {
    // The sources are here: serve what they build now. The compiled host (build/, which
    // bin/espdma.js runs when it is fresh) loads the TypeScript script through tsx.
    try {
      if (!/\.ts$/.test(new URL(import.meta.url).pathname)) (await import("tsx/esm/api")).register();
      var m: any = await import(pathToFileURL(script).href);
      await m.buildWeb();
    } catch (e: any) {
      if (!existsSync(join(WEB_DIR, "app.js"))) throw new CliError("Cannot build the page (" + (e && e.message || e) + "): run `npm install`, then `npm run build`.");
      io.err("espdma web: could not rebuild the page (" + (e && e.message || e) + "): serving the one in dist/web");
    }
  }
  var s = await servePage({ port: o.port, host: o.host });
  io.out("espdma web: serving " + WEB_DIR + " at " + s.url + " (Ctrl-C stops)\n  unattended: " + s.url + "?board=pico&transport=virtual&run=all");
  return s;
}

/** dist/web/app.js is missing or older than what it is built from (host, boards, the firmware
 * bundles, the build script). */
function webStale(): boolean {
  var app = join(WEB_DIR, "app.js");
  if (!existsSync(app)) return true;
  var built = statSync(app).mtimeMs, newer = false;
  var visit = (p: string): void => {
    if (newer || !existsSync(p)) return;
    var st = statSync(p);
    if (st.isDirectory()) { for (const n of readdirSync(p)) visit(join(p, n)); return; }
    if (/\.(ts|html|css|js)$/.test(p) && st.mtimeMs > built) newer = true;
  };
  for (const d of ["host", "boards", join("scripts", "build-web.ts"), join("dist", "espdma.min.js"), join("dist", "espdma-nrf52.min.js"), join("dist", "espdma-agent.min.js")]) visit(join(ROOT, d));
  return newer;
}
