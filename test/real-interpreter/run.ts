// Runs the README examples (readme-examples.js) over the in-interpreter DMA stand-in
// (dma-standin.js) with a built bundle, loaded each way a user loads it: as text, from Storage
// (eval(require("Storage").read(f))), and at boot (from .bootcde, as `espdma flash` writes it,
// and from .boot0), on the real Espruino binary named by $ESPRUINO / $ESPRUINO_PICO and on the
// virtual board. readme-examples.out is what the real interpreter printed.
// Re-record the golden file: ESPRUINO=/path/to/espruino node --import tsx test/real-interpreter/run.ts --record
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createVirtualBoard } from "../../host/virtual-board/index";
import type { FlashFiles } from "../../host/virtual-board/runtime/storage";
import { bootCode, BOOT_FILES } from "../../host/cli/flash";

var HERE = dirname(fileURLToPath(import.meta.url));
export var GOLDEN = join(HERE, "readme-examples.out");
var standin = () => readFileSync(join(HERE, "dma-standin.js"), "utf8");
var examples = () => readFileSync(join(HERE, "readme-examples.js"), "utf8");

/** One way of loading: the runs in order, each in a fresh interpreter (a power cycle) over one
 * Storage. A run is a program file, or text typed into the REPL (stdin: a paste or an upload,
 * line by line; Espruino runs due timers between lines), or neither (the boot files only). */
export interface Run { file?: string; stdin?: string }
/** `board`: the virtual board it runs on (default pico). */
/** `quiet`: keep the interpreter's stdin open and silent after the input (see runOnEspruino). */
export interface Way { name: string; runs: Run[]; board?: string; quiet?: boolean }

function storageWrite(file: string, text: string): string {
  return "require(\"Storage\").write(" + JSON.stringify(file) + "," + JSON.stringify(text) + ");\n";
}
var QUIT = "if (typeof quit === \"function\") quit();";
var READ = (f: string) => "eval(require(\"Storage\").read(" + JSON.stringify(f) + "));";

export function ways(bundle: string): Way[] {
  var test = standin() + "\n" + examples(), store = storageWrite("espdma.a", bundle) + storageWrite("t.js", test);
  return [
    // Pasted/uploaded: echo(0) keeps the REPL from echoing the lines back.
    // On the Pico layout the 17 KB bundle typed in as one line runs out of memory (2v29 with
    // 5,100 variables: OUT OF MEMORY at the end of the bundle; test/conformance/golden/
    // memory-bundle-text.out), on the virtual Pico as well: the text case runs on the WiFi's
    // 8,190 variables.
    { name: "as text", board: "wifi", runs: [{ stdin: "echo(0);\n" + standin() + "\n" + bundle + "\n" + examples() + "\n" }] },
    // Written in one run, evaluated in the next (a program file stays in RAM while it runs: on
    // the Pico layout one that carries the bundle as a string runs out of memory).
    { name: "from Storage (eval)", runs: [{ file: storageWrite("espdma.a", bundle) + QUIT }, { file: standin() + "\n" + READ("espdma.a") + "\n" + examples() }] },
    // What `espdma flash` leaves: a boot file of its own (.boot0) evaluates the slot, the
    // user's code in .bootcde runs after it; load() reboots into them.
    { name: "at boot from " + BOOT_FILES[0] + " as espdma flash writes it (load())", runs: [{ file: store + storageWrite(BOOT_FILES[0], bootCode("espdma.a")) + storageWrite(".bootcde", READ("t.js")) + "load();" }] },
    // Where earlier versions of espdma flash put it: in .bootcde itself.
    { name: "at boot from .bootcde (load())", runs: [{ file: store + storageWrite(".bootcde", READ("espdma.a") + READ("t.js")) + "load();" }] },
    // Power-on: a fresh interpreter over the same Storage, no program: the boot files run.
    { name: "at power-on from " + BOOT_FILES[0] + " and .bootcde", runs: [{ file: store + storageWrite(BOOT_FILES[0], bootCode("espdma.a")) + storageWrite(".bootcde", READ("t.js")) + QUIT }, {}] },
  ];
}

export interface RealRun { version: string; lines: string[] }

