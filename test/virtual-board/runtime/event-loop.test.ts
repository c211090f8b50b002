import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createEventLoop } from "../../../host/virtual-board/event-loop";

describe("event loop on simulated time", () => {
  test("timers fire in due order, ties in creation order, ids are numbers", () => {
    var loop = createEventLoop();
    var seen: string[] = [];
    var a = loop.setTimeout(() => seen.push("b10"), 10);
    loop.setTimeout(() => seen.push("a5"), 5);
    loop.setTimeout(() => seen.push("c10"), 10);
    loop.setTimeout(() => seen.push("z0"), 0);
    assert.equal(typeof a, "number");
    var r = loop.runUntilIdle();
    assert.deepEqual(seen, ["z0", "a5", "b10", "c10"]);
    assert.equal(r.ran, 4);
    assert.equal(r.idle, true);
    assert.ok(loop.now() >= 10 && loop.now() < 11);
  });

  test("clearTimeout cancels; setInterval repeats without drift until cleared", () => {
    var loop = createEventLoop();
    var times: number[] = [];
    var t = loop.setTimeout(() => times.push(-1), 3);
    loop.clearTimeout(t);
    var n = 0;
    var iv = loop.setInterval(() => { times.push(Math.round(loop.now())); if (++n === 4) loop.clearInterval(iv); }, 10);
    loop.runUntilIdle();
    assert.deepEqual(times, [10, 20, 30, 40]);
    assert.equal(loop.pending(), 0);
  });

  test("runUntil stops at the given time with later timers pending", () => {
    var loop = createEventLoop();
    var ran = 0;
    loop.setTimeout(() => ran++, 5);
    loop.setTimeout(() => ran++, 50);
    var r = loop.runUntil(20);
    assert.equal(ran, 1);
    assert.equal(r.idle, false);
    assert.equal(loop.now(), 20);
    assert.equal(loop.nextDue(), 50);
  });

  test("callback errors go to onError and the loop continues", () => {
    var errs: unknown[] = [];
    var loop = createEventLoop(undefined, { onError: (e) => errs.push(e) });
    var ok = false;
    loop.setTimeout(() => { throw new Error("boom"); }, 1);
    loop.setTimeout(() => { ok = true; }, 2);
    loop.runUntilIdle();
    assert.equal(errs.length, 1);
    assert.equal(ok, true);
  });

  test("a timer added by a callback for time 0 runs after the timers already due", () => {
    var loop = createEventLoop();
    var order: string[] = [];
    loop.setTimeout(() => { order.push("first"); loop.setTimeout(() => order.push("nested"), 0); }, 0);
    loop.setTimeout(() => order.push("second"), 0);
    loop.runUntilIdle();
    assert.deepEqual(order, ["first", "second", "nested"]);
  });
});
