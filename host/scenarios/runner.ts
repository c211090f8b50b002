// Runs scenarios on a board: uploads the driver and the agent, sends each scenario's program as
// one line, collects the framed events, and checks them against the invariants. On the virtual
// board each scenario gets a fresh board (deterministic for the seed, isolated from the others,
// and its fault injection cannot leak); on a real board the code is uploaded once.
// The same in Node and in the page: how to reach a board (open) and the code to upload (code)
// are given; node-runner.ts gives Node's (openLink, dist/ on disk), host/web the page's.
import { findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import type { LinkTarget, OpenedLink } from "../link/open";
import { LinkError } from "../link/transport";
import { crc32 } from "../link/crc32";
import { Frame, RunCollector } from "../link/frame";
import { Prng } from "../virtual-board/mcu/prng";
import { scenarios as all, findScenario } from "./catalog";
import { agentCheck, genericCheck } from "./invariants";
import type { Check, Ctx, Scenario, ScenarioResult, Trace } from "./types";

/** The code the host uploads: the driver bundle for a board family and the agent bundle,
 * as the board gets them (code.ts: non-ASCII escaped). */
export interface CodeSources {
  driver(family?: string): string;
  agent(): Promise<string>;
}

export interface RunOptions {
  target: LinkTarget;
  /** How to reach the target (Node: openLink, node-runner.ts; the page: its transports). */
  open: (t: LinkTarget) => Promise<OpenedLink>;
  /** Where the driver and agent come from (Node: dist/; the page: built in). */
  code: CodeSources;
  /** Scenario names (default: all). */
  names?: string[];
  seed?: number;
  /** Called before and after each scenario (for progress displays). */
  onStart?: (s: Scenario, index: number, total: number) => void;
  onResult?: (r: ScenarioResult, index: number, total: number) => void;
  /** Upload progress (bytes). */
  onUpload?: (sent: number, total: number) => void;
  log?: (s: string) => void;
  /** Replace the driver code (tests: a deliberately broken driver). */
  driver?: string;
  /** Applied to each program before it is sent (tests: a broken agent step). */
  mutate?: (steps: any[], s: Scenario) => any[];
}

export interface RunReport {
  board: string;
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  /** Scenarios that cannot run on this target (virtual-only ones on a real board). */
  skipped: string[];
  /** Scenarios that do not apply on this board, and why (Scenario.notFor). */
  notApplicable?: { name: string; why: string }[];
}

export class ScenarioError extends Error {}

export function selectScenarios(names?: string[]): Scenario[] {
  if (!names || !names.length) return all.slice();
  return names.map((n) => {
    var s = findScenario(n);
    if (!s) throw new ScenarioError("Unknown scenario " + JSON.stringify(n) + ". Known: " + all.map((x) => x.name).join(", "));
    return s;
  });
}

function makeCtx(board: BoardDef, seed: number, name: string): Ctx {
  // One random stream per scenario and seed, independent of which other scenarios run.
  var h = seed >>> 0;
  for (var i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x9e3779b1) >>> 0;
  var p = new Prng(h || 1);
  var rand = () => p.nextU32() / 4294967296;
  return { board, seed, rand, int: (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)) };
}

/** Upload driver + agent and check both globals exist. */
async function prepare(link: OpenedLink, o: RunOptions): Promise<BoardDef> {
  var c = link.client;
  await c.sync();
  // A real board may run code from an earlier session (a flashed driver with its timers).
  if (!link.vb) await c.resetBoard();
  var envBoard: string = await c.eval("process.env.BOARD", 3000, "asking the board's name");
  var board = findBoard(envBoard) || (o.target.virtual ? findBoard(o.target.virtual) : undefined);
  if (!board) throw new LinkError("The board reports BOARD=" + JSON.stringify(envBoard) + ", which espdma does not know. Supported: pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2.", "EBOARD");
  var code = (o.driver ?? o.code.driver(board.family)) + "\n" + (await o.code.agent());
  var stored = await checkFits(c, code, board, !!link.vb);
  try {
    await load(c, code, board, o, !!link.vb, stored);
  } catch (e: any) {
    // Noise garbled the code: once more on a clean interpreter. Anything else (out of memory,
    // a bundle that throws) fails the same way again: report it.
    if (!e.noise) throw e;
    o.log?.("the upload arrived damaged (noise?): resetting the board and uploading again");
    await c.sync();
    await c.resetBoard();
    await load(c, code, board, o, false);
  }
  return board;
}

