// Issue 11: the seed's guarantees that a review broke on the real stack, and the decisions it
// asked for. Each test here failed on the code before the fix (the issue's numbering).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, recorder, code } from "./setup";
import { rig } from "../drivers/helpers";
import { createEngine } from "../../firmware/index";
import { pace } from "../../firmware/drivers/index";
import { setHeapBusy } from "../../firmware/platform/heap-guard";
import { pacing, prng } from "../drivers/helpers";

/** The core over the real STM32 provider on the virtual MCU, with the completion task held
 * back (setTimeout 0 is queued in `held`), so a test can act while a callback is due. */
function heldStack(name: string, seed = 1, schedule: "normal" | "adversarial" = "normal") {
  var r = rig(name, { seed, schedule });
  var held: (() => void)[] = [];
  var p: any = Object.create(r.p);
  p.setTimeout = (fn: () => void, ms: number) => (ms === 0 ? (held.push(fn), -held.length) : r.p.setTimeout(fn, ms));
  p.clearTimeout = (id: any) => (id < 0 ? (held[-id - 1] = () => {}) : r.p.clearTimeout(id));
  var engine = createEngine(p, r.prov);
  return { ...r, engine, held };
}

function enabled(r: any, ch: any): boolean {
  return (r.p.peek32(ch._pc._cr) & 1) === 1;
}

describe("bug 1: synchronize() covers what a callback it runs terminates", () => {
  for (const name of ["pico", "original"]) {
    test(name + ": a due callback terminates the next, running transfer: synchronize() waits for its stop", () => {
      var s = heldStack(name);
      var ch = s.engine.requestChannel({ request: "mem2mem" });
      var a = s.p.directAlloc(16), a2 = s.p.directAlloc(16), b = s.p.directAlloc(4000), b2 = s.p.directAlloc(4000);
      var ran: string[] = [];
      var cA = ch.prepMemcpy(a2, a, 16, { callback: () => { ran.push("A"); ch.terminateAsync(); } }).submit();
      var cB = ch.prepMemcpy(b2, b, 4000, { callback: () => ran.push("B") }).submit();
      ch.issuePending();
      assert.ok(s.loop.runUntilTrue(() => s.held.length > 0, 100), "A completed (its callback is due)");
      assert.equal(ch.txStatus(cA).status, "complete");
      assert.equal(ch.txStatus(cB).status, "in_progress", "B started from the completion poll");
      ch.synchronize();
      assert.deepEqual(ran, ["A"]);
      assert.equal(ch.txStatus(cB).status, "aborted");
      assert.equal(enabled(s, ch), false, "EN reads 0 when synchronize() returns");
      // The buffers are the client's again: free them, nothing may write there any more.
      s.p.directFree(b2);
      s.loop.advanceBy(5);
      assert.deepEqual(s.mcu.violations, []);
      // And the channel is usable at once.
      ch.prepMemcpy(a2, a, 16).submit();
      assert.doesNotThrow(() => ch.issuePending());
      s.loop.runUntilIdle(100);
    });
  }
});

describe("bug 2: a timeout that is not a number of ms is refused (the stop stays bounded)", () => {
  for (const bad of [NaN, "abc", {}, -1, Infinity, null]) {
    test("synchronize / terminateSync / release (" + String(bad) + "): EINVAL, nothing changes", () => {
      var s = setup(), b = s.pair(16);
      var cookie = s.ch.prepMemcpy(b.dst, b.src, 16).submit();
      s.ch.issuePending();
      var before = s.provider.log.length;
      for (const f of [() => s.ch.synchronize(bad as any), () => s.ch.terminateSync(bad as any), () => s.ch.release(bad as any)]) {
        assert.equal(code(f), "EINVAL");
      }
      assert.deepEqual(s.provider.log.slice(before), [], "no provider call");
      assert.equal(s.ch.txStatus(cookie).status, "in_progress");
      assert.ok(!s.ch._released);
      s.ch.terminateSync(0);
    });
  }
  test("on the real stack a stream that never stops times out with synchronize(0)", () => {
    var s = heldStack("pico");
    var ch = s.engine.requestChannel({ request: "mem2mem" });
    var a = s.p.directAlloc(64), b = s.p.directAlloc(64);
    ch.prepMemcpy(b, a, 64).submit();
    ch.issuePending();
    ch.terminateAsync();
    // Hold EN at 1 (a stuck stream): the model's control register ignores the clear.
    var cr = (ch._pc as any)._cr, real = s.p.peek32.bind(s.p);
    s.p.peek32 = (addr: number) => (addr === cr ? real(addr) | 1 : real(addr));
    assert.equal(code(() => ch.synchronize(0)), "ETIMEDOUT");
  });
});

