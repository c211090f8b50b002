// The conformance suite: small Espruino programs (programs/*.js) and the output the real
// interpreter printed for each (golden/*.out, with the interpreter in the header). Programs
// run as the Linux build runs `espruino -e "<program>"`: the program, then its timers; an
// uncaught error at the top level ends the run. `interrupt()` is the Linux build's own
// native (targets/linux/main.c): it raises the interrupt a Ctrl-C raises on a board.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, openSync, readSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createMcu } from "../../host/virtual-board/mcu/index";
import { findBoard } from "../../boards/index";
import { EventLoop } from "../../host/virtual-board/event-loop";
import { Runtime } from "../../host/virtual-board/runtime/runtime";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PROGRAMS = join(HERE, "programs");
export const GOLDEN = join(HERE, "golden");

export function programs(): string[] {
  return readdirSync(PROGRAMS).filter((f) => f.endsWith(".js")).sort().map((f) => f.slice(0, -3));
}

/** A program's text. A line `// @include path` (from the repository root) is replaced by
 * that file, so a program can load the built bundle as an upload would; `// @include-json
 * NAME path` by a variable holding the file as a string. */
export function source(name: string): string {
  var text = readFileSync(join(PROGRAMS, name + ".js"), "utf8");
  var read = (file: string) => readFileSync(join(HERE, "..", "..", file), "latin1").replace(/\n$/, "");
  // `// @include-json NAME path`: `var NAME = "<the file as a string literal>";`
  text = text.replace(/^\/\/ @include-json (\S+) (\S+)$/gm, (_m, name, file) => "var " + name + " = " + JSON.stringify(read(file)) + ";");
  return text.replace(/^\/\/ @include (\S+)$/gm, (_m, file) => read(file));
}

/** What to compare, from the Linux build's console output. Only what is not the program's
 * behaviour is removed: the banner (up to the Donate line); the bytes its REPL echoes while it
 * reads end-of-file from /dev/null (0xf7, cursor-left, erase-line, which also eat the prompt
 * line) and the `>` prompts it prints between events; carriage returns. */
export function normalise(raw: string): string {
  var s = raw.replace(/\r/g, "");
  var d = s.indexOf("espruino.com/Donate\n");
  if (d >= 0) s = s.slice(d + "espruino.com/Donate\n".length).replace(/^\n/, "");
  s = s.replace(/\xf7/g, "").replace(/\x1b\[D/g, "").replace(/\x1b\[J/g, "");
  s = s.replace(/^>+/gm, "");
  return s.replace(/\n*$/, "\n");
}

/** Run a program on a real Espruino binary, in a fresh directory (the Linux build keeps
 * Storage in a file there). */
export function runReal(bin: string, src: string): string {
  var dir = mkdtempSync(join(tmpdir(), "espdma-conf-"));
  try {
    var out: Buffer;
    try {
      out = execFileSync(bin, ["-e", src], { cwd: dir, input: "", timeout: 20000, maxBuffer: 1 << 24 });
    } catch (e: any) {
      if (!e.stdout) throw e;
      out = e.stdout; // an uncaught error exits 1: its output is the result
    }
    return normalise(out.toString("latin1"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A one-line description of a binary: version, word size, variables, block size. */
export function describe(bin: string): string {
  var fd = openSync(bin, "r"), hdr = Buffer.alloc(5);
  readSync(fd, hdr, 0, 5, 0);
  closeSync(fd);
  var bits = hdr[4] === 1 ? "32-bit" : hdr[4] === 2 ? "64-bit" : "?-bit";
  var info = runReal(bin, 'var m=process.memory();print(process.env.VERSION+" "+m.total+" "+m.blocksize)').trim().split(/\s+/);
  return "Espruino " + info[0] + ", Linux build, " + bits + ", " + info[1] + " variables, blocksize " + info[2];
}

/** Run a program on the virtual board's runtime, as the Linux build's `-e` runs it. */
export function runVirtual(src: string, board = "pico"): string {
  var def = findBoard(board)!;
  var mcu = createMcu({ board: def, seed: 1 });
  var loop = new EventLoop(mcu);
  var out: string[] = [];
  var rt = new Runtime({ mcu, loop, write: (t) => out.push(t) });
  var quit = false;
  rt.g.quit = function () { quit = true; rt.interrupt(); };
  // The native sets the interrupt flag; the code running stops at once, the event loop goes on.
  rt.g.interrupt = function () { throw rt.interruptSignal; };
  var r = rt.evaluate(src, { filename: "[raw]", print: false });
  if (!r.ok) {
    // main.c, handleErrors: the exception, then "Uncaught" again (the exception has been
    // cleared by then, so it prints undefined); an interrupt instead prints its own line.
    if (r.interrupted) { out.push("Execution Interrupted.\n"); rt.reportErrorFlags(); }
    else out.push(r.text + "\nUncaught undefined\n");
  } else if (!quit) {
    loop.runUntilIdle(60000);
  }
  return normalise(out.join(""));
}

export interface Golden { header: string[]; body: string }

/** A program whose first line is `// conformance: numbers within N%` is compared with its
 * golden file number by number within N% (memory figures: the virtual board models
 * Espruino's accounting, it does not replay it block for block), an OUT OF MEMORY trace as
 * such, and the rest exactly. */
export function tolerance(src: string): number {
  var m = /^\/\/ conformance: numbers within (\d+)%/.exec(src);
  return m ? +m[1] / 100 : 0;
}

/** null when `got` matches `want`, else why not. */
export function compare(got: string, want: string, tol: number): string | null {
  if (got === want) return null;
  if (!tol) return "differs";
  // Where exactly 2v29 runs out (which allocation, which token) is not modelled; that it runs
  // out is: an OUT OF MEMORY trace compares as such.
  var oom = (t: string) => t.replace(/OUT OF MEMORY[^]*?\n(?=Execution Interrupted)/g, "OUT OF MEMORY <trace>\n");
  got = oom(got);
  want = oom(want);
  if (got === want) return null;
  var split = (s: string) => s.split(/(-?\d+(?:\.\d+)?)/);
  var a = split(got), b = split(want);
  if (a.length !== b.length) return "differs (not only in numbers)";
  for (var i = 0; i < a.length; i++) {
    if (i % 2 === 0) { if (a[i] !== b[i]) return "differs in text: " + JSON.stringify(a[i]) + " vs " + JSON.stringify(b[i]); continue; }
    var x = +a[i], y = +b[i];
    if (Math.abs(x - y) > tol * Math.max(Math.abs(y), 10)) return "number " + x + " where the interpreter gave " + y + " (more than " + tol * 100 + "% off)";
  }
  return null;
}

export function readGolden(name: string): Golden | null {
  var text: string;
  try { text = readFileSync(join(GOLDEN, name + ".out"), "latin1"); } catch { return null; }
  var lines = text.split("\n"), header: string[] = [];
  while (lines.length && lines[0].startsWith("# ")) header.push(lines.shift()!);
  if (lines[0] === "") lines.shift();
  return { header, body: lines.join("\n") };
}

export function formatGolden(name: string, interp: string, body: string): string {
  return "# " + name + ".js, recorded with " + interp + " (espruino -e <program>)\n# normalised by test/conformance/harness.ts (banner, REPL echo, prompts removed)\n\n" + body;
}

/** Which interpreter records a program: every program is recorded on the Pico layout. */
export function interpreterFor(_name: string): string | undefined {
  return process.env.ESPRUINO_PICO;
}
