// The event loop's realtime clock (`espdma repl`, `espdma sim`) on an injected wall clock, so
// the test is exact; the default clock stays simulated (scenarios, tests, race).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEventLoop } from "../../../host/virtual-board/event-loop";
import { createVirtualBoard } from "../../../host/virtual-board/index";

test("realtime: timers fire when the wall clock reaches them, not before", () => {
  var wall = 1000;
  var loop = createEventLoop(undefined, { clock: "realtime", wallMs: () => wall });
  var fired: number[] = [];
  loop.setTimeout(() => fired.push(wall), 30000);
  var n = 0;
  loop.setInterval(() => n++, 1000);
  assert.equal(loop.runDue(), 1000); // nothing due yet: the next one in 1 s
  wall += 999;
  assert.equal(loop.runDue(), 1);
  assert.equal(n, 0);
  wall += 1;
  loop.runDue();
  assert.equal(n, 1);
  wall += 28000;
  loop.runDue();
  assert.equal(n, 29); // once a second, not as fast as the CPU can go
  assert.deepEqual(fired, []);
  wall += 1000;
  loop.runDue();
  assert.deepEqual(fired, [31000]);
  assert.ok(Math.abs(loop.now() - 30000) < 1, "simulated time followed the wall: " + loop.now());
});

test("the board's clock: simulated by default, the wall's with clock: realtime", () => {
  var sim = createVirtualBoard({ board: "pico" });
  assert.equal(sim.loop.clock, "simulated");
  var t = sim.eval("getTime()") as number;
  assert.equal(sim.eval("getTime()"), t); // no simulated time passes between two reads
  sim.close();
  var rt = createVirtualBoard({ board: "pico", clock: "realtime" });
  assert.equal(rt.loop.clock, "realtime");
  var t0 = rt.eval("getTime()") as number, end = Date.now() + 30;
  while (Date.now() < end);
  assert.ok((rt.eval("getTime()") as number) - t0 >= 0.02, "getTime() follows the wall clock");
  rt.close();
});
