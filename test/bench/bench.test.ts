// Tests of the bench's own machinery (not of the figures: the bench reports, it never fails):
// the paced line on a manual clock, the relay's integrity, the register counter and the item
// counter on the virtual MCU, and the shape of `--json`.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Line, Clock, pacedLink } from "../../host/bench/paced-link";
import { rig } from "../../host/bench/driver";
import { SPECS } from "../../host/bench/bench";
import { ROOT } from "../../host/scenarios/bundle";

/** A clock that moves only when told, with its timers. */
function manualClock() {
  var t = 0, timers: { at: number; fn: () => void; dead: boolean }[] = [];
  var c: Clock & { advanceTo(ms: number): void } = {
    now: () => t,
    after(ms, fn) {
      var e = { at: t + ms, fn, dead: false };
      timers.push(e);
      return { cancel: () => { e.dead = true; } };
    },
    advanceTo(ms) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        var i = timers.findIndex((e) => !e.dead && e.at <= ms);
        if (i < 0) break;
        var e = timers.splice(i, 1)[0];
        t = Math.max(t, e.at);
        e.fn();
      }
      t = ms;
    },
  };
  return c;
}

describe("paced line", () => {
  test("delivers in order, never faster than the baud rate, and all of it by the last bit", () => {
    var clock = manualClock(), got: number[] = [], at: [number, number][] = [];
    var perMs = 115200 / 10 / 1000; // 11.52 bytes per ms
    var line = new Line(perMs, (b) => { for (const x of b) got.push(x); at.push([clock.now(), got.length]); }, clock);
    var data = Buffer.alloc(1152);
    for (var i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    line.push(data);
    for (var ms = 5; ms <= 100; ms += 5) {
      clock.advanceTo(ms);
      assert.ok(got.length <= Math.floor(ms * perMs + 1e-9), got.length + " bytes by " + ms + " ms");
    }
    assert.deepEqual(Buffer.from(got), data);
    assert.equal(line.pending(), 0);
    for (const [t, n] of at) assert.ok(n <= t * perMs + 1e-6, n + " bytes at " + t + " ms");
  });

  test("an idle line banks no credit: a later burst still takes its own line time", () => {
    var clock = manualClock(), got = 0;
    var line = new Line(1, (b) => { got += b.length; }, clock); // 1 byte per ms
    clock.advanceTo(1000);
    line.push(Buffer.alloc(32));
    clock.advanceTo(1015);
    assert.equal(got, 0, "the first 16-byte piece is due at 1016 ms");
    clock.advanceTo(1016);
    assert.equal(got, 16);
    clock.advanceTo(1032);
    assert.equal(got, 32);
  });
});

describe("paced relay", () => {
  test("relays every byte both ways, intact, and counts them", async () => {
    var echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    var link = await pacedLink({ host: "127.0.0.1", port: (echo.address() as net.AddressInfo).port }, 10000000);
    var data = Buffer.alloc(5000);
    for (var i = 0; i < data.length; i++) data[i] = (i * 13 + 5) & 0xff;
    var c = net.connect(link.port, "127.0.0.1");
    var back: Buffer[] = [], n = 0;
    await new Promise<void>((resolve) => {
      c.on("data", (b) => { back.push(b); n += b.length; if (n >= data.length) resolve(); });
      c.write(data);
    });
    c.end();
    await link.sessions[0].drained;
    assert.deepEqual(Buffer.concat(back), data);
    assert.equal(link.sessions[0].toBoard, data.length);
    assert.equal(link.sessions[0].toClient, data.length);
    await link.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });
});

describe("counting on the virtual MCU", () => {
  for (const board of ["pico", "original"]) {
    test(board + ": every peek32/poke32 through the counted platform is counted once", () => {
      var r = rig(board);
      var enr = r.board.rcc.base + r.board.rcc.dmaEnr;
      assert.equal(r.count(() => { r.counted.poke32(enr, r.counted.peek32(enr) | 1); }), 2);
      assert.equal(r.count(() => { r.p.peek32(enr); }), 0, "the bench's own set-up is not counted");
      // A memcpy start writes at least PAR, MAR, NDTR and CR (RM0090 10.3.17, RM0008 13.3.3).
      var ch = r.engine.requestChannel({ request: "mem2mem" });
      var n = r.count(() => {
        ch.prepMemcpy(r.p.directAlloc(64), r.p.directAlloc(64), 64).submit();
        ch.issuePending();
      });
      assert.ok(n >= 4, n + " accesses");
    });

    test(board + ": data items are seen in the trace (the terminate figure counts them)", () => {
      var r = rig(board, { traceItems: true });
      var ch = r.engine.requestChannel({ request: "mem2mem" });
      ch.prepMemcpy(r.p.directAlloc(512), r.p.directAlloc(512), 512).submit();
      var mark = r.mcu.trace.length;
      ch.issuePending();
      r.loop.runUntilIdle(100);
      var items = r.mcu.trace.slice(mark).filter((e) => e.type === "item").length;
      assert.equal(items, 512, "one item per byte of a byte-wide memcpy");
    });
  }
});

test("--json prints one object with every metric, a number or null", () => {
  var r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host", "bench", "bench.ts"), "--json", "--no-build", "--skip", "upload,suite,race"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0);
  var lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, r.stdout);
  var j = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(j), ["metrics"]);
  assert.deepEqual(Object.keys(j.metrics).sort(), SPECS.map((s) => s.name).sort());
  for (const k in j.metrics) assert.ok(j.metrics[k] === null || typeof j.metrics[k] === "number", k);
  assert.equal(j.metrics.race_schedules_per_min, null);
  assert.match(r.stderr, /race_schedules_per_min = null: --skip race/);
  assert.equal(typeof j.metrics.reg_access_start_memcpy_f4, "number");
});

describe("allocation counter (host/bench/allocs.ts)", () => {
  test("counts literals, closures, new, new arrays and timers, not numbers or strings", async () => {
    var { instrument } = await import("../../host/bench/allocs");
    var vm = await import("node:vm");
    var code = instrument([
      "function f(a) { var x = a + 1, s = 'k' + a; return x; }",
      "function g(a) { function inner() {} var o = { a: [1, 2] }, c = function () {}; return [a].map(function (v) { return v; }).concat(new Array(2)); }",
      "function h(fn) { return setTimeout(fn, 1); }",
    ].join("\n"));
    var ctx: any = { setTimeout: () => 1 };
    vm.runInNewContext(code + "\nf(1); var a0 = __A.n; g(1); var a1 = __A.n; h(f); var a2 = __A.n;", ctx);
    assert.equal(ctx.a0, 0, "numbers and strings are not counted");
    // g: inner (declaration), {..}, [1, 2], function () {}, [a], .map, its callback, .concat, new Array
    assert.equal(ctx.a1, 9);
    assert.equal(ctx.a2 - ctx.a1, 1, "a timer");
  });
});
