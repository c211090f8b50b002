// The event loop's realtime clock (`espdma repl`, `espdma sim`) on an injected wall clock, so
// the test is exact; the default clock stays simulated (scenarios, tests, race).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEventLoop, RUNNING_JUMP_MS } from "../../../host/virtual-board/event-loop";
import { createVirtualBoard } from "../../../host/virtual-board/index";
import { createMcu } from "../../../host/virtual-board/mcu";
import { findBoard } from "../../../boards/index";

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

test("realtime: a host stalled past a timer's due time runs it at its time, then catches up with the wall", () => {
  var wall = 0;
  var loop = createEventLoop(undefined, { clock: "realtime", wallMs: () => wall });
  var seen: number[] = [];
  loop.setTimeout(() => seen.push(loop.now()), 5);
  wall += 30; // the process was descheduled for 30 ms: the board's timer was due at 5
  loop.runDue();
  assert.equal(seen.length, 1);
  assert.ok(seen[0] >= 5 && seen[0] < 5 + RUNNING_JUMP_MS + 0.1, "the timer saw the time it was due, not the wall's: " + seen[0]);
  assert.ok(Math.abs(loop.now() - 30) < 0.1, "idle again, the board caught up with the wall: " + loop.now());
});

test("realtime: while board code runs, a stall of the host is cut to RUNNING_JUMP_MS and dropped", () => {
  var wall = 0;
  var loop = createEventLoop(undefined, { clock: "realtime", wallMs: () => wall });
  var gap = -1, steady = -1;
  loop.setTimeout(() => {
    var t0 = loop.now();
    wall += 100; // descheduled in the middle of the callback
    gap = loop.now() - t0;
    var t1 = loop.now();
    wall += 1; // a short step: the clock follows the wall
    steady = loop.now() - t1;
  }, 1);
  wall += 1;
  loop.runDue();
  // (A loop turn costs the CPU 200 cycles, 0.002 ms here: the board is that much ahead of the wall.)
  assert.ok(gap <= RUNNING_JUMP_MS && gap > RUNNING_JUMP_MS - 0.01, "the 100 ms stall counted as " + gap + " ms");
  assert.ok(Math.abs(steady - 1) < 0.01, "after the stall the clock follows the wall again: " + steady);
  wall += 10;
  assert.ok(Math.abs(loop.now() - (1 + RUNNING_JUMP_MS + 1 + 10)) < 0.01, "the stall stayed dropped: " + loop.now());
});

test("realtime: a timer due at a time the cycle counter cannot hit exactly still fires (84 MHz: 3459.144380952381 ms)", () => {
  var wall = 0, mcu = createMcu({ board: findBoard("pico")! });
  var loop = createEventLoop(mcu, { clock: "realtime", wallMs: () => wall });
  var due = 3459.144380952381, fired = 0;
  // ceil(due * 84e6 / 1000) cycles back to ms is below `due`: catching up only to the timer
  // used to leave it never due, the board stalled for good.
  assert.ok(Math.ceil((due * 84e6) / 1000) / 84e6 * 1000 < due);
  loop.setTimeout(() => fired++, due - loop.now());
  wall = 5000;
  for (var i = 0; i < 3 && !fired; i++) loop.runDue();
  assert.equal(fired, 1);
});
