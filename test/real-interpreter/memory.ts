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
import { runOnEspruino, runOnVirtual, Way } from "./run";

var HERE = dirname(fileURLToPath(import.meta.url));
var M = (tag: string) => "print(\"" + tag + "\", process.memory().usage, process.memory().total, process.memory().blocksize);\n";
var FIRST_USE = "espdma.setup({board: \"pico\"}); var ch = espdma.requestChannel({request: \"mem2mem\"});\n";
var MEMCPY = "var a = espdma.alloc(64), b = espdma.alloc(64);\n" + M("bufs") +
  "var tx = ch.prepMemcpy(b, a, 64, {callback: function () { setTimeout(function () { " + M("copied").trim() + " if (typeof quit === \"function\") quit(); }, 1); }}); tx.submit(); ch.issuePending();\n";

export function memoryWays(bundle: string): Way[] {
  var standin = readFileSync(join(HERE, "dma-standin.js"), "utf8");
  // The stand-in after loading (it only has to be there before the first use; on the Pico
  // layout a 17 KB bundle line peaks close to the 5,100 blocks), measured apart; and a way out
  // when a step failed (the Linux build waits at the end of its input).
  var tail = M("loaded") + standin + "\n" + M("ready") + FIRST_USE + M("requested") + MEMCPY + "setTimeout(function () { if (typeof quit === \"function\") quit(); }, 500);\n";
  return [
    // All typed in (the Linux build loses long stdin lines that follow a program file).
    // peak: measured on the bundle's own line, whose text the REPL still holds.
    { name: "as text", runs: [{ stdin: "echo(0);\n" + M("before") + bundle + ";" + M("peak") + tail }] },
    {
      name: "from Storage",
      runs: [
        { file: "require(\"Storage\").write(\"espdma.a\"," + JSON.stringify(bundle) + ");if (typeof quit === \"function\") quit();" },
        { stdin: "echo(0);\n" + M("before") + "eval(require(\"Storage\").read(\"espdma.a\"));\n" + tail },
      ],
    },
    {
      name: "require()",
      runs: [
        { file: "require(\"Storage\").write(\"espdma\"," + JSON.stringify(bundle) + ");if (typeof quit === \"function\") quit();" },
        { stdin: "echo(0);\n" + M("before") + "var espdma = require(\"espdma\");\n" + tail },
      ],
    },
  ];
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
