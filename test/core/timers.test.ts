// The engine's timers: one poll timer, only while something moves, scheduled for when each
// transfer is due to end (or backing off when its rate is unknown); it also runs the completion
// task (at 0 ms after a poll that saw transfers end).
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
    assert.equal(s.provider.pollCalls, 5, "unknown rate: polls at 1, 2, 4, 8, 16 ms");
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

  test("a transfer of known rate is polled when it is due to end (expectedMs + 0.05)", () => {
    var first: number[] = [];
    for (var ms of [0, 40, 200, 1000]) {
      var s = setup(), b = s.pair(16);
      s.provider.expectedMs = ms;
      s.ch.prepMemcpy(b.dst, b.src, 16).submit();
      s.ch.issuePending();
      first.push(s.platform.timers[0].ms);
    }
    assert.deepEqual(first, [1, 40.05, 200.05, 1000.05]);
  });

  test("known rate: a transfer that ends on time is polled once; a late one after 0.1 ms, then at doubling delays", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    s.provider.expectedMs = 10;
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.platform.advance(9.9);
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(s.provider.pollCalls, 1);
    assert.equal(r.calls.length, 1);
    // Late: not finished when due.
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    var t0 = s.platform.t, at: number[] = [];
    for (var i = 0; i < 5; i++) { s.platform.step(); at.push(+(s.platform.t - t0).toFixed(2)); }
    assert.deepEqual(at, [10.05, 10.15, 10.25, 10.45, 10.85]);
    s.ch.terminateSync();
  });

  test("unknown rate backs off: 1, 2, 4, 8, 16 ms, then every 100 ms (at most 10 polls/s past 10 ms)", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    var at: number[] = [];
    while (s.platform.t < 1010) { s.platform.step(); at.push(+s.platform.t.toFixed(2)); }
    assert.deepEqual(at.slice(0, 7), [1, 2, 4, 8, 16, 116, 216]);
    assert.ok(at.filter((t) => t > 10 && t <= 1010).length <= 10);
    s.ch.terminateSync();
  });

  test("steady unknown-rate polling is one interval timer: no timer made per idle poll", () => {
    var s = setup(), b = s.pair(16);
    s.platform.useIntervals();
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.platform.advance(50);
    var made = s.platform.delays.length, polls = s.provider.pollCalls;
    s.platform.advance(1000);
    assert.equal(s.provider.pollCalls - polls, 10);
    assert.equal(s.platform.delays.length, made, "no new timer");
    assert.equal(s.platform.timers.length, 1);
    s.ch.terminateSync();
    assert.equal(s.platform.timers.length, 0);
  });

  test("a faster transfer moves a pending slow poll earlier", () => {
    var s = setup(), b = s.pair(16);
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    s.provider.expectedMs = 1000;
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.provider.expectedMs = 8;
    ch2.prepMemcpy(b.dst, b.src, 16).submit();
    ch2.issuePending();
    assert.equal(s.platform.timers.length, 1);
    assert.equal(s.platform.timers[0].ms, 8.05);
  });

  test("cyclic is polled when each period is due, not per ring", () => {
    var s = setup();
    var rx = s.engine.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    s.provider.expectedMs = 320; // whole ring, 4 periods of 80 ms
    rx.prepCyclic(s.engine.alloc(64), 16, "dev2mem").submit();
    rx.issuePending();
    assert.equal(s.platform.timers[0].ms, 80.05);
    s.platform.step();
    s.provider.periods(1, 1);
    s.platform.step(); // late by 0.1 ms: finds the period
    s.platform.step(); // the completion run
    assert.equal(+s.platform.timers[0].at.toFixed(2), 160.05, "the next period's end, not 80 ms after the poll");
  });

  test("at most one timer: the completion run takes the poll timer's place", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    ch2.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    ch2.issuePending();
    s.provider.finish(0);
    s.platform.step();
    assert.equal(s.platform.timers.length, 1);
    assert.equal(s.platform.timers[0].ms, 0, "the completion run, at once");
    s.platform.step();
    assert.equal(r.calls.length, 1);
    assert.equal(s.platform.timers.length, 1, "polling on for the other channel");
    ch2.terminateSync();
    assert.equal(s.platform.timers.length, 0);
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
