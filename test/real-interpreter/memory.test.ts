// RAM ceilings of the built bundle (issue 14), from the programs of memory.ts: on the virtual
// Pico always (its memory model is deterministic), on the real interpreter when $ESPRUINO_PICO
// (Pico layout) and $ESPRUINO_ORIGINAL (the Original's 2,756 variables) name Espruino Linux
// builds; both are deterministic there too (a quiet stdin, run.ts). The ceilings sit a little
// above what was measured (README: What the board pays), so that a regression shows here and
// not on a board.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { memoryWays, parseFigures, agentWay, agentFigures } from "./memory";
import { runOnEspruino, runOnVirtual } from "./run";

var bundle = () => readFileSync("dist/espdma.min.js", "utf8");
var storageWay = () => memoryWays(bundle()).filter((w) => w.name === "from Storage")[0];

/** Load, first requestChannel() and one memcpy (the flashed total, buffers apart). */
function flashed(lines: string[]): { load: number; first: number; memcpy: number } {
  var f = parseFigures(lines);
  assert.ok(f.copied !== undefined && f.bufs !== undefined, "the memcpy called back: " + lines.slice(-3).join(" | "));
  return { load: f.loaded - f.before, first: f.requested - f.ready, memcpy: (f.copied as number) - (f.bufs as number) };
}

describe("RAM the flashed bundle keeps", () => {
  test("virtual Pico: load <= 680, first requestChannel() <= 570, one memcpy <= 170 blocks", async () => {
    var f = flashed(await runOnVirtual(storageWay()));
    assert.ok(f.load <= 680 && f.first <= 570 && f.memcpy <= 170, JSON.stringify(f));
  });

  var pico = process.env.ESPRUINO_PICO;
  test("real 2v29, Pico layout: load <= 590, first requestChannel() <= 530, one memcpy <= 180 blocks",
    { skip: pico ? false : "set ESPRUINO_PICO to an Espruino Linux build with the Pico's 5,100 variables (README: Real Espruino) to run this" }, () => {
      var f = flashed(runOnEspruino(pico as string, storageWay()).lines);
      assert.ok(f.load <= 590 && f.first <= 530 && f.memcpy <= 180, JSON.stringify(f));
    });

  var original = process.env.ESPRUINO_ORIGINAL;
  test("real 2v29, Original layout: driver + agent from Storage run the memcpy scenario ok with a quarter of the board (689 blocks) free",
    { skip: original ? false : "set ESPRUINO_ORIGINAL to an Espruino Linux build with the Original's 2,756 variables (README: Benchmarks) to run this" }, () => {
      var a = agentFigures(runOnEspruino(original as string, agentWay(bundle(), readFileSync("dist/espdma-agent.min.js", "utf8"))).lines);
      assert.ok(a, "figures printed");
      assert.equal(a!.ok, true, "the agent reported the run ok");
      assert.ok(a!.total - a!.ran >= 689, (a!.total - a!.ran) + " blocks free of " + a!.total);
    });
});
