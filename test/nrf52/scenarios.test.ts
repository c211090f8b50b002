// The scenario suite on the virtual nRF52 boards (MDBT42Q: nRF52832, Bangle.js 2: nRF52840)
// with the real nRF52 bundle: every scenario that applies passes; the others say why not
// (no memory-to-memory EasyDMA, no pause, no transfer-error event, no FIFO). Puck.js is the
// same chip with 2,630 variables: with the driver and the agent uploaded as text about 76
// blocks (1 KB) stay free, too little for the suite's 1 KB captures (README, nRF52 boards).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runScenarios } from "../../host/scenarios/node-runner";
import { scenarios } from "../../host/scenarios/catalog";
import { findBoard } from "../../boards/index";

for (const board of ["mdbt42q", "banglejs2"]) {
  describe("scenarios on virtual " + board, () => {
    test("every scenario that applies passes; the rest are listed with a reason", async () => {
      var rep = await runScenarios({ target: { virtual: board }, seed: 1 });
      var na = rep.notApplicable || [];
      assert.equal(rep.scenarios.length + na.length, scenarios.length);
      assert.deepEqual(na.map((n) => n.name).sort(), scenarios.filter((s) => s.notFor && s.notFor(findBoard(board)!)).map((s) => s.name).sort());
      for (const n of na) assert.match(n.why, /memcpy|memory-to-memory|pause|error|FIFO/);
      assert.ok(rep.scenarios.length >= 8, rep.scenarios.length + " scenarios ran");
      var failed = rep.scenarios.filter((s) => !s.passed).map((s) => s.name + ": " + (s.error || JSON.stringify(s.invariants.filter((c) => !c.passed))));
      assert.deepEqual(failed, []);
    });
  });
}

test("a driver whose synchronize does not wait fails the canary scenarios on the adversarial schedule", async () => {
  // The nRF52 bundle with synchronize's wait for the stopped event cut out.
  var { driverSource } = await import("../../host/scenarios/bundle");
  var src = driverSource("NRF52"), broken = src.replace(/synchronize:function\(([a-z]),([a-z])\)\{[^}]*\}/, "synchronize:function($1,$2){}");
  assert.notEqual(broken, src, "found synchronize in the minified bundle");
  var rep = await runScenarios({ target: { virtual: "banglejs2", schedule: "adversarial" }, seed: 3, driver: broken, names: ["paced-canary", "terminate-sync-mid", "terminate-async-then-sync"] });
  assert.ok(rep.scenarios.some((s) => !s.passed), JSON.stringify(rep.scenarios.map((s) => [s.name, s.passed])));
});
