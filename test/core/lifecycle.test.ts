// Descriptor lifecycle: submit -> issue -> active -> completed -> notified, cookies, txStatus,
// callbacks from the completion task, queueing, pause/resume, errors, cyclic.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, recorder } from "./setup";

describe("memcpy lifecycle", () => {
  test("a memcpy moves the bytes and calls back once with ok, residue 0", () => {
    var s = setup(), b = s.pair(64), r = recorder();
    var cookie = s.ch.prepMemcpy(b.dst, b.src, 64, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(Array.from(b.dst), Array.from(b.src));
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }]);
    assert.deepEqual(s.ch.txStatus(cookie), { status: "complete", residue: 0 });
  });

  test("cookies increase per submit and txStatus tracks each stage", () => {
    var s = setup(), b = s.pair(16);
    var tx = s.ch.prepMemcpy(b.dst, b.src, 16);
    var c1 = tx.submit();
    var c2 = s.ch.prepMemcpy(b.dst, b.src, 8).submit();
    assert.equal(c2, c1 + 1);
    assert.deepEqual(s.ch.txStatus(c1), { status: "in_progress", residue: 16 });
    s.ch.issuePending();
    s.provider.chan(0).residue = 5;
    assert.deepEqual(s.ch.txStatus(c1), { status: "in_progress", residue: 5 });
    assert.deepEqual(s.ch.txStatus(c2), { status: "in_progress", residue: 8 });
    s.ch.pause();
    assert.equal(s.ch.txStatus(c1).status, "paused");
    s.ch.resume();
    assert.equal(s.ch.txStatus(c1).status, "in_progress");
  });

  test("submit without issuePending does not start the hardware", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    assert.ok(!s.provider.log.some((l) => l.startsWith("start")));
    assert.equal(s.platform.timers.length, 0);
  });

  test("the next issued descriptor starts only after the previous completes", () => {
    var s = setup(), b = s.pair(32), r = recorder();
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.prepMemcpy(b.dst, b.src, 32, { callback: r.cb }).submit();
    s.ch.issuePending();
    assert.deepEqual(s.provider.log.filter((l) => l.startsWith("start")), ["start fake0 #1"]);
    s.provider.finish(0);
    s.platform.step(); // poll: completes #1, starts #2
    assert.deepEqual(s.provider.log.filter((l) => l.startsWith("start")), ["start fake0 #1", "start fake0 #2"]);
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(r.calls.length, 2);
  });

  test("callbacks run from the completion task, never inside poll() or an API call", () => {
    var s = setup(), b = s.pair(16), seen: boolean[] = [];
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => seen.push(s.provider.inPoll) }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step(); // the poll timer: queues only
    assert.deepEqual(seen, []);
    assert.equal(s.platform.timers.length, 1);
    assert.equal(s.platform.timers[0].ms, 0); // the completion task
    s.platform.step();
    assert.deepEqual(seen, [false]);
  });

  test("one completion task serves completions of several channels", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    ch2.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    ch2.issuePending();
    s.provider.finish(0);
    s.provider.finish(1);
    s.platform.step();
    assert.equal(s.platform.timers.filter((t) => t.ms === 0).length, 1);
    s.platform.settle();
    assert.equal(r.calls.length, 2);
  });

  test("a bus error calls back read_failed/write_failed with the residue; the next one still runs", () => {
    var s = setup(), b = s.pair(32), r = recorder();
    var c1 = s.ch.prepMemcpy(b.dst, b.src, 32, { callback: r.cb }).submit();
    var c2 = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.fail(0, "read_failed", 12);
    s.platform.step();
    s.provider.fail(0, "write_failed", 0);
    s.platform.settle();
    assert.deepEqual(r.calls, [{ result: "read_failed", residue: 20 }, { result: "write_failed", residue: 16 }]);
    assert.deepEqual(s.ch.txStatus(c1), { status: "error", residue: 20 });
    assert.equal(s.ch.txStatus(c2).status, "error");
  });

  test("a callback that throws is reported and later descriptors still complete", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => { throw new Error("boom"); } }).submit();
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step();
    s.platform.step();
    assert.equal(s.platform.reports.length, 1);
    assert.equal(s.platform.reports[0].message, "boom");
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }]);
  });

  test("a callback may issue the next transfer", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    s.ch.prepMemcpy(b.dst, b.src, 16, {
      callback: () => { s.ch.prepMemcpy(b.dst, b.src, 8, { callback: r.cb }).submit(); s.ch.issuePending(); },
    }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step();
    s.platform.step();
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(r.calls.length, 1);
  });

  test("pause stops polling and reports paused; resume continues", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    var c = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.ch.pause();
    assert.equal(s.provider.chan(0).paused, true);
    assert.equal(s.ch.txStatus(c).status, "paused");
    assert.equal(s.platform.timers.length, 0);
    s.ch.resume();
    assert.equal(s.provider.chan(0).paused, false);
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(r.calls.length, 1);
  });
});

describe("cyclic", () => {
  function cyc() {
    var s = setup(), r = recorder();
    var ch = s.engine.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    var ring = s.engine.alloc(64);
    var tx = ch.prepCyclic(ring, 16, "dev2mem", { callback: r.cb });
    var cookie = tx.submit();
    ch.issuePending();
    return { s, r, ch, cookie, tx };
  }

  test("calls back once per period, including several periods seen by one poll", () => {
    var c = cyc();
    c.s.provider.periods(1, 1);
    c.s.platform.step();
    c.s.platform.step();
    assert.equal(c.r.calls.length, 1);
    c.s.provider.periods(1, 3);
    c.s.platform.step();
    c.s.platform.step();
    assert.equal(c.r.calls.length, 4);
    assert.equal(c.ch.txStatus(c.cookie).status, "in_progress");
    assert.ok(c.s.platform.timers.length > 0, "keeps polling while the ring runs");
  });

  test("terminateAsync from inside a period callback stops further callbacks", () => {
    var s = setup(), n = 0;
    var ch = s.engine.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    var cookie = ch.prepCyclic(s.engine.alloc(64), 16, "dev2mem", { callback: () => { n++; ch.terminateAsync(); } }).submit();
    ch.issuePending();
    s.provider.periods(1, 3);
    s.platform.settle();
    assert.equal(n, 1);
    assert.equal(ch.txStatus(cookie).status, "aborted");
    ch.synchronize();
    assert.equal(s.platform.timers.length, 0);
  });

  test("pending periods get no callback after terminateAsync", () => {
    var c = cyc();
    c.s.provider.periods(1, 2);
    c.s.platform.step(); // queued, not yet notified
    c.ch.terminateAsync();
    c.s.platform.settle();
    assert.equal(c.r.calls.length, 0);
  });
});

describe("terminate clears a pause", () => {
  test("pause, terminateSync, then a new transfer starts and completes (the channel is not left paused)", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.ch.pause();
    s.ch.terminateSync();
    var c = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(s.ch.txStatus(c), { status: "complete", residue: 0 });
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }]);
  });
});
