// Every scenario on the four virtual STM32 boards (stream DMA: Pico, WiFi, F4DISCOVERY;
// channel DMA: Original), with the real driver bundle: the proof `npm start` gives, as a test.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runScenarios } from "../../host/scenarios/node-runner";
import { scenarios } from "../../host/scenarios/catalog";

for (const board of ["pico", "wifi", "f4discovery", "original"]) {
  describe("scenarios on virtual " + board, () => {
    test("all pass", async () => {
      var rep = await runScenarios({ target: { virtual: board }, seed: 1 });
      assert.equal(rep.scenarios.length, scenarios.length);
      var failed = rep.scenarios.filter((s) => !s.passed).map((s) => s.name + ": " + (s.error || JSON.stringify(s.invariants.filter((c) => !c.passed))));
      assert.deepEqual(failed, []);
    });
  });
}
