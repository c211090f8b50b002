// The scenario machinery (agent + runner + invariant checks) with a software stand-in driver:
// the right driver passes, a driver that breaks an invariant makes exactly that check fail.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runScenarios } from "../../host/scenarios/node-runner";
import { fakeDriver } from "./fake-driver";

const NAMES = ["memcpy-ok", "terminate-in-callback", "sync-in-callback", "idle-no-timers"];

function failedIds(r: any): number[] {
  return r.invariants.filter((c: any) => !c.passed).map((c: any) => c.id);
}

describe("scenario checks with a stand-in driver", () => {
  test("a correct driver passes", async () => {
    var rep = await runScenarios({ target: { virtual: "pico" }, names: NAMES, seed: 3, driver: fakeDriver() });
    for (const s of rep.scenarios) assert.ok(s.passed, s.name + ": " + JSON.stringify(s.invariants.filter((c) => !c.passed)) + (s.error || ""));
    assert.equal(rep.failed, 0);
  });

  test("callbacks after terminate: invariants 1 and 3 fail", async () => {
    var rep = await runScenarios({ target: { virtual: "pico" }, names: ["terminate-in-callback"], seed: 3, driver: fakeDriver({ broken: true }) });
    var s = rep.scenarios[0];
    assert.equal(s.passed, false);
    assert.ok(failedIds(s).includes(3), JSON.stringify(s.invariants));
  });

  test("synchronize allowed inside a callback: invariant 5 fails", async () => {
    var rep = await runScenarios({ target: { virtual: "pico" }, names: ["sync-in-callback"], seed: 3, driver: fakeDriver({ noDeadlockCheck: true }) });
    var s = rep.scenarios[0];
    assert.equal(s.passed, false);
    assert.ok(failedIds(s).includes(5), JSON.stringify(s.invariants));
  });

  test("a broken agent step (source overwritten before the copy is checked) makes invariant 7 fail", async () => {
    var rep2 = await runScenarios({
      target: { virtual: "pico" }, names: ["memcpy-ok"], seed: 3, driver: fakeDriver(),
      mutate: (steps) => {
        var out: any[] = [];
        for (const s of steps) { out.push(s); if (s.op === "waitCb") out.push({ op: "fill", buf: s.tx + "_src", pattern: "src", seed: 99 }); }
        return out;
      },
    });
    assert.equal(rep2.scenarios[0].passed, false);
    assert.deepEqual([...new Set(failedIds(rep2.scenarios[0]))], [7]);
  });
});
