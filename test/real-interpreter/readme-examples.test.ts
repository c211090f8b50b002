// The README examples (memcpy, timer-paced capture, terminate + synchronize, misuse errors)
// over an in-interpreter DMA stand-in, with dist/espdma.min.js loaded as text, from Storage and
// at boot. The golden file is what real Espruino printed; the virtual board must print the
// same, always; the real interpreters too, when $ESPRUINO / $ESPRUINO_PICO name them.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { ways, runOnEspruino, runOnVirtual, readGolden } from "./run";

var BUNDLE = "dist/espdma.min.js";

describe("README examples over a DMA stand-in", () => {
  var golden = readGolden();
  test("the golden file says which interpreter printed it", () => {
    assert.match(golden.header[0], /^# Printed by real Espruino 2v\d+ \(its Linux build/);
    assert.ok(golden.lines.length > 10);
  });
  assert.ok(existsSync(BUNDLE), BUNDLE + " missing: run npm run build");
  var bundle = readFileSync(BUNDLE, "utf8");
  for (var w of ways(bundle)) {
    let way = w;
    test("virtual " + (way.board || "pico") + ", bundle loaded " + way.name + ": prints what real Espruino printed", async () => {
      assert.deepEqual(await runOnVirtual(way), golden.lines);
    });
    for (var v of ["ESPRUINO", "ESPRUINO_PICO"]) {
      let bin = process.env[v], name = v;
      // The Pico layout cannot take the bundle typed in as text (see ways()): that it runs out
      // is checked by the conformance golden memory-bundle-text.out, there and virtually.
      if (name === "ESPRUINO_PICO" && way.board !== undefined && way.board !== "pico") continue;
      test("real interpreter $" + name + ", bundle loaded " + way.name, { skip: bin ? false : "set " + name + " to an Espruino Linux binary to run this (README: Real interpreter)" }, () => {
        var r = runOnEspruino(bin as string, way);
        assert.equal("# Printed by real Espruino " + r.version, golden.header[0].split(" (")[0]);
        assert.deepEqual(r.lines, golden.lines);
      });
    }
  }
});
