// `espdma race` on the nRF52 boards: no violation on the real stack, every mutant caught
// (a synchronize that does not wait for STOPPED / RXTO, a terminate that leaves SHORTS set).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNrf52Race, nrf52Mutants } from "../../host/race/nrf52";

for (const board of ["banglejs2", "puckjs"]) {
  test("race on " + board + ": 0 violations in 300 schedules, every mutant caught", () => {
    var r = runNrf52Race({ board, schedules: 300, mutantSchedules: 2000, seed: 1, mutant: "all" });
    assert.equal(r.violations, 0, JSON.stringify(r.failures.slice(0, 2)));
    assert.deepEqual(r.mutants.map((m) => m.name), nrf52Mutants.map((m) => m.name));
    for (const m of r.mutants) assert.ok(m.caught, m.name + " not caught in " + m.schedules);
  });
}