/** Code sent to the REPL stays in the board's RAM (function bodies are kept as text): code
 * longer than the free variable store in bytes can never load, so it is refused before the
 * upload, with the figures (process.memory(): free blocks x blocksize). The same command
 * asks what Storage's RUN_FILE holds (length and CRC-32; loadViaStorage). */
async function checkFits(c: OpenedLink["client"], code: string, board: BoardDef, virtual: boolean): Promise<Stored> {
  var m: any = await c.eval("(function(m,d){return[m.free,m.blocksize||0,d===undefined?-1:d.length,d===undefined?0:E.CRC32(d)]})(process.memory(),require(\"Storage\").read(" + JSON.stringify(RUN_FILE) + "))", 3000, "asking the board's free memory").catch(() => null);
  var free = Array.isArray(m) && typeof m[0] === "number" ? m[0] : board.espruino.vars;
  var bs = Array.isArray(m) && m[1] > 0 ? m[1] : board.espruino.blockSize;
  var bytes = free * bs;
  if (code.length <= bytes) return Array.isArray(m) && m[2] >= 0 ? { length: m[2], crc: m[3] } : undefined;
  throw new LinkError("The driver and agent are " + code.length + " bytes of code, and the " + (virtual ? "virtual " : "") + board.title + " has " + free + " free variables of " + bs +
    " bytes (" + bytes + " bytes): code uploaded to the REPL stays in RAM, so it cannot load. Use the minified bundle (npm run build: dist/espdma.min.js)" + (virtual ? "" : ", or free memory on the board (reset())") + ".", "ETOOBIG");
}

/** The Storage file the code goes through on a board where it does not fit as text. */
const RUN_FILE = "espdma.run";
/** What RUN_FILE held before the upload (undefined: no such file, or not known). */
type Stored = { length: number; crc: number } | undefined;

/** Does the code fit as one uploaded line? Espruino holds the line (9 characters a block,
 * 2v29) next to what the code keeps (about as much again, test/conformance/golden/
 * memory-bundle-text.out): driver and agent do not fit the Original's 2,756 blocks that way. */
function fitsAsText(code: string, board: BoardDef): boolean {
  return (2 * code.length) / 9 < board.espruino.vars;
}

/** Write the code to Storage in pieces and run it from there, as a flashed board runs the
 * driver: its functions' code then stays in flash. */
async function loadViaStorage(c: OpenedLink["client"], code: string, o: RunOptions, virtual: boolean, stored: Stored): Promise<void> {
  var piece = 1024, s = 'require("Storage")', f = JSON.stringify(RUN_FILE);
  // Storage survives reset(): when the file is already this code (an earlier run on this
  // board, or the suite's previous scenario), run it without writing it again.
  if (stored && stored.length === code.length && stored.crc === crc32(code)) {
    o.onUpload?.(code.length, code.length);
    await c.eval("eval(" + s + ".read(" + f + ")),1", 10000, "running the driver and agent from Storage");
    return;
  }
  try {
    for (var at = 0; at < code.length; at += piece) {
      var part = JSON.stringify(code.slice(at, at + piece));
      var cmd = s + ".write(" + f + "," + part + "," + at + (at === 0 ? "," + code.length : "") + ")";
      // Each piece is written at its offset, so a piece that noise damaged is written again.
      for (var tries = 1; ; tries++) {
        try {
          await c.eval(cmd, undefined, "writing the driver and agent to Storage");
          break;
        } catch (e: any) {
          if (e.code === "ECLOSED" || e.code === "ERESET" || tries >= 5) throw e;
          o.log?.("a piece of the upload arrived damaged (noise?): writing it again");
          // If the line is too noisy even to get the prompt back, the damage is the news.
          await c.sync().catch(() => { throw e; });
        }
      }
      o.onUpload?.(Math.min(at + piece, code.length), code.length);
    }
    // A damaged piece can still be valid JavaScript: compare the file's CRC before running it.
    var crc: number = await c.eval("E.CRC32(" + s + ".read(" + f + "))", undefined, "checking the driver and agent in Storage");
    if (crc !== crc32(code)) throw new LinkError("The driver and agent arrived damaged in Storage (CRC " + crc + ", expected " + crc32(code) + "): noise on the line? Check the cable, lower the baud rate, and retry.", "EUPLOAD");
  } catch (e: any) {
    // Noise on the line garbles a command or its data: worth one more upload (see prepare).
    if (e.code === "ECLOSED" || e.code === "ERESET") throw e;
    e.noise = true;
    // A garbled command fails in ways that name no noise ("Function "CRC72" not found!"): say
    // what is likely, on a real line (a virtual board has none).
    if (!virtual && !/noise/i.test(e.message)) e.message += " (noise on the line? Check the cable, lower the baud rate, and retry.)";
    throw e;
  }
  await c.eval("eval(" + s + ".read(" + f + ")),1", 10000, "running the driver and agent from Storage");
}