/** Run on a real Espruino Linux binary in a fresh directory (its Storage is a file there). */
export function runOnEspruino(bin: string, way: Way): RealRun {
  var dir = mkdtempSync(join(tmpdir(), "espdma-real-"));
  var version = "", out = "";
  try {
    way.runs.forEach(function (run, i) {
      var args: string[] = [];
      if (run.file !== undefined) {
        writeFileSync(join(dir, "p" + i + ".js"), run.file);
        args.push("p" + i + ".js");
      }
      // The Linux build ignores SIGTERM and spins at the end of stdin: the programs quit(),
      // and a stuck one is killed.
      // At the end of its stdin the Linux build reads bytes 0xff into its input line, which
      // grows by about a block a millisecond (README, Polling): a way that measures memory
      // after timers have run (`quiet`) gets a stdin that stays open and silent after the
      // input, through bash (the sleep outlives the run, holding nothing of ours open).
      var r = way.quiet && run.stdin !== undefined
        ? spawnSync("bash", ["-c", "exec \"$0\" \"$@\" < <(exec 2>/dev/null; cat; sleep 60)", bin, ...args], { cwd: dir, input: run.stdin, encoding: "latin1", timeout: 60000, killSignal: "SIGKILL", maxBuffer: 1 << 26 })
        : spawnSync(bin, args, { cwd: dir, input: run.stdin || "", encoding: "latin1", timeout: 60000, killSignal: "SIGKILL", maxBuffer: 1 << 26 });
      if (r.error) throw new Error(bin + ": " + r.error.message);
      var text = r.stdout;
      var v = / (\dv\d+(\.\d+)?) \(c\)/.exec(text);
      if (v) version = v[1];
      // Everything after the banner (its last line names the donation page).
      var at = text.indexOf("espruino.com/Donate");
      out += at >= 0 ? text.slice(text.indexOf("\n", at) + 1) : text;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { version, lines: clean(out) };
}

/** Run on the virtual Pico: each run in turn, power cycling between runs. */
export async function runOnVirtual(way: Way): Promise<string[]> {
  var out = "";
  var flash: FlashFiles | undefined;
  for (var run of way.runs) {
    var vb = createVirtualBoard({ board: way.board || "pico", flash, repl: { pace: "fast" }, onOutput: (t) => { out += t; } });
    flash = vb.runtime.flash;
    if (run.file !== undefined) vb.eval(run.file);
    if (run.stdin !== undefined) {
      vb.repl.receive(run.stdin);
      await vb.repl.settle();
    }
    vb.loop.runUntilIdle();
    vb.close();
  }
  return clean(out);
}

/** Output lines without prompts, blank lines, the echo(0) line, terminal control (Espruino
 * clears the input line before printing from a timer, ESC [ J; at the end of stdin the Linux
 * REPL reads bytes 0xff and moves its cursor back, ESC [ D) or the virtual board's banner. */
function clean(text: string): string[] {
  text = text.replace(/\x1b\[[A-Z]|[\x80-\xff]|[\x00-\x09\x0b-\x1f]/g, "");
  return text.split(/\r?\n/).map((l) => l.replace(/^>+/, "").trimEnd()).filter((l) => l !== "" && l !== "echo(0);" && !/^(=undefined|Loading from flash|Running onInit)/.test(l));
}

export function readGolden(): { header: string[]; lines: string[] } {
  var all = readFileSync(GOLDEN, "utf8").split("\n").filter((l) => l !== "");
  return { header: all.filter((l) => l.startsWith("#")), lines: all.filter((l) => !l.startsWith("#")) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  var bin = process.env.ESPRUINO;
  if (!bin) {
    console.error("set ESPRUINO to an Espruino Linux binary (see README: Real interpreter)");
    process.exit(2);
  }
  var bundle = readFileSync("dist/espdma.min.js", "utf8");
  var w = ways(bundle)[0], r = runOnEspruino(bin, w);
  if (process.argv.includes("--record")) {
    writeFileSync(GOLDEN, "# Printed by real Espruino " + r.version + " (its Linux build: " + bin + "), dist/espdma.min.js loaded " + w.name + "\n" +
      "# over test/real-interpreter/dma-standin.js. Re-record: ESPRUINO=... node --import tsx test/real-interpreter/run.ts --record\n" + r.lines.join("\n") + "\n");
    console.log("wrote " + GOLDEN);
  } else console.log(r.lines.join("\n"));
}
