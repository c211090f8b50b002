// `espdma flash` (shared by the CLI, flash.ts, and the page: the link is opened by the caller's `open`): the driver goes into one of two Storage slots and runs at boot from a boot
// file of its own, one of .boot0 .. .boot3, which Espruino runs before the user's saved code
// (.bootcde, written by save() / the Web IDE / E.setBootCode, is never touched); see
// espruino.com/Saving and jsfLoadBootCodeFromFlash in Espruino's src/jsflash.c.
import { boards, findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import type { LinkTarget, OpenedLink } from "../link/open";
import { LinkError } from "../link/transport";
import { crc32 } from "../link/crc32";
import { jsString } from "../link/code";
import { DLE, CTRL_C } from "../link/repl-client";
import { checkBundle } from "../../scripts/bundle-rules";
import { CliError } from "./errors";

export interface FlashResult {
  bytes: number;
  ms: number;
  crc: number;
  /** The slot written. */
  file: string;
  /** The boot file that runs it (.boot0 .. .boot3). */
  boot: string;
}

/** Where the bundle lives in Storage: two slots, so the one that boots is never half-written. */
export const SLOTS = ["espdma.a", "espdma.b"];
/** The boot files Espruino runs in order before .bootcde (all builds, 2v00 and later). */
export const BOOT_FILES = [".boot0", ".boot1", ".boot2", ".boot3"];
/** Where the user's own saved code lives: espdma never writes it. */
export const USER_BOOT = ".bootcde";

export function bootCode(slot: string): string {
  return 'eval(require("Storage").read(' + JSON.stringify(slot) + "));";
}

/** Refuse code that would not run on Espruino, before anything is sent: it must parse as
 * ES5 and pass the bundle gate of `npm run build` (scripts/check-bundle.ts). */
export function checkFlashable(code: string, name: string, nothing = "Nothing was written to the board. Flash"): void {
  var problems = checkBundle(code);
  if (!problems.length) return;
  var first = problems.slice(0, 3).map((p) => name + ":" + p.line + ":" + p.column + ": " + p.what).join("\n  ");
  throw new CliError("Refusing " + name + ": it would not run on Espruino (" + problems.length + " problem" + (problems.length > 1 ? "s" : "") + "):\n  " + first +
    "\n" + nothing + " a bundle built by `npm run build` (dist/espdma.min.js).");
}

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
 * The one command that prepares a flash, evaluated on the board: it finds espdma's boot file
 * (findBoot), picks the slot that file does not name, and leaves helpers, so that what follows costs few bytes on the line:
 * - c: Espruino's native E.CRC32 (the standard CRC-32 over the bytes, jswrap_espruino.c), or
 *   0 where it is missing (the host then sends BOARD_CRC);
 * - w(offset, data, size): write a chunk into the slot (the size with the first: a new file of
 *   that size, Espruino's Storage.write); a throw is kept for v() to report, as chunks are sent
 *   without waiting for an answer;
 * - v(crc, load): CRC of the slot; only if it is the expected one, the boot file is switched to
 *   the slot (bootCode()) and read back, and only then the old slot erased and (load) load()
 *   run, which Espruino does after the command. Idempotent, so a garbled answer can be asked
 *   again.
 * Answers [BOARD, free Storage bytes, slot, native CRC, boot file or ""]. Nothing in it throws on an Espruino,
 * so it goes without eval's try/catch wrapper (bare), 85 bytes less.
 */
function flashSetup(): string {
  return guarded(flashHelpers());
}

/** Board code sent as a string with its CRC and run by eval only if it arrived intact (where
 * E.CRC32 exists): noise that leaves valid code (a changed file name, a changed comparison)
 * must not act on Storage, e.g. pick the slot the boot file runs or erase another file. */
function guarded(src: string): string {
  return "(function(c,k){return E.CRC32&&E.CRC32(c)!==k?0:eval(c)})(" + jsString(src) + "," + crc32(src) + ")";
}

function flashHelpers(): string {
  return "(function(){" + findBoot() + "s=n.indexOf(A)<0?A:Z,o=s==A?Z:A," +
    "b=q(s),e=null,C=E.CRC32,H;" +
    "H=global." + HELPER + "={c:C||0," +
    "w:function(f,d,L){try{S.write(s,d,f,L)}catch(x){e=e||x+\" at \"+f}}," +
    "v:function(k,L){var r={c:H.c(S.read(s)||\"\"),e:e};e=null;if(r.c!==k||r.e)return r;" +
    "S.write(B,b);r.b=S.read(B)===b;if(r.b){S.erase(o);if(L)load()}return r}};" +
    "return[process.env.BOARD,S.getFree(),s,!!H.c,B]})()";
}

/** Board code (inside a function, ending in the middle of a `var` list): S = Storage, A/Z the
 * slots, q(slot) the boot line, B the boot file that holds espdma's boot line, or else the first
 * of .boot0-.boot3 that does not exist ("" when all four hold other code), n its content. */
export function findBoot(): string {
  return "var A=" + JSON.stringify(SLOTS[0]) + ",Z=" + JSON.stringify(SLOTS[1]) + ",S=require(\"Storage\")," +
    "q=function(x){return'eval(require(\"Storage\").read(\"'+x+'\"));'},B=\"\",F=\"\",n=\"\",i,t;" +
    "for(i=0;i<4;i++){t=S.read(\".boot\"+i);if(t===undefined){if(!F)F=\".boot\"+i}else if(t==q(A)||t==q(Z)){B=\".boot\"+i;n=t;break}}" +
    "B=B||F;var ";
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
export interface FlashOptions {
  /** How to reach the board (Node: openLink, flash.ts; the page: its transport). */
  open: (t: LinkTarget) => Promise<OpenedLink>;
  board?: string;
  chunk?: number;
  onProgress?: (sent: number, total: number) => void;
  load?: boolean;
  name?: string;
  /** The bundle for the board the port turns out to be (its BOARD): replaces `code` when it
   * returns one (flash --port without --bundle: the nRF52 boards get their own bundle). */
  codeFor?: (board: BoardDef | undefined) => { code: string; name: string } | undefined;
}

export async function flash(t: LinkTarget, code: string, opts: FlashOptions): Promise<FlashResult> {
  checkFlashable(code, opts.name ?? "the bundle");
  var t0 = Date.now();
  var link = await opts.open(t);
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
    var info: [string, number, string, boolean, string] = await cmd(flashSetup(), Math.min(2000, c.opts.timeoutMs), "preparing the flash", true,
      (v) => Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number" && SLOTS.indexOf(v[2]) >= 0 && (v[4] === "" || BOOT_FILES.indexOf(v[4]) >= 0));
    var envBoard = info[0], free = info[1], slot = info[2], nativeCrc = info[3], boot = info[4];
    var chosen = opts.codeFor && opts.codeFor(findBoard(envBoard));
    if (chosen) { checkFlashable(chosen.code, chosen.name); code = chosen.code; }
    if (opts.board) {
      var want = findBoard(opts.board), have = findBoard(envBoard);
      if (!want) throw new CliError("Unknown board " + JSON.stringify(opts.board) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
      if (want !== have) throw new CliError("The board on " + link.transport.description + " reports BOARD=" + envBoard + ", not " + want.name + ": check the port, or drop --board.");
    }
    if (!boot) throw new CliError("All four boot files " + BOOT_FILES.join(", ") + " on the board hold other code, and espdma needs one of its own (it never touches " + USER_BOOT + ", your saved code). Remove one you do not need, e.g. require(\"Storage\").erase(\".boot3\"), and flash again. Nothing was written.");
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
        var now: string = await cmd("require(\"Storage\").read(" + JSON.stringify(boot) + ")", c.opts.timeoutMs, "reading the boot file", true, (v) => v === undefined || typeof v === "string");
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
    return { bytes: code.length, ms: Date.now() - t0, crc, file: slot, boot };
  } finally {
    await link.close();
  }
}

/** A CRC-32 as its 8 hex digits (leading zeros kept, as CRCs are usually written). */
export function hex8(n: number): string {
  return ("0000000" + (n >>> 0).toString(16)).slice(-8);
}


export interface RemoveResult {
  /** The boot file that ran espdma and was erased, or null when none did. */
  boot: string | null;
  /** Every file erased (the boot file first, then the slots). */
  erased: string[];
  /** .bootcde holds the boot line an espdma before 0.2 wrote there (left alone). */
  legacy: boolean;
}

/**
 * `espdma flash --remove`: erase espdma's boot file first (a reset after that boots without
 * the driver), then both slots, then load() so the board runs on without it. Files that are
 * not espdma's (another .bootN, .bootcde) are never touched.
 */
export async function removeFlash(t: LinkTarget, opts: { open: (t: LinkTarget) => Promise<OpenedLink>; load?: boolean }): Promise<RemoveResult> {
  var link = await opts.open(t);
  var c = link.client;
  try {
    await c.transport.write(CTRL_C);
    var src = "(function(){" + findBoot() + "r=[],u=S.read(" + JSON.stringify(USER_BOOT) + ");if(n){S.erase(B);r.push(B)}" +
      "if(S.read(A)!==undefined){S.erase(A);r.push(A)}if(S.read(Z)!==undefined){S.erase(Z);r.push(Z)}" +
      (opts.load === false ? "" : "if(r.length)load();") + "return[r,u==q(A)||u==q(Z)]})()";
    var v: any;
    for (var a = 1; ; a++) {
      try {
        v = await c.eval(guarded(src), c.opts.timeoutMs, "removing espdma's boot file and slots", { failOnUncaught: true, bare: true });
        if (Array.isArray(v) && Array.isArray(v[0]) && typeof v[1] === "boolean") break;
        throw new LinkError("Garbled answer from the board while removing espdma: " + JSON.stringify(v), "EGARBLED");
      } catch (e: any) {
        // Idempotent: asked again, it erases what is left.
        if (a >= 3 || !/^(EGARBLED|ETIMEDOUT|EREMOTE)$/.test(e.code)) throw e;
        await c.sync();
      }
    }
    var erased: string[] = v[0];
    return { boot: erased.filter((f) => BOOT_FILES.indexOf(f) >= 0)[0] ?? null, erased, legacy: v[1] };
  } finally {
    await link.close();
  }
}