/** Send the code and check that both globals exist. */
async function load(c: OpenedLink["client"], code: string, board: BoardDef, o: RunOptions, virtual: boolean, stored?: Stored): Promise<void> {
  // What the board prints while the code loads says why a load failed (Espruino prints
  // "OUT OF MEMORY" or "Uncaught SyntaxError ..." and goes on with the next line).
  var said: string[] = [];
  var onText = (t: string) => { if (/ERROR|Uncaught|Error:|OUT OF MEMORY/.test(t)) said.push(t.replace(/^[>:]+/, "").trim()); };
  c.on("text", onText);
  try {
    if (fitsAsText(code, board)) await c.upload(code, o.onUpload);
    else await loadViaStorage(c, code, o, virtual, stored);
    var check = 'typeof espdma+","+typeof espdmaAgent', open = false;
    try {
      // A board still parsing the code answers late: wait longer than for a plain command.
      var ok: string = await c.eval(check, Math.min(10000, c.opts.timeoutMs * 2), "checking the upload");
    } catch (e: any) {
      if (e.code !== "ETIMEDOUT" && e.code !== "EGARBLED") throw e;
      // A garbled bracket leaves the board waiting for the rest of a statement, swallowing
      // our lines: Ctrl-C gets the prompt back (only now: it would interrupt code still loading).
      open = true;
      await c.sync();
      ok = await c.eval(check, 3000, "checking the upload").catch((e2: any) => {
        if (e2.code === "ECLOSED" || e2.code === "ERESET") throw e2;
        return "(no readable answer: " + e2.code + ")";
      });
    }
  } finally {
    c.off("text", onText);
  }
  if (ok !== "object,object") {
    // Signs of damage on the way, not of a bundle that cannot load: worth one more upload.
    // An in-process board has no line: what it said is the code's own fault.
    var noise = !virtual && (open || !said.length || said.some((l) => /SyntaxError/.test(l)));
    if (open) said.push("the board was left waiting for the end of a statement (" + (virtual ? "an unclosed bracket or quote in the bundle" : "a damaged bracket or quote") + ")");
    var err: any = uploadError(ok, said, code.length, board, virtual);
    err.noise = noise && err.code === "EUPLOAD";
    throw err;
  }
}

/** Why an upload did not leave both globals on the board, and what to do about it. */
function uploadError(got: string, said: string[], bytes: number, board: BoardDef, virtual = false): LinkError {
  var what = "the board has " + got + " for espdma,espdmaAgent after the upload";
  if (said.some((l) => /Out of Memory/i.test(l))) {
    return new LinkError("The board ran out of memory loading the driver and agent (" + bytes + " bytes of code) on " + board.name + ": " + what + ". The bundle is too big for this board's variable store; build a smaller bundle (npm run build) or free memory on the board (reset()) and retry.", "ENOMEM");
  }
  if (virtual) {
    // No line, no noise: the bundle itself threw or is incomplete.
    return new LinkError("The driver bundle does not load on the virtual " + board.name + (said.length ? " (" + said[0] + ")" : "") + ": " + what + ". The bundle is broken: rebuild it (npm run build) or check the file given to --bundle (node --import tsx scripts/check-bundle.ts FILE).", "EUPLOAD");
  }
  if (said.length) {
    return new LinkError("The code failed to load (" + said[0] + "): " + what + ". Noise on the line garbles code: retry, and lower the baud rate if it persists; a bundle that fails the same way each time is broken (npm run build, node --import tsx scripts/check-bundle.ts).", "EUPLOAD");
  }
  return new LinkError("Upload incomplete: " + what + ". Noise on the line or a reset during the upload? Retry; if it persists, lower the baud rate.", "EUPLOAD");
}

