// Variable blocks the bundle keeps on the Pico layout (process.memory().usage, which collects
// garbage first): before loading, after loading it as text (typed into the REPL, as a paste or
// an upload does) or from Storage (eval(require("Storage").read(f)), as the boot file does),
// or as a Storage module (require("espdma"), Storage file "espdma", as Espruino's module loader
// does), after the first requestChannel(), and after one 64-byte memcpy (prep, submit, issue,
// its callback; the two buffers are counted apart, as "bufs"). Measured on the real interpreter named by
// $ESPRUINO_PICO (Espruino built with the Pico's 5,100 variables of 13 bytes) and on the
// virtual Pico, side by side. The DMA stand-in is loaded in both before the first use (register
// accesses on a PC build must not reach real addresses) and is not counted.
//   ESPRUINO_PICO=/path/to/espruino node --import tsx test/real-interpreter/memory.ts
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runOnEspruino, runOnVirtual, Way, Run } from "./run";

var HERE = dirname(fileURLToPath(import.meta.url));
var M = (tag: string) => "print(\"" + tag + "\", process.memory().usage, process.memory().total, process.memory().blocksize);\n";
var FIRST_USE = "espdma.setup({board: \"pico\"}); var ch = espdma.requestChannel({request: \"mem2mem\"});\n";
var MEMCPY = "var a = espdma.alloc(64), b = espdma.alloc(64);\n" + M("bufs") +
  "var tx = ch.prepMemcpy(b, a, 64, {callback: function () { setTimeout(function () { " + M("copied").trim() + " if (typeof quit === \"function\") quit(); }, 1); }}); tx.submit(); ch.issuePending();\n";

/** Runs that write text to Storage file f, 4 KB a run (each a fresh interpreter over the same
 * Storage): a program file carrying it all as one string stays in RAM while it runs, which the
 * Original's 2,756 blocks do not hold for driver + agent; typed into the REPL instead, pieces
 * are lost when the machine is busy (the Linux build's input buffer overflows). */
export function storageWrite(f: string, text: string): Run[] {
  var runs: Run[] = [];
  for (var at = 0; at < text.length; at += 4096) {
    runs.push({ file: "require(\"Storage\").write(" + JSON.stringify(f) + "," + JSON.stringify(text.slice(at, at + 4096)) + "," + at + (at ? "" : "," + text.length) + ");if (typeof quit === \"function\") quit();" });
  }
  return runs;
}

export function memoryWays(bundle: string): Way[] {
  var standin = readFileSync(join(HERE, "dma-standin.js"), "utf8");
  // The stand-in after loading (it only has to be there before the first use; on the Pico
  // layout a 17 KB bundle line peaks close to the 5,100 blocks), measured apart; and a way out
  // when a step failed (the Linux build waits at the end of its input).
  var tail = M("loaded") + standin + "\n" + M("ready") + FIRST_USE + M("requested") + MEMCPY + "setTimeout(function () { if (typeof quit === \"function\") quit(); }, 500);\n";
  return [
    // All typed in (the Linux build loses long stdin lines that follow a program file).
    // peak: measured on the bundle's own line, whose text the REPL still holds.
    { name: "as text", quiet: true, runs: [{ stdin: "echo(0);\n" + M("before") + bundle + ";" + M("peak") + tail }] },
    {
      name: "from Storage",
      quiet: true,
      runs: [
        ...storageWrite("espdma.a", bundle),
        { stdin: "echo(0);\n" + M("before") + "eval(require(\"Storage\").read(\"espdma.a\"));\n" + tail },
      ],
    },
    {
      name: "require()",
      quiet: true,
      runs: [
        ...storageWrite("espdma", bundle),
        { stdin: "echo(0);\n" + M("before") + "var espdma = require(\"espdma\");\n" + tail },
      ],
    },
  ];
}

/** The test agent's memcpy scenario (test/real-interpreter/agent.test.ts runs it too). */
export var AGENT_PROGRAM = {
  run: "r1",
  steps: [
    { op: "alloc", buf: "src", len: 64 }, { op: "alloc", buf: "dst", len: 64 }, { op: "fill", buf: "src", pattern: "src" },
    { op: "request", ch: "c", req: { request: "mem2mem" } }, { op: "memcpy", ch: "c", tx: "t", src: "src", dst: "dst", len: 64 },
    { op: "submit", tx: "t" }, { op: "issue", ch: "c" }, { op: "waitCb", tx: "t" }, { op: "status", ch: "c", tx: "t" },
    { op: "checkCopy", src: "src", dst: "dst" }, { op: "release", ch: "c" },
  ],
};

