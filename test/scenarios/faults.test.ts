// Faults during a test run, through the same path `espdma test --port tcp://...` takes: a reset
// during the upload, a reset while a program runs, a board that goes silent. Each ends with a
// clear message, bounded in time.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { serveTcp } from "../../host/virtual-board/index";
import { runScenarios } from "../../host/scenarios/node-runner";
import { fakeDriver } from "./fake-driver";

describe("faults during espdma test", () => {
  test("reset in the middle of the upload: ERESET, says what to do", async () => {
    var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    try {
      // The first few hundred input bytes are the prompt, reset() and the board's name; the
      // upload (several KB) follows: byte 2000 falls inside it.
      s.board.repl.setFaults({ resetAfterInputBytes: 2000 });
      await assert.rejects(
        runScenarios({ target: { port: "tcp://127.0.0.1:" + s.address.port }, names: ["idle-no-timers"], driver: fakeDriver() }),
        (e: any) => e.code === "ERESET" && /reset .*(upload|lost)/.test(e.message),
      );
    } finally {
      await s.close();
    }
  });

  test("reset while the program runs: the scenario fails with the reason, the run goes on", async () => {
    var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    try {
      var rep = await runScenarios({
        target: { port: "tcp://127.0.0.1:" + s.address.port }, names: ["idle-no-timers", "memcpy-ok", "idle-no-timers"], driver: fakeDriver(),
        onStart: (_s, i) => { if (i === 1) s.board.repl.setFaults({ resetAfterInputBytes: 40 }); },
      });
      assert.equal(rep.scenarios[0].passed, true, JSON.stringify(rep.scenarios[0]));
      assert.equal(rep.scenarios[1].passed, false);
      assert.match(rep.scenarios[1].error || "", /reset/);
      assert.equal(rep.scenarios[2].passed, false, "after a reset the driver is gone: the next scenario fails too, it does not hang");
    } finally {
      await s.close();
    }
  });
});
