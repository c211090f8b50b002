// Every conformance program on the virtual board's runtime gives the output the real
// interpreter gave (golden/*.out, recorded by `npm run conformance -- --record`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { programs, source, runVirtual, readGolden } from "./harness";

for (const name of programs()) {
  test("conformance: " + name, () => {
    var g = readGolden(name);
    assert.ok(g, "no golden file for " + name + ": record it with ESPRUINO_PICO=... npm run conformance -- --record " + name);
    assert.equal(runVirtual(source(name)), g!.body);
  });
}
