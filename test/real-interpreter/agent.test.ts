// The test agent bundle on the interpreter: driver + agent typed into the REPL, over the DMA
// stand-in, one memcpy scenario; its framed events must say the copy is exact and the run ok.
// On the virtual WiFi always (see way()); on real Espruino when $ESPRUINO is set (the
// readable bundles, 59 + 17 KB of text, only on the 64-bit build: they do not fit the Pico's
// 5,100 variables as text, which is why boards get the minified ones).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runOnEspruino, runOnVirtual, Way } from "./run";
import { AGENT_PROGRAM } from "./memory";

var HERE = dirname(fileURLToPath(import.meta.url));
var PROGRAM = AGENT_PROGRAM;

function way(driver: string, agent: string): Way {
  // The stand-in after the bundles: on the Pico layout the driver's one 17 KB line peaks close
  // to the 5,100 blocks (run.ts).
  var stdin = "echo(0);\n" + readFileSync(driver, "utf8") + "\n" + readFileSync(agent, "utf8") + "\n" + readFileSync(join(HERE, "dma-standin.js"), "utf8") + "\n" +
    "espdma.setup({board: \"pico\"});\nespdmaAgent.run(" + JSON.stringify(PROGRAM) + ");\n" +
    "setTimeout(function () { if (typeof quit === \"function\") quit(); }, 500);\n";
  // Typed in as text, driver and agent do not fit the Pico's 5,100 variables (2v29 runs out
  // with the driver alone: test/conformance/golden/memory-bundle-text.out), on the virtual
  // Pico neither: the virtual run uses the WiFi's 8,190.
  return { name: driver + " + " + agent, runs: [{ stdin }], board: "wifi" };
}

function events(lines: string[]): any[] {
  return lines.filter((l) => l.startsWith("#ED|")).map((l) => JSON.parse(l.split("|").slice(3, -1).join("|")));
}

function check(lines: string[]): void {
  var ev = events(lines);
  assert.ok(ev.length > 0, "no agent output: " + lines.slice(-5).join(" | "));
  var done = ev[ev.length - 1];
  assert.equal(done.t, "done", JSON.stringify(done));
  assert.equal(done.ok, true, JSON.stringify(done));
  assert.deepEqual(ev.filter((e) => e.t === "cb").map((e) => [e.result, e.residue]), [["ok", 0]]);
  var copy = ev.find((e) => e.t === "copy");
  assert.equal(copy.ok, true);
  assert.equal(copy.guardOk, true);
  assert.deepEqual(ev.find((e) => e.op === "status").ret, { status: "complete", residue: 0 });
}

describe("test agent over the DMA stand-in", () => {
  var min = way("dist/espdma.min.js", "dist/espdma-agent.min.js"), readable = way("dist/espdma.js", "dist/espdma-agent.js");
  test("virtual WiFi: minified driver + agent", async () => { check(await runOnVirtual(min)); });
  // Not on $ESPRUINO_PICO: typed in as text they do not fit its 5,100 variables (see way());
  // the conformance golden memory-bundle-text.out checks that it runs out, there and virtually.
  test("real interpreter $ESPRUINO: minified driver + agent", { skip: process.env.ESPRUINO ? false : "set ESPRUINO to an Espruino Linux binary to run this (README: Real Espruino)" }, () => {
    check(runOnEspruino(process.env.ESPRUINO as string, min).lines);
  });
  test("real interpreter $ESPRUINO: readable driver + agent", { skip: process.env.ESPRUINO ? false : "set ESPRUINO to an Espruino Linux binary to run this (README: Real Espruino)" }, () => {
    check(runOnEspruino(process.env.ESPRUINO as string, readable).lines);
  });
});