describe("bug 3: the heap cannot move between prep and the end of a transfer", () => {
  test("a buffer moved after prep (E.defrag) is refused at submit with EFAULT", () => {
    var s = setup(), b = s.pair(16);
    var tx = s.ch.prepMemcpy(b.dst, b.src, 16);
    s.platform.placeAt(b.dst, 0x20010000);
    assert.equal(code(() => tx.submit()), "EFAULT");
    assert.equal(s.ch._q.length, 0);
  });
  test("the heap guard rises at submit, before issuePending()", () => {
    var s = setup(), b = s.pair(16);
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    assert.deepEqual(s.platform.inFlightLog, [true]);
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(s.platform.inFlightLog, [true, false]);
  });
});

describe("bug 4: the heap guard passes arguments through and guards E.openFile", () => {
  test("E.toFlatString keeps its argument count; defrag, toFlatString, openFile refused while busy", () => {
    var counts: number[] = [];
    var E: any = {
      defrag: () => "d",
      toFlatString: function () { counts.push(arguments.length); return "f"; },
      openFile: (path: string, mode: string) => path + ":" + mode,
    };
    setHeapBusy(E, true);
    for (const f of [() => E.defrag(), () => E.toFlatString("a"), () => E.openFile("x", "r")]) {
      assert.throws(f, (e: any) => e.code === "EBUSY" && /terminateSync\(\)/.test(e.message));
    }
    setHeapBusy(E, false);
    assert.equal(E.toFlatString("a"), "f");
    E.toFlatString("a", "b", "c");
    E.toFlatString();
    assert.deepEqual(counts, [1, 3, 0]);
    assert.equal(E.openFile("x", "r"), "x:r");
    assert.equal(E.defrag(), "d");
  });
});

describe("bug 5: an aborted transfer's residue is exact once synchronize() returned", () => {
  for (const name of ["pico", "original"]) {
    test(name + ": paced transfers terminated at seeded points, adversarial schedules", () => {
      var rnd = prng(7);
      for (var seed = 1; seed <= 12; seed++) {
        var s = heldStack(name, seed, "adversarial");
        var pz = pacing(name);
        s.p.poke32(pz.gpioEnr, s.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
        var outs: number[] = [];
        s.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr & 0xff);
        var pacer = pace(s.p, pz.timer, 10000, name);
        var ch = s.engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
        ch.config({ periphAddr: pz.odr, periphWidth: pz.outWidth || undefined }); // F1 GPIO: 32-bit writes (issue 12)
        var buf = s.p.directAlloc(100);
        for (var i = 0; i < 100; i++) buf[i] = i + 1;
        var cookie = ch.prepSlaveSg([buf], "mem2dev").submit();
        ch.issuePending();
        s.loop.runUntil(s.loop.now() + 0.5 + rnd() * 8);
        ch.terminateAsync();
        ch.synchronize();
        var st = ch.txStatus(cookie);
        assert.equal(st.status, "aborted");
        assert.equal(100 - st.residue, outs.length, "seed " + seed + ": residue " + st.residue + ", items out " + outs.length);
        pacer.stop();
      }
    });
  }
});

describe("bug 6: a released channel's terminateAll()", () => {
  test("throws EPERM without using up the deprecation warning", () => {
    var s = setup();
    s.ch.release();
    assert.equal(code(() => s.ch.terminateAll()), "EPERM");
    assert.deepEqual(s.platform.warnings, []);
    s.engine.requestChannel({ request: "mem2mem" }).terminateAll();
    assert.equal(s.platform.warnings.length, 1);
  });
});

describe("decision: pause() / resume() where they cannot act throw EPERM (as Linux's drivers)", () => {
  test("pause with nothing running, pause twice, resume when not paused", () => {
    var s = setup(), b = s.pair(16);
    assert.equal(code(() => s.ch.pause()), "EPERM");
    assert.equal(code(() => s.ch.resume()), "EPERM");
    s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    s.ch.issuePending();
    s.ch.pause();
    assert.equal(code(() => s.ch.pause()), "EPERM");
    s.ch.resume();
    assert.equal(code(() => s.ch.resume()), "EPERM");
    assert.deepEqual(s.provider.log.filter((l) => /^(pause|resume)/.test(l)), ["pause fake0", "resume fake0"]);
  });
});