/** Send one program and collect its events. */
export async function runProgram(link: OpenedLink, run: string, steps: any[], timeoutMs: number, slackMs = 5000): Promise<{ events: any[]; text: string[] }> {
  var c = link.client;
  var col = new RunCollector(run);
  var text: string[] = [];
  var onFrame = (f: Frame) => { col.add(f); check(); };
  var gone!: (msg: string) => void;
  var lost = new Promise<string>((r) => (gone = r));
  var onText = (t: string) => {
    if (!t.trim()) return;
    text.push(t);
    // The board no longer has the code (reset, out of memory): no event will come.
    if (/"?espdma(Agent)?"? is not defined|Uncaught SyntaxError/.test(t)) gone(t.trim().replace(/^>/, ""));
  };
  var onReject = (r: any) => { col.rejected.push(r); };
  var resolve!: () => void;
  var finished = new Promise<void>((r) => (resolve = r));
  // The agent prints all its lines at the end, "done" last: once "done" is in, a missing line
  // is lost for good (noise), so wait only a short grace for lines still in the pipe.
  var lostLines!: () => void;
  var incomplete = new Promise<"incomplete">((r) => (lostLines = () => r("incomplete")));
  var grace: ReturnType<typeof setTimeout> | undefined;
  var check = () => {
    if (col.complete()) resolve();
    else if (col.done && !grace) grace = setTimeout(lostLines, 300);
  };
  c.on("frame", onFrame);
  c.on("text", onText);
  c.on("reject", onReject);
  var timer: ReturnType<typeof setTimeout> | undefined;
  var onReset: (() => void) | undefined, onLost: ((e: LinkError) => void) | undefined;
  // The link going away (unplugged; a browser transport's own reason) is the error, at once;
  // listened for before the program goes out, as its answer may come before sendLine returns.
  var linkErr: LinkError | undefined;
  var closed = new Promise<"closed">((r) => c.once("lost", (onLost = (e: LinkError) => { linkErr = e; r("closed"); })));
  try {
    c.mark();
    await c.sendLine("espdmaAgent.run(" + JSON.stringify({ run, steps, timeoutMs }) + ")");
    var budget = timeoutMs + slackMs + steps.length * 20;
    var timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), budget)));
    var reset = new Promise<"reset">((r) => c.once("reset", (onReset = () => r("reset"))));
    var how = await Promise.race([finished.then(() => "ok" as const), timedOut, reset, incomplete, lost, closed]);
    if (how === "closed") throw linkErr!;
    if (how === "incomplete" && col.complete()) how = "ok";
    if (how !== "ok" && how !== "reset" && how !== "timeout" && how !== "incomplete") throw new LinkError("The board lost the driver or the agent (" + how + "): was it reset? Run the command again.", "ELOST");
    if (how === "reset") throw new LinkError("The board reset while running scenario program " + run + ": it lost the driver. Check power and retry.", "ERESET");
    if (how === "timeout" || how === "incomplete") {
      if (col.done) throw new LinkError("Event line(s) " + col.missing().join(",") + " of " + run + " never arrived intact (" + col.rejected.length + " rejected: " + (col.rejected[0] ? col.rejected[0].why : "none") + "): noise or lost bytes on the line. Retry; lower the baud rate if it persists.", "ELOST");
      var said = text.filter((l) => l.trim() && l.trim() !== ">").slice(-2).map((l) => l.trim().slice(0, 200));
      throw new LinkError("The agent did not finish program " + run + " within " + budget + " ms (" + col.ordered().length + " events so far; " + col.rejected.length + " garbled lines" + (said.length ? "; the board printed " + JSON.stringify(said.join(" / ")) : "") + "). Is the board hung? Press reset and retry.", "ETIMEDOUT");
    }
    return { events: col.ordered(), text };
  } finally {
    if (timer) clearTimeout(timer);
    if (grace) clearTimeout(grace);
    if (onReset) c.off("reset", onReset);
    if (onLost) c.off("lost", onLost);
    c.off("frame", onFrame);
    c.off("text", onText);
    c.off("reject", onReject);
  }
}

function judge(s: Scenario, t: Trace, ctx: Ctx): Check[] {
  var checks: Check[] = [agentCheck(t, s.name === "stuck-stream")];
  for (const id of s.invariants) checks.push(genericCheck(id, t, s));
  checks.push(...s.expect(t, ctx));
  return checks;
}

