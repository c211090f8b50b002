// The seed's rules: terminateAsync / synchronize / terminateSync / terminateAll / release.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, recorder, code } from "./setup";

function running() {
  var s = setup(), b = s.pair(32), r = recorder();
  var tx = s.ch.prepMemcpy(b.dst, b.src, 32, { callback: r.cb });
  var cookie = tx.submit();
  s.ch.issuePending();
  return { s, b, r, tx, cookie };
}

describe("terminateAsync", () => {
  test("aborts the active, issued and submitted descriptors without callbacks and without waiting", () => {
    var x = running();
    var c2 = x.s.ch.prepMemcpy(x.b.dst, x.b.src, 8, { callback: x.r.cb }).submit();
    x.s.ch.issuePending();
    var c3 = x.s.ch.prepMemcpy(x.b.dst, x.b.src, 8, { callback: x.r.cb }).submit();
    x.s.provider.chan(0).residue = 10;
    x.s.ch.terminateAsync();
    assert.ok(x.s.provider.log.includes("terminateAll fake0"));
    assert.ok(!x.s.provider.log.some((l) => l.startsWith("synchronize")), "must not wait");
    assert.deepEqual(x.s.ch.txStatus(x.cookie), { status: "aborted", residue: 10 });
    assert.equal(x.s.ch.txStatus(c2).status, "aborted");
    assert.equal(x.s.ch.txStatus(c3).status, "aborted");
    x.s.ch.synchronize();
    x.s.platform.settle();
    assert.deepEqual(x.r.calls, []);
  });

  test("a completed descriptor whose callback has not run yet is aborted and never called back", () => {
    var x = running();
    x.s.provider.finish(0);
    x.s.platform.step(); // poll: completed, callback pending
    assert.equal(x.s.ch.txStatus(x.cookie).status, "complete");
    x.s.ch.terminateAsync();
    x.s.platform.settle();
    assert.deepEqual(x.r.calls, []);
    assert.equal(x.s.ch.txStatus(x.cookie).status, "aborted");
  });

  test("is allowed inside a completion callback of the same channel", () => {
    var s = setup(), b = s.pair(16), r = recorder(), err: any = null;
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => { try { s.ch.terminateAsync(); } catch (e) { err = e; } } }).submit();
    var c2 = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r.cb }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(err, null);
    assert.equal(s.ch.txStatus(c2).status, "aborted");
    assert.deepEqual(r.calls, []);
  });

  test("keeps the buffers of terminated descriptors referenced until synchronize()", () => {
    var x = running();
    x.s.ch.terminateAsync();
    assert.deepEqual(x.tx._bufs, [x.b.dst, x.b.src]);
    assert.deepEqual(x.s.platform.inFlightLog, [true]);
    x.s.ch.synchronize();
    assert.equal(x.tx._bufs, null);
    assert.deepEqual(x.s.platform.inFlightLog, [true, false]);
  });

  test("stops the poll timer (nothing moves any more)", () => {
    var x = running();
    assert.equal(x.s.platform.timers.length, 1);
    x.s.ch.terminateAsync();
    assert.equal(x.s.platform.timers.length, 0);
  });
});

