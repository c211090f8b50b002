// Rules of issue 2 / the seed that the other core tests did not pin down on their own (found
// by an audit that broke each rule in the core and checked that some test failed).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, recorder, code } from "./setup";

describe("synchronize leaves no callback pending", () => {
  test("a completed descriptor's due callback runs before synchronize() returns, and no timer is left", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step(); // poll: completed, completion task pending
    assert.deepEqual(r.calls, []);
    s.ch.synchronize();
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }], "the callback ran inside synchronize()");
    assert.equal(s.platform.timers.length, 0, "no completion task left");
    s.platform.settle();
    assert.equal(r.calls.length, 1, "and it ran once");
  });

  test("a callback run by synchronize() is in callback context: synchronize there is EDEADLK", () => {
    var s = setup(), b = s.pair(16), got = "";
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => { got = code(() => s.ch.synchronize()); } }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step();
    s.ch.synchronize();
    assert.equal(got, "EDEADLK");
  });
});

describe("aborted is remembered", () => {
  test("txStatus says aborted after synchronize() dropped the descriptor, and complete for old cookies", () => {
    var s = setup(), b = s.pair(16);
    var c1 = s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.ch.terminateSync();
    assert.deepEqual(s.ch.txStatus(c1), { status: "aborted", residue: 16 });
    // 40 more transfers: c1 is beyond what a channel remembers and, as in Linux, reads done.
    for (var i = 0; i < 40; i++) {
      s.ch.prepMemcpy(b.dst, b.src, 8).submit();
      s.ch.issuePending();
      s.provider.finish(0);
      s.platform.settle();
    }
    assert.deepEqual(s.ch.txStatus(c1), { status: "complete", residue: 0 });
    assert.deepEqual(s.ch.txStatus(c1 + 40), { status: "complete", residue: 0 });
  });
});

describe("descriptors end exactly once", () => {
  test("every submitted descriptor gets one callback or is aborted with none, across terminates", () => {
    var s = setup(), b = s.pair(16), calls: { [c: number]: number } = {}, cookies: number[] = [];
    function prep() {
      var tx: any = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => { calls[tx._cookie] = (calls[tx._cookie] || 0) + 1; } });
      cookies.push(tx.submit());
    }
    prep(); prep(); prep();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step(); // #1 completed, callback pending
    s.ch.terminateAsync(); // #1 (completed, not notified), #2 (active), #3 (issued): aborted
    prep(); // submitted after terminate: survives synchronize
    s.ch.synchronize();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    var st = cookies.map((c) => s.ch.txStatus(c).status);
    assert.deepEqual(st, ["aborted", "aborted", "aborted", "complete"]);
    assert.deepEqual(calls, { 4: 1 });
  });

  test("a cyclic ring whose callback throws keeps calling back per period", () => {
    var s = setup(), n = 0;
    var rx = s.engine.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    rx.prepCyclic(s.engine.alloc(64), 16, "dev2mem", { callback: () => { n++; throw new Error("period " + n); } }).submit();
    rx.issuePending();
    s.provider.periods(1, 2);
    s.platform.step();
    s.platform.step();
    s.provider.periods(1, 1);
    s.platform.step();
    s.platform.step();
    assert.equal(n, 3);
    assert.deepEqual(s.platform.reports.map((e: any) => e.message), ["period 1", "period 2", "period 3"]);
  });
});

describe("provider contract, as the core drives it", () => {
  test("terminateAsync never waits: no synchronize, and no provider call that could block", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    var before = s.provider.log.length;
    s.provider.neverStop = true; // a synchronize would throw ETIMEDOUT
    s.ch.terminateAsync();
    assert.deepEqual(s.provider.log.slice(before), ["terminateAll fake0"]);
  });

  test("a provider start() that throws leaves the descriptor issued and the channel usable", () => {
    var s = setup(), b = s.pair(16), r = recorder();
    var real = s.provider.start.bind(s.provider), fail = true;
    s.provider.start = (pc: any, hw: any) => { if (fail) throw new Error("busy"); real(pc, hw); };
    var c = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    assert.throws(() => s.ch.issuePending(), /busy/);
    assert.equal(s.ch.txStatus(c).status, "in_progress");
    fail = false;
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }]);
  });
});
