// Every conformance program on the virtual board's runtime gives the output the real
// interpreter gave (golden/*.out, recorded by `npm run conformance -- --record`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { programs, source, runVirtual, readGolden, tolerance, compare } from "./harness";

for (const name of programs()) {
  test("conformance: " + name, () => {
    var g = readGolden(name);
    assert.ok(g, "no golden file for " + name + ": record it with ESPRUINO_PICO=... npm run conformance -- --record " + name);
    var src = source(name), got = runVirtual(src), tol = tolerance(src);
    if (!tol) assert.equal(got, g!.body);
    else assert.equal(compare(got, g!.body, tol), null, "virtual:\n" + got + "interpreter:\n" + g!.body);
  });
}