describe("synchronize", () => {
  test("returns after the provider confirmed the stop, also when the stop takes a few checks", () => {
    var x = running();
    x.s.provider.stopChecks = 5;
    x.s.ch.terminateAsync();
    x.s.ch.synchronize();
    assert.deepEqual(x.s.provider.log.slice(-3), ["terminateAll fake0", "synchronize fake0 100", "stopped fake0"]);
    assert.equal(x.s.provider.chan(0).stopping, false);
  });

  test("passes the caller's timeout to the provider", () => {
    var x = running();
    x.s.ch.terminateAsync();
    x.s.ch.synchronize(250);
    assert.ok(x.s.provider.log.includes("synchronize fake0 250"));
  });

  test("on ETIMEDOUT keeps the buffers pinned and issuePending refused; a later synchronize succeeds", () => {
    var x = running();
    x.s.provider.neverStop = true;
    x.s.ch.terminateAsync();
    assert.equal(code(() => x.s.ch.synchronize()), "ETIMEDOUT");
    assert.deepEqual(x.tx._bufs, [x.b.dst, x.b.src]);
    assert.equal(code(() => x.s.ch.issuePending()), "EBUSY");
    assert.equal(x.s.platform.inFlightLog[x.s.platform.inFlightLog.length - 1], true);
    x.s.provider.neverStop = false;
    x.s.ch.synchronize();
    assert.equal(x.tx._bufs, null);
  });

  test("a stop slower than the provider's budget times out once, then completes", () => {
    var x = running();
    x.s.provider.stopChecks = 15; // budget 10 per synchronize
    x.s.ch.terminateAsync();
    assert.equal(code(() => x.s.ch.synchronize()), "ETIMEDOUT");
    x.s.ch.synchronize();
    assert.ok(x.s.provider.log.includes("stopped fake0"));
  });

  test("cancels the pending completion task of terminated descriptors (no timer left)", () => {
    var x = running();
    x.s.provider.finish(0);
    x.s.platform.step(); // completion task scheduled
    assert.equal(x.s.platform.timers.length, 1);
    x.s.ch.terminateAsync();
    x.s.ch.synchronize();
    assert.equal(x.s.platform.timers.length, 0);
    assert.deepEqual(x.r.calls, []);
  });

  test("keeps another channel's pending completion", () => {
    var x = running(), r2 = recorder();
    var ch2 = x.s.engine.requestChannel({ request: "mem2mem" });
    ch2.prepMemcpy(x.b.dst, x.b.src, 8, { callback: r2.cb }).submit();
    ch2.issuePending();
    x.s.provider.finish(1);
    x.s.platform.step();
    x.s.ch.terminateSync();
    x.s.platform.settle();
    assert.equal(r2.calls.length, 1);
  });

  test("inside a callback of the same channel throws EDEADLK and changes nothing", () => {
    var s = setup(), b = s.pair(16), codes: string[] = [];
    var c2 = 0;
    s.ch.prepMemcpy(b.dst, b.src, 16, {
      callback: () => {
        codes.push(code(() => s.ch.synchronize()));
        codes.push(code(() => s.ch.terminateSync()));
        codes.push(code(() => s.ch.release()));
        assert.equal(s.ch.txStatus(c2).status, "in_progress");
      },
    }).submit();
    c2 = s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.step();
    var before = s.provider.log.length;
    s.platform.step();
    assert.deepEqual(codes, ["EDEADLK", "EDEADLK", "EDEADLK"]);
    assert.deepEqual(s.provider.log.slice(before), [], "no provider call");
    assert.ok(!s.ch._released, "not released");
    assert.equal(s.ch.txStatus(c2).status, "in_progress");
  });

  test("the EDEADLK message tells to use terminateAsync() and synchronize later", () => {
    var s = setup(), b = s.pair(16), msg = "";
    s.ch.prepMemcpy(b.dst, b.src, 16, { callback: () => { try { s.ch.synchronize(); } catch (e: any) { msg = e.message; } } }).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.match(msg, /terminateAsync\(\)/);
    assert.match(msg, /synchronize\(\) later/);
  });

  test("is refused from a callback of another channel too (EDEADLK), which changes nothing", () => {
    // Decision (README rule 3): a wait inside any callback busy-waits on a single-threaded board
    // and would run the other channel's callbacks nested in this one.
    var x = running(), codes: string[] = [];
    var ch2 = x.s.engine.requestChannel({ request: "mem2mem" });
    ch2.prepMemcpy(x.b.dst, x.b.src, 8, {
      callback: () => {
        codes.push(code(() => x.s.ch.synchronize()), code(() => x.s.ch.terminateSync()), code(() => x.s.ch.release()));
        codes.push(code(() => x.s.ch.terminateAsync())); // still fine: it does not wait
      },
    }).submit();
    ch2.issuePending();
    x.s.provider.finish(1);
    x.s.platform.settle();
    assert.deepEqual(codes, ["EDEADLK", "EDEADLK", "EDEADLK", "no error"]);
    assert.ok(!x.s.ch._released);
    assert.equal(x.s.ch.txStatus(x.cookie).status, "aborted");
    x.s.ch.synchronize();
  });
});

