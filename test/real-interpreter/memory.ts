// Variable blocks the bundle keeps on the Pico layout (process.memory().usage, which collects
// garbage first): before loading, after loading it as text (typed into the REPL, as a paste or
// an upload does) or from Storage (eval(require("Storage").read(f)), as the boot file does),
// and after the first requestChannel(). Measured on the real interpreter named by
// $ESPRUINO_PICO (Espruino built with the Pico's 5,100 variables of 13 bytes) and on the
// virtual Pico, side by side. The DMA stand-in is loaded first in both (register accesses on a
// PC build must not reach real addresses) and is not counted.
//   ESPRUINO_PICO=/path/to/espruino node --import tsx test/real-interpreter/memory.ts
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runOnEspruino, runOnVirtual, Way } from "./run";

var HERE = dirname(fileURLToPath(import.meta.url));
var M = (tag: string) => "print(\"" + tag + "\", process.memory().usage, process.memory().total, process.memory().blocksize);\n";
var FIRST_USE = "espdma.setup({board: \"pico\"}); var ch = espdma.requestChannel({request: \"mem2mem\"});\n";

export function memoryWays(bundle: string): Way[] {
  var standin = readFileSync(join(HERE, "dma-standin.js"), "utf8");
  var tail = M("loaded") + FIRST_USE + M("requested") + "if (typeof quit === \"function\") quit();\n";
  return [
    // All typed in (the Linux build loses long stdin lines that follow a program file).
    { name: "as text", runs: [{ stdin: "echo(0);\n" + standin + "\n" + M("before") + bundle + "\n" + tail }] },
    {
      name: "from Storage",
      runs: [
        { file: "require(\"Storage\").write(\"espdma.a\"," + JSON.stringify(bundle) + ");if (typeof quit === \"function\") quit();" },
        { stdin: "echo(0);\n" + standin + "\n" + M("before") + "eval(require(\"Storage\").read(\"espdma.a\"));\n" + tail },
      ],
    },
  ];
}

export interface Figures { before: number; loaded: number; requested: number; total: number; blocksize: number }

export function parseFigures(lines: string[]): Figures {
  var f: any = {};
  lines.forEach(function (l) {
    var m = /^(before|loaded|requested) (\d+) (\d+) (\d+)$/.exec(l);
    if (m) { f[m[1]] = +m[2]; f.total = +m[3]; f.blocksize = +m[4]; }
  });
  if (f.before === undefined || f.loaded === undefined || f.requested === undefined) throw new Error("no figures in: " + lines.join(" | "));
  return f;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  var bundle = readFileSync("dist/espdma.min.js", "utf8"), bin = process.env.ESPRUINO_PICO;
  console.log("dist/espdma.min.js, " + bundle.length + " bytes. Blocks kept (usage minus before), total blocks, block size:");
  for (var w of memoryWays(bundle)) {
    var v = parseFigures(await runOnVirtual(w));
    var row = w.name.padEnd(13) + " virtual Pico: load " + (v.loaded - v.before) + ", first requestChannel +" + (v.requested - v.loaded) + " (of " + v.total + " x " + v.blocksize + " B)";
    if (bin) {
      var r = runOnEspruino(bin, w), e = parseFigures(r.lines);
      row += " | real " + r.version + " Pico layout: load " + (e.loaded - e.before) + ", first requestChannel +" + (e.requested - e.loaded) + " (of " + e.total + " x " + e.blocksize + " B)";
    }
    console.log(row);
  }
  if (!bin) console.log("(set ESPRUINO_PICO to an Espruino Linux build with the Pico's 5,100 variables for the real figures)");
}