/** Driver and agent as `espdma test` loads them on a board where they do not fit as text (the
 * Original: host/scenarios/runner.ts): one Storage file, evaluated; then the agent's memcpy
 * scenario over the DMA stand-in (an F4 model: the board is set to "pico", the code and its
 * cost are the same but for the F1 branch of the provider). Prints "loaded" and "ran" usage. */
export function agentWay(bundle: string, agent: string): Way {
  var standin = readFileSync(join(HERE, "dma-standin.js"), "utf8");
  return {
    name: "driver + agent from Storage",
    quiet: true,
    runs: [
      ...storageWrite("espdma.run", bundle + "\n" + agent),
      // The stand-in from Storage too (typed in, its code would hold 221 blocks of RAM that a
      // real board, which needs no stand-in, does not pay; from Storage 91).
      ...storageWrite("standin", standin),
      { stdin: "echo(0);\n" + M("before") + "eval(require(\"Storage\").read(\"espdma.run\"));\n" + M("loaded") + "eval(require(\"Storage\").read(\"standin\"));\n" + M("ready") +
        "espdma.setup({board: \"pico\"});\nespdmaAgent.run(" + JSON.stringify(AGENT_PROGRAM) + ");\n" +
        "setTimeout(function () { " + M("ran").trim() + " if (typeof quit === \"function\") quit(); }, 500);\n" },
    ],
  };
}

/** The agent way's figures: blocks used after loading and after the run, the total, and
 * whether the agent reported its run done and ok (its framed "#ED|" events). */
export function agentFigures(lines: string[]): { before: number; loaded: number; ran: number; total: number; ok: boolean } | null {
  var f: any = {}, ok = false;
  lines.forEach(function (l) {
    var m = /^(before|loaded|ran) (\d+) (\d+) (\d+)$/.exec(l);
    if (m) { f[m[1]] = +m[2]; f.total = +m[3]; }
    if (l.indexOf("#ED|") === 0) {
      try {
        var e = JSON.parse(l.split("|").slice(3, -1).join("|"));
        if (e.t === "done") ok = e.ok === true;
      } catch (x) { /* a garbled line is not a done event */ }
    }
  });
  return f.before === undefined || f.loaded === undefined || f.ran === undefined ? null : { before: f.before, loaded: f.loaded, ran: f.ran, total: f.total, ok: ok };
}

export interface Figures { before: number; loaded: number; ready: number; requested: number; bufs?: number; copied?: number; peak?: number; total: number; blocksize: number }

export function parseFigures(lines: string[]): Figures {
  var f: any = {};
  lines.forEach(function (l) {
    var m = /^(before|peak|loaded|ready|requested|bufs|copied) (\d+) (\d+) (\d+)$/.exec(l);
    if (m) { f[m[1]] = +m[2]; f.total = +m[3]; f.blocksize = +m[4]; }
  });
  if (f.before === undefined || f.loaded === undefined || f.ready === undefined || f.requested === undefined) throw new Error("no figures in: " + lines.join(" | "));
  return f;
}

/** One way's figures, or why there are none (an interpreter out of memory says so). */
function describe(lines: string[]): string {
  var oom = lines.filter((l) => /MEMORY/.test(l));
  if (oom.length) return "out of memory: " + oom.slice(0, 2).join(" | ");
  try {
    var f = parseFigures(lines), c = f.copied === undefined ? "?" : "+" + (f.copied - (f.bufs as number));
    return (f.peak === undefined ? "" : "peak " + (f.peak - f.before) + ", ") + "load " + (f.loaded - f.before) + ", first requestChannel +" + (f.requested - f.ready) + ", bufs +" + ((f.bufs as number) - f.requested) + ", memcpy " + c +
      " (of " + f.total + " x " + f.blocksize + " B)";
  } catch (e) {
    return "no figures: " + (lines.filter((l) => /MEMORY|Error/.test(l)).slice(0, 2).join(" | ") || lines.slice(-2).join(" | "));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  var bundle = readFileSync("dist/espdma.min.js", "utf8"), bin = process.env.ESPRUINO_PICO;
  console.log("dist/espdma.min.js, " + bundle.length + " bytes. Blocks kept (usage minus before), total blocks, block size:");
  for (var w of memoryWays(bundle)) {
    var row = w.name.padEnd(13) + " virtual Pico: " + describe(await runOnVirtual(w));
    if (bin) {
      var r = runOnEspruino(bin, w);
      row += " | real " + r.version + " Pico layout: " + describe(r.lines);
    }
    console.log(row);
  }
  if (!bin) console.log("(set ESPRUINO_PICO to an Espruino Linux build with the Pico's 5,100 variables for the real figures)");
}