describe("decision: overlapping memcpy ranges are refused (EINVAL)", () => {
  test("dst and src overlapping by one byte, either way; adjacent is fine", () => {
    var s = setup(), area = s.engine.alloc(64);
    assert.equal(code(() => s.ch.prepMemcpy(area.subarray(8, 24), area.subarray(0, 16), 16)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(area.subarray(0, 16), area.subarray(15, 31), 16)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(area, area, 16)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(area.subarray(16, 32), area.subarray(0, 16), 16)), "no error");
  });
});

describe("decision: a provider start() that throws inside the poll", () => {
  test("fails that descriptor only; the poll's other events are still handled", () => {
    var s = setup(), b = s.pair(16), r1 = recorder(), r2 = recorder();
    var ch2 = s.engine.requestChannel({ request: "mem2mem" });
    var c1 = s.ch.prepMemcpy(b.dst, b.src, 16, { callback: r1.cb }).submit();
    var c1b = s.ch.prepMemcpy(b.dst, b.src, 8, { callback: r1.cb }).submit();
    var c1c = s.ch.prepMemcpy(b.dst, b.src, 4, { callback: r1.cb }).submit();
    var c2 = ch2.prepMemcpy(b.dst, b.src, 16, { callback: r2.cb }).submit();
    s.ch.issuePending();
    ch2.issuePending();
    var start = s.provider.start.bind(s.provider), fails = 1;
    s.provider.start = (pc: any, hw: any) => {
      if (pc === s.provider.chan(0) && fails-- > 0) throw new Error("start refused");
      start(pc, hw);
    };
    s.provider.finish(0);
    s.provider.finish(1);
    s.platform.step(); // the poll: both complete; channel 0's next start throws
    assert.equal(s.platform.reports.length, 1);
    assert.equal(ch2.txStatus(c2).status, "complete", "the other channel's event was handled");
    assert.equal(s.ch.txStatus(c1b).status, "error");
    assert.equal(s.ch.txStatus(c1c).status, "in_progress", "the next one started");
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(r1.calls, [{ result: "ok", residue: 0 }, { result: "aborted", residue: 8 }, { result: "ok", residue: 0 }]);
    assert.deepEqual(r2.calls, [{ result: "ok", residue: 0 }]);
    assert.equal(s.ch.txStatus(c1).status, "complete");
  });
  test("from issuePending() it throws to the caller and the descriptor stays issued", () => {
    var s = setup(), b = s.pair(16);
    var c = s.ch.prepMemcpy(b.dst, b.src, 16).submit();
    var start = s.provider.start.bind(s.provider), fails = 1;
    s.provider.start = (pc: any, hw: any) => { if (fails-- > 0) throw new Error("start refused"); start(pc, hw); };
    assert.throws(() => s.ch.issuePending(), /start refused/);
    assert.equal(s.ch.txStatus(c).status, "in_progress");
    s.ch.issuePending();
    assert.ok(s.provider.log.some((l) => l.startsWith("start fake0")));
    s.ch.terminateSync();
  });
});

describe("poll rework: scatter-gather segments are chained when each is due to end", () => {
  test("pico: 150/50/150/50 items at 1 kHz take 400 ms (not a whole-list poll period per gap)", () => {
    var s = heldStack("pico");
    s.held.length = 0;
    var pz = pacing("pico");
    s.p.poke32(pz.gpioEnr, s.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
    var pacer = pace(s.p, pz.timer, 1000, "pico");
    var ch = s.engine.requestChannel({ request: pacer.request, dir: "mem2dev" });
    ch.config({ periphAddr: pz.odr });
    var outs = 0;
    s.mcu.gpio[0].onOutput = () => { outs++; };
    var bufs = [150, 50, 150, 50].map((n) => s.p.directAlloc(n));
    bufs.forEach((b) => { for (var i = 0; i < b.length; i++) b[i] = i & 1 ? 0x55 : 0xaa; });
    var t0 = s.loop.now(), cookie = ch.prepSlaveSg(bufs, "mem2dev").submit();
    ch.issuePending();
    assert.ok(s.loop.runUntilTrue(() => ch.txStatus(cookie).status === "complete", 1000));
    var took = s.loop.now() - t0;
    assert.equal(outs, 400);
    assert.ok(took >= 400 && took < 402, "took " + took + " ms");
    pacer.stop();
  });
});