describe("issuePending after terminateAsync", () => {
  test("throws EBUSY until synchronize(), and the message says so", () => {
    var x = running(), msg = "";
    x.s.ch.terminateAsync();
    var c2 = x.s.ch.prepMemcpy(x.b.dst, x.b.src, 8).submit();
    try { x.s.ch.issuePending(); } catch (e: any) { msg = e.code + " " + e.message; }
    assert.match(msg, /^EBUSY .*synchronize\(\)/);
    assert.equal(x.s.ch.txStatus(c2).status, "in_progress");
    x.s.ch.synchronize();
    x.s.ch.issuePending();
    assert.equal(x.s.provider.log.filter((l) => l.startsWith("start")).length, 2);
  });

  test("after terminate + synchronize the channel carries a new transfer correctly", () => {
    var x = running(), r = recorder();
    x.s.ch.terminateSync();
    var b = x.s.pair(48);
    var c = x.s.ch.prepMemcpy(b.dst, b.src, 48, { callback: r.cb }).submit();
    x.s.ch.issuePending();
    x.s.provider.finish(0);
    x.s.platform.settle();
    assert.deepEqual(Array.from(b.dst), Array.from(b.src));
    assert.deepEqual(r.calls, [{ result: "ok", residue: 0 }]);
    assert.equal(x.s.ch.txStatus(c).status, "complete");
    assert.deepEqual(x.r.calls, []);
  });
});

describe("terminateSync, terminateAll, release", () => {
  test("terminateSync terminates then synchronizes", () => {
    var x = running();
    x.s.ch.terminateSync();
    assert.deepEqual(x.s.provider.log.slice(-3), ["terminateAll fake0", "synchronize fake0 100", "stopped fake0"]);
    assert.equal(x.s.ch.txStatus(x.cookie).status, "aborted");
    assert.equal(x.tx._bufs, null);
  });

  test("terminateAll is terminateAsync and warns once per engine", () => {
    var x = running();
    x.s.ch.terminateAll();
    assert.equal(x.s.ch.txStatus(x.cookie).status, "aborted");
    assert.ok(!x.s.provider.log.some((l) => l.startsWith("synchronize")));
    var ch2 = x.s.engine.requestChannel({ request: "mem2mem" });
    ch2.terminateAll();
    x.s.ch.synchronize();
    x.s.ch.terminateAll();
    assert.equal(x.s.platform.warnings.length, 1);
    assert.match(x.s.platform.warnings[0], /deprecated.*terminateAsync/);
  });

  test("release synchronizes before freeing the hardware channel", () => {
    var x = running();
    x.s.provider.stopChecks = 3;
    x.s.ch.release();
    var l = x.s.provider.log;
    assert.ok(l.indexOf("stopped fake0") >= 0 && l.indexOf("stopped fake0") < l.indexOf("free fake0"));
    assert.equal(x.s.provider.chan(0).freed, true);
    assert.equal(x.s.platform.timers.length, 0);
  });

  test("terminateAsync(); release() is safe and a timed-out release keeps the channel", () => {
    var x = running();
    x.s.provider.neverStop = true;
    x.s.ch.terminateAsync();
    assert.equal(code(() => x.s.ch.release()), "ETIMEDOUT");
    assert.equal(x.s.provider.chan(0).freed, false);
    x.s.provider.neverStop = false;
    x.s.ch.release();
    assert.equal(x.s.provider.chan(0).freed, true);
  });

  test("a released channel refuses every call with EPERM", () => {
    var x = running();
    x.s.ch.release();
    var ch = x.s.ch, b = x.b;
    for (var f of [() => ch.prepMemcpy(b.dst, b.src, 8), () => ch.issuePending(), () => ch.terminateAsync(),
      () => ch.synchronize(), () => ch.release(), () => ch.txStatus(x.cookie), () => ch.pause(), () => ch.config({})]) {
      assert.equal(code(f), "EPERM");
    }
    assert.equal(code(() => x.tx.submit()), "EPERM");
  });
});
