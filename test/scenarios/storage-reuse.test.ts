// The driver and agent go to Storage (espdma.run) where they do not fit as text. Storage
// survives reset(), so the runner writes the file only when it does not already hold the same
// code (length and CRC-32): once per virtual suite, and not at all on a real board that has it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openLink } from "../../host/link/open";
import { serveTcp } from "../../host/virtual-board/index";
import { runScenarios, nodeCode } from "../../host/scenarios/node-runner";
import { runSuite } from "../../host/scenarios/runner";
import type { CoreBoard } from "../../host/virtual-board/board";

const WRITE = /require\("Storage"\)\.write\("espdma\.run"/;

/** Every command the board's runtime evaluates, from now on. */
function commands(vb: CoreBoard): string[] {
  var seen: string[] = [], rt: any = vb.runtime, ev = rt.evaluate.bind(rt);
  rt.evaluate = (code: string, o: any) => { seen.push(code); return ev(code, o); };
  return seen;
}

test("virtual suite on the Pico: the first scenario's board writes espdma.run, the next boards start with it and write nothing", async () => {
  var perScenario: string[][] = [];
  var rep = await runSuite({
    target: { virtual: "pico" }, code: nodeCode, names: ["memcpy-ok", "terminate-sync-mid", "idle-no-timers"],
    open: async (t) => { var l = await openLink(t); perScenario.push(commands(l.vb!)); return l; },
  });
  assert.deepEqual(rep.scenarios.map((s) => [s.name, s.passed]), [["memcpy-ok", true], ["terminate-sync-mid", true], ["idle-no-timers", true]]);
  assert.equal(perScenario.length, 3);
  var writes = perScenario.map((c) => c.filter((x) => WRITE.test(x)).length);
  assert.ok(writes[0] >= 10, "the first board was written in 1 KB pieces: " + writes[0]);
  assert.deepEqual(writes.slice(1), [0, 0]);
  // Each later board still ran the code from Storage.
  for (const c of perScenario.slice(1)) assert.ok(c.some((x) => /eval\(require\("Storage"\)\.read\("espdma\.run"\)\)/.test(x)));
});

test("a real board's path (TCP): a second run on the same board skips the upload; other code, or a damaged file of the same length, is written again", async () => {
  var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
  try {
    var seen = commands(s.board);
    var target = { port: "tcp://127.0.0.1:" + s.address.port };
    var run = async (o: any = {}) => {
      seen.length = 0;
      var rep = await runScenarios({ target, names: ["memcpy-ok"], ...o });
      assert.equal(rep.scenarios[0].passed, true, JSON.stringify(rep.scenarios[0]));
      return seen.filter((x) => WRITE.test(x)).length;
    };
    assert.ok((await run()) >= 10, "the first run writes the file");
    assert.equal(await run(), 0, "the file is there: nothing written");
    var file = s.board.runtime.flash.files.get("espdma.run")!;
    // Same length, one byte changed (inside the agent's banner comment): the CRC differs.
    var damaged = file.slice();
    damaged[file.length - 10] ^= 1;
    s.board.runtime.flash.files.set("espdma.run", damaged);
    assert.ok((await run()) >= 10, "a damaged file is written again");
    assert.deepEqual(Array.from(s.board.runtime.flash.files.get("espdma.run")!), Array.from(file));
    // Other code (a driver with one more line): written again.
    var driver = nodeCode.driver() + "\n// another build\n";
    assert.ok((await run({ driver })) >= 10, "other code is written again");
  } finally {
    await s.close();
  }
});