/** Run one scenario on an open link (driver and agent uploaded). */
export async function runOne(link: OpenedLink, board: BoardDef, s: Scenario, seed: number, o: RunOptions, index: number): Promise<ScenarioResult> {
  var t0 = Date.now();
  var ctx = makeCtx(board, seed, s.name);
  var vb = link.vb;
  var undo: (() => void) | void = undefined;
  var vBefore = vb ? vb.mcu.violations.length : 0;
  try {
    var steps = s.program(ctx);
    // EasyDMA moves 16-bit SAADC samples: buffers at even addresses (firmware/drivers/nrf52.ts).
    if (board.nrf52) steps = steps.map((x) => (x.op === "alloc" ? { ...x, align: 4 } : x));
    if (o.mutate) steps = o.mutate(steps, s);
    if (vb && s.setup) undo = s.setup(vb, ctx);
    var r = await runProgram(link, "r" + index + "s" + seed, steps, s.timeoutMs ?? 5000);
    var trace: Trace = { board, events: r.events, text: r.text };
    if (vb) {
      if (undo) { undo(); undo = undefined; }
      // Let anything still pending (a stray write after the program) happen before judging.
      await vb.repl.settle(50);
      trace.violations = vb.mcu.violations.slice(vBefore).map((v) => ({ kind: v.kind, addr: v.addr, source: v.source, detail: v.detail }));
      trace.timersAfter = vb.loop.pending();
      trace.liveAt = (addr) => { var b = vb!.mcu.heap.blockAt(addr); return !!b && b.live; };
    }
    var checks = judge(s, trace, ctx);
    return { name: s.name, title: s.title, passed: checks.every((c) => c.passed), invariants: checks, ms: Date.now() - t0, events: r.events };
  } catch (e: any) {
    if (!(e instanceof LinkError)) throw e;
    return { name: s.name, title: s.title, passed: false, invariants: [], ms: Date.now() - t0, error: e.message };
  } finally {
    if (undo) undo();
  }
}

/** Run the selected scenarios on the target. Throws LinkError when the board cannot be reached. */
export async function runSuite(o: RunOptions): Promise<RunReport> {
  var list = selectScenarios(o.names);
  var seed = o.seed ?? 1;
  var virtual = !o.target.port && !o.target.transport;
  var results: ScenarioResult[] = [], skipped: string[] = [];
  var boardName = "";
  var shared: OpenedLink | null = null, sharedBoard: BoardDef | null = null, dirty = false;
  // Each virtual scenario gets a new board; it keeps the Storage file the first one wrote, as
  // one real board would, so the driver and agent are written to flash once per suite.
  var storage: Record<string, Uint8Array> | undefined;
  // Virtual-only scenarios need the in-process board's fault injection: not on a port.
  var runnable = list.filter((s) => virtual || !s.virtualOnly);
  for (const s of list) if (runnable.indexOf(s) < 0) skipped.push(s.name);
  // Scenarios that cannot apply on the board (said why): known up front for a virtual board,
  // after the board names itself for a real one.
  var notApplicable: { name: string; why: string }[] = [];
  var applies = (b: BoardDef | undefined) => {
    runnable = runnable.filter((s) => {
      var why = b && s.notFor ? s.notFor(b) : undefined;
      if (why) notApplicable.push({ name: s.name, why });
      return !why;
    });
  };
  if (virtual) applies(findBoard(o.target.virtual ?? "pico"));
  try {
    if (!virtual && runnable.length) {
      // A real board: connect and upload once, before the first scenario is announced (a port
      // that does not open is not a failure of memcpy-ok).
      o.log?.("connecting to " + (o.target.port ?? o.target.transport!.description));
      shared = await o.open(o.target);
      sharedBoard = await prepare(shared, o);
      boardName = sharedBoard.name;
      applies(sharedBoard);
    }
    for (var i = 0; i < runnable.length; i++) {
      var s = runnable[i];
      if (o.onStart) o.onStart(s, i, runnable.length);
      var link: OpenedLink, board: BoardDef;
      if (virtual) {
        link = await o.open({ ...o.target, schedule: s.schedule ?? o.target.schedule, seed, storage });
        try {
          board = await prepare(link, o);
          boardName = board.name;
          var file = !storage && link.vb ? link.vb.runtime.flash.files.get(RUN_FILE) : undefined;
          if (file) storage = { [RUN_FILE]: file.slice() };
          var r = await runOne(link, board, s, seed, o, i);
        } finally {
          await link.close();
        }
      } else {
        // After a failed scenario the board may hold half a line: get a clean prompt first.
        if (dirty) await shared!.client.sync();
        var r = await runOne(shared!, sharedBoard!, s, seed, o, i);
        dirty = !!r.error;
      }
      results.push(r);
      if (o.onResult) o.onResult(r, i, runnable.length);
    }
  } finally {
    if (shared) await shared.close();
  }
  var passed = results.filter((r) => r.passed).length;
  return { board: boardName || (o.target.virtual ?? "pico"), scenarios: results, passed, failed: results.length - passed, skipped, notApplicable };
}
