// The engine's timers: the poll timer runs only while something moves, at an adaptive period;
// the completion task is one setTimeout 0.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, recorder } from "./setup";

describe("poll timer", () => {
  test("an idle engine has no timer, before and after a transfer", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    assert.equal(s.platform.timers.length, 0);
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    assert.equal(s.platform.timers.length, 0);
    s.ch.issuePending();
    assert.equal(s.platform.timers.length, 1);
    s.platform.advance(20);
    assert.ok(s.provider.pollCalls >= 10, "polls while the transfer runs");
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(r.calls.length, 1);
    assert.equal(s.platform.timers.length, 0);
    var polls = s.provider.pollCalls;
    s.platform.advance(1000);
    assert.equal(s.provider.pollCalls, polls);
  });

  test("one poll timer for all channels, one provider poll per tick", () => {
    var s = setup(), b = s.pair(16);
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    ch2.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    ch2.issuePending();
    assert.equal(s.platform.timers.length, 1);
    s.platform.step();
    assert.equal(s.provider.pollCalls, 1);
  });

  test("the period adapts to the expected duration, capped", () => {
    var periods: number[] = [];
    for (var ms of [0, 40, 200, 1000]) {
      var s = setup(), b = s.pair(16);
      s.provider.expectedMs = ms;
      s.ch.prepMemcpy(b.dst, b.src, 16).submit();
      s.ch.issuePending();
      periods.push(s.platform.timers[0].ms);
    }
    assert.deepEqual(periods, [1, 10, 50, 100]);
  });

  test("a faster transfer shortens a pending slow poll", () => {
    var s = setup(), b = s.pair(16);
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    s.provider.expectedMs = 1000;
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.provider.expectedMs = 8;
    ch2.prepMemcpy(b.dst, b.src, 16).submit();
    ch2.issuePending();
    assert.equal(s.platform.timers.length, 1);
    assert.equal(s.platform.timers[0].ms, 2);
  });

  test("cyclic polls per period, not per ring", () => {
    var s = setup();
    var rx = s.engine.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    s.provider.expectedMs = 320; // whole ring, 4 periods of 80 ms
    rx.prepCyclic(s.engine.alloc(64), 16, "dev2mem").submit();
    rx.issuePending();
    assert.equal(s.platform.timers[0].ms, 20);
  });

  test("poll is never called with nothing in flight, even when a transfer ends between ticks", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.ch.terminateSync(); // the fake provider throws if poll() gets an empty list
    s.platform.advance(100);
    assert.equal(s.provider.pollCalls, 0);
  });
});

describe("dump", () => {
  test("shows the core's lists per channel and the provider's registers", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    var d = s.engine.dump();
    assert.match(d, /fake0: mem2mem q=1a,2i/);
    assert.match(d, /fake0 running/);
  });
});
