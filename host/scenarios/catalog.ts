// The scenarios: each a program of agent steps, the invariants it checks, and its expectations.
// Transfers that must still be running when the test acts on them are timer-paced captures
// (a memcpy finishes within a few CPU accesses, on a board as on the virtual one).
import type { BoardDef } from "../../boards/types";
import type { Check, Scenario, Trace } from "./types";
import { cbCount, expectCall, expectThat, statusOf } from "./invariants";
import { checkCopy, controlRegisters, en, memcpy, pacedCapture, pacingTimer, startPacing, stopPacing, spinAddr } from "./steps";

/** Timer-paced capture of len bytes from GPIOA into buffer `buf` on channel ch, as descriptor tx. */
function capture(board: BoardDef, ch: string, tx: string, len: number, hz: number, opts: { onCb?: any[]; alloc?: boolean } = {}): any[] {
  var s: any[] = [];
  if (opts.alloc !== false) s.push(...pacedCapture(board, ch), { op: "alloc", buf: tx + "_dst", len });
  s.push(...startPacing(board, hz));
  s.push({ op: "sg", ch, tx, bufs: [tx + "_dst"], dir: "dev2mem", onCb: opts.onCb }, { op: "submit", tx }, { op: "issue", ch });
  return s;
}

/** terminate + synchronize done right: canary written after synchronize must stay intact. */
function canaryAfter(buf: string, waitMs: number): any[] {
  return [{ op: "fill", buf, pattern: "canary" }, { op: "wait", ms: waitMs }, { op: "checkCanary", buf }];
}

/** The transfer was really under way when the test acted on it (first status: in progress). */
function midway(t: Trace, tx: string): Check {
  var st = statusOf(t, tx, 0);
  return expectThat(0, tx + " was in progress when terminated", !!st && st.status === "in_progress", "status " + JSON.stringify(st));
}

function aborted(id: number, t: Trace, tx: string): Check {
  var st = statusOf(t, tx);
  return expectThat(id, tx + " reports aborted", !!st && st.status === "aborted", "status " + JSON.stringify(st));
}

function noCallback(id: number, t: Trace, tx: string): Check {
  var n = cbCount(t, tx);
  return expectThat(id, tx + " got no callback", n === 0, n + " callback(s)");
}

function oneCallback(id: number, t: Trace, tx: string, result = "ok"): Check {
  var cbs = t.events.filter((e) => e.t === "cb" && e.tx === tx);
  // The core's results: "ok" | "read_failed" | "write_failed" (dmaengine_result without the prefix).
  var ok = cbs.length === 1 && cbs[0].result === result;
  return expectThat(id, tx + " got one callback (" + result + ")", ok, cbs.length + " callback(s)" + (cbs[0] ? ", result " + cbs[0].result : ""));
}

// Why a scenario does not apply on the nRF52 boards.
const NO_MEM2MEM = (b: BoardDef) => (b.nrf52 ? "it needs memcpy: EasyDMA is built into each peripheral, there is no memory-to-memory DMA" : undefined);
const NO_PAUSE = (b: BoardDef) => (b.nrf52 ? "no nRF52 EasyDMA peripheral can pause; the driver refuses pause() with EPERM and the reason" : undefined);

export const scenarios: Scenario[] = [
  {
    name: "memcpy-ok",
    notFor: NO_MEM2MEM,
    title: "memcpy: dmatest patterns, guard bytes, random sizes and offsets",
    invariants: [3, 7],
    program(ctx) {
      var s: any[] = [{ op: "request", ch: "c", req: { dir: "mem2mem" } }];
      for (var k = 0; k < 4; k++) {
        var tx = "m" + k, len = ctx.int(1, 2048);
        s.push({ op: "alloc", buf: tx + "_src", len, guard: ctx.int(1, 19) }, { op: "alloc", buf: tx + "_dst", len, guard: ctx.int(1, 19) });
        s.push(...memcpy("c", tx, len, { seed: ctx.int(0, 255), alloc: false }));
        s.push({ op: "waitCb", tx, timeoutMs: 1000 }, checkCopy(tx), { op: "status", ch: "c", tx });
        // Free each pair: four pairs of up to 2 KB do not fit the Original's heap at once.
        s.push({ op: "free", buf: tx + "_src" }, { op: "free", buf: tx + "_dst" }, { op: "gc" });
      }
      s.push({ op: "dump" }, { op: "release", ch: "c" });
      return s;
    },
    expect(t) {
      var out: Check[] = [];
      for (var k = 0; k < 4; k++) {
        out.push(oneCallback(3, t, "m" + k));
        var st = statusOf(t, "m" + k);
        out.push(expectThat(7, "m" + k + " complete, residue 0", !!st && st.status === "complete" && st.residue === 0, JSON.stringify(st)));
      }
      return out;
    },
  },
  {
    name: "terminate-sync-mid",
    title: "terminateSync in the middle of a paced transfer",
    invariants: [1, 2, 3, 4],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 1024, 10000),
        { op: "wait", ms: 5 }, { op: "status", ch: "c", tx: "t" },
        { op: "terminateSync", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "t" },
        ...canaryAfter("t_dst", 5),
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [midway(t, "t"), expectCall(0, t, "terminateSync", { ok: true }), noCallback(3, t, "t"), aborted(3, t, "t")],
  },
  {
    name: "terminate-async-then-sync",
    title: "terminateAsync, then synchronize",
    invariants: [1, 2, 3, 4],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 1024, 10000),
        { op: "wait", ms: 5 }, { op: "status", ch: "c", tx: "t" },
        { op: "terminateAsync", ch: "c" },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "t" },
        ...canaryAfter("t_dst", 5),
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [midway(t, "t"), expectCall(0, t, "terminateAsync", { ok: true }), expectCall(0, t, "synchronize", { ok: true }), noCallback(3, t, "t"), aborted(3, t, "t")],
  },
  {
    name: "terminate-in-callback",
    notFor: NO_MEM2MEM,
    title: "terminateAsync from inside a completion callback, synchronize later",
    invariants: [1, 3, 5],
    program(ctx) {
      return [
        { op: "request", ch: "c", req: { dir: "mem2mem" } },
        ...memcpy("c", "a", 512, { onCb: [{ op: "terminateAsync", ch: "c" }] }).filter((x) => x.op !== "issue"),
        ...memcpy("c", "b", 512, { seed: 2 }),
        { op: "waitCb", tx: "a" }, { op: "wait", ms: 5 },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "b" },
        { op: "wait", ms: 5 }, { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [
      expectCall(5, t, "terminateAsync", { ok: true, inCb: true }),
      oneCallback(3, t, "a"), noCallback(3, t, "b"), aborted(3, t, "b"),
    ],
  },
  {
    name: "sync-in-callback",
    notFor: NO_MEM2MEM,
    title: "synchronize / terminateSync / release inside a callback are refused (EDEADLK)",
    invariants: [5, 8],
    program(ctx) {
      return [
        { op: "request", ch: "c", req: { dir: "mem2mem" } },
        ...memcpy("c", "a", 256, { onCb: [{ op: "synchronize", ch: "c", fails: true }, { op: "terminateSync", ch: "c", fails: true }, { op: "release", ch: "c", fails: true }] }),
        { op: "waitCb", tx: "a" }, checkCopy("a"),
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        ...memcpy("c", "b", 256, { seed: 3 }), { op: "waitCb", tx: "b" }, checkCopy("b"),
        { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [
      expectCall(5, t, "synchronize", { code: "EDEADLK", inCb: true }),
      expectCall(5, t, "terminateSync", { code: "EDEADLK", inCb: true }),
      expectCall(5, t, "release", { ok: false, inCb: true }),
      expectCall(5, t, "synchronize", { ok: true, inCb: false }, "synchronize outside the callback succeeds"),
      oneCallback(8, t, "b"),
    ],
  },
  {
    name: "issue-between",
    title: "issuePending between terminateAsync and synchronize throws EBUSY",
    invariants: [5, 8, 1, 3],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "a", 512, 10000),
        { op: "wait", ms: 3 },
        { op: "terminateAsync", ch: "c" },
        { op: "alloc", buf: "b_dst", len: 32 },
        { op: "sg", ch: "c", tx: "b", bufs: ["b_dst"], dir: "dev2mem" }, { op: "submit", tx: "b" },
        { op: "issue", ch: "c", fails: true },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "issue", ch: "c" },
        { op: "waitCb", tx: "b", timeoutMs: 500 }, { op: "checkValue", buf: "b_dst", value: 0xff },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [
      expectCall(5, t, "issuePending", { code: "EBUSY", nth: 1 }, "issuePending after terminateAsync fails with EBUSY"),
      expectCall(5, t, "issuePending", { ok: true, nth: 2 }, "issuePending after synchronize succeeds"),
      noCallback(3, t, "a"), oneCallback(8, t, "b"),
    ],
  },
  {
    name: "cyclic-stop-from-callback",
    title: "cyclic capture stopped from its own period callback",
    invariants: [1, 3, 5],
    program(ctx) {
      return [
        ...pacedCapture(ctx.board, "c"), { op: "alloc", buf: "ring", len: 256 },
        ...startPacing(ctx.board, 20000),
        { op: "cyclic", ch: "c", tx: "cy", buf: "ring", period: 64, dir: "dev2mem", onCb: [{ op: "terminateAsync", ch: "c", at: 3 }] },
        { op: "submit", tx: "cy" }, { op: "issue", ch: "c" },
        { op: "waitCb", tx: "cy", n: 3, timeoutMs: 500 }, { op: "wait", ms: 5 },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "cy" }, { op: "wait", ms: 10 },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [
      expectCall(5, t, "terminateAsync", { ok: true, inCb: true }),
      expectThat(3, "exactly 3 period callbacks", cbCount(t, "cy") === 3, cbCount(t, "cy") + " callbacks"),
      aborted(3, t, "cy"),
    ],
  },
  {
    name: "completed-not-notified",
    notFor: NO_MEM2MEM,
    title: "descriptor completed in hardware but not yet notified, then terminate: no callback",
    invariants: [1, 3],
    program(ctx) {
      return [
        { op: "request", ch: "c", req: { dir: "mem2mem" } },
        ...memcpy("c", "a", 256),
        // Keep the CPU busy (no event-loop turn) until the hardware is surely done.
        { op: "spin", addr: spinAddr(ctx.board), n: 400 },
        { op: "terminateAsync", ch: "c" },
        { op: "wait", ms: 10 },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "a" }, { op: "wait", ms: 5 },
        { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [noCallback(3, t, "a"), aborted(3, t, "a")],
  },
  {
    name: "pause-resume-residue",
    notFor: NO_PAUSE,
    title: "pause keeps the residue, resume finishes the transfer",
    invariants: [7, 3],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 256, 10000),
        { op: "wait", ms: 5 },
        { op: "pause", ch: "c" }, { op: "status", ch: "c", tx: "t" },
        { op: "wait", ms: 5 }, { op: "status", ch: "c", tx: "t" },
        { op: "resume", ch: "c" },
        { op: "waitCb", tx: "t", timeoutMs: 500 }, { op: "status", ch: "c", tx: "t" },
        { op: "checkValue", buf: "t_dst", value: 0xff },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect(t) {
      var a = statusOf(t, "t", 0), b = statusOf(t, "t", 1), c = statusOf(t, "t", 2);
      return [
        expectThat(7, "paused with a residue between 0 and the length", !!a && a.status === "paused" && a.residue > 0 && a.residue < 256, JSON.stringify(a)),
        expectThat(7, "residue unchanged while paused", !!a && !!b && a.residue === b.residue, JSON.stringify([a, b])),
        expectThat(7, "complete after resume, residue 0", !!c && c.status === "complete" && c.residue === 0, JSON.stringify(c)),
        oneCallback(3, t, "t"),
      ];
    },
  },
  {
    name: "terminate-while-paused",
    notFor: NO_PAUSE,
    title: "terminateSync on a paused channel",
    invariants: [1, 2, 3, 4],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 512, 10000),
        { op: "wait", ms: 3 }, { op: "pause", ch: "c" },
        { op: "terminateSync", ch: "c" }, en(ctx.board, "c"),
        { op: "status", ch: "c", tx: "t" },
        ...canaryAfter("t_dst", 5),
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [expectCall(0, t, "pause", { ok: true }), noCallback(3, t, "t"), aborted(3, t, "t")],
  },
  {
    name: "paced-canary",
    title: "timer-paced transfer terminated at a random point; canary after synchronize stays intact",
    invariants: [1, 2, 3, 4],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 1024, 20000),
        { op: "wait", ms: ctx.int(1, 40) }, { op: "status", ch: "c", tx: "t" },
        { op: "terminateAsync", ch: "c" }, { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        // The timer keeps requesting: a stream still enabled would write into the canary.
        ...canaryAfter("t_dst", 10),
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect: (t) => [midway(t, "t"), expectCall(0, t, "synchronize", { ok: true })],
  },
  {
    name: "channel-reuse",
    notFor: NO_MEM2MEM,
    title: "the channel carries a new transfer after terminate + synchronize",
    invariants: [8, 7, 1, 3],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "a", 512, 10000),
        { op: "wait", ms: 2 }, { op: "terminateSync", ch: "c" }, en(ctx.board, "c"),
        { op: "alloc", buf: "b_dst", len: 64 },
        { op: "sg", ch: "c", tx: "b", bufs: ["b_dst"], dir: "dev2mem" }, { op: "submit", tx: "b" }, { op: "issue", ch: "c" },
        { op: "waitCb", tx: "b", timeoutMs: 500 }, { op: "checkValue", buf: "b_dst", value: 0xff },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
        { op: "request", ch: "m", req: { dir: "mem2mem" } },
        ...memcpy("m", "x", 300), { op: "terminateSync", ch: "m" }, en(ctx.board, "m"),
        ...memcpy("m", "y", 300, { seed: 9 }), { op: "waitCb", tx: "y" }, checkCopy("y"),
        { op: "release", ch: "m" },
      ];
    },
    expect: (t) => [noCallback(3, t, "a"), oneCallback(8, t, "b"), oneCallback(8, t, "y")],
  },
  {
    name: "error-teif",
    notFor: (b) => (b.nrf52 ? "it injects DMA bus errors into a memcpy: EasyDMA has neither (no transfer-error event)" : undefined),
    title: "transfer error (TEIF) reported as the callback's result",
    invariants: [3],
    virtualOnly: true,
    program(ctx) {
      return [
        { op: "request", ch: "c", req: { dir: "mem2mem" } },
        ...memcpy("c", "a", 128),
        { op: "waitCb", tx: "a", timeoutMs: 500 }, { op: "status", ch: "c", tx: "a" },
        { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "release", ch: "c" },
      ];
    },
    setup(vb) {
      // Every DMA read from SRAM is a bus error while armed (RM0090 10.3.18 / RM0008 13.3.5: TEIF, EN cleared).
      var bus: any = (vb.mcu as any).dmaBus, read = bus.read;
      bus.read = function (m: any, pp: boolean, addr: number, size: number) {
        if (addr >= 0x20000000 && addr < 0x20100000) return -1;
        return read.call(this, m, pp, addr, size);
      };
      return () => { bus.read = read; };
    },
    expect(t) {
      var cbs = t.events.filter((e) => e.t === "cb" && e.tx === "a");
      var st = statusOf(t, "a");
      return [
        expectThat(3, "one callback with a read error", cbs.length === 1 && /fail|error/.test(String(cbs[0].result)), JSON.stringify(cbs)),
        expectThat(3, "status error", !!st && st.status === "error", JSON.stringify(st)),
      ];
    },
  },
  {
    name: "stuck-stream",
    title: "a stream that never stops: terminateSync times out (ETIMEDOUT), buffer kept",
    invariants: [4],
    virtualOnly: true,
    timeoutMs: 8000,
    program(ctx) {
      return [
        // (Puck.js has about 250 variable blocks free with driver and agent loaded as text:
        // 1 KB there, still 65 ms of SAADC samples at its slowest timer rate.)
        // (The Original: about 4 KB free with the current core and agent: 2 KB, 2 s at 1 kHz.)
        ...capture(ctx.board, "c", "t", ctx.board.nrf52 ? 1024 : ctx.board.family === "F1" ? 2048 : 4096, 1000),
        { op: "wait", ms: 2 },
        { op: "terminateSync", ch: "c", fails: true }, en(ctx.board, "c"),
        { op: "addr", buf: "t_dst" }, { op: "free", buf: "t_dst" }, { op: "gc" },
        ...stopPacing(ctx.board),
      ];
    },
    setup(vb, ctx) {
      // EN cannot be cleared: writes that clear EN of a control register keep it set. nRF52:
      // the SAADC ignores its STOP task (0x008), so STOPPED never comes.
      var regs = controlRegisters(ctx.board).map((r) => r.addr), nrf = !!ctx.board.nrf52;
      var mcu: any = vb.mcu, write = mcu.write32;
      mcu.write32 = function (addr: number, value: number) {
        if (nrf && addr >>> 0 === 0x40007008) return;
        if (!nrf && regs.indexOf(addr >>> 0) >= 0 && !(value & 1) && (this.read32(addr) & 1)) value |= 1;
        return write.call(this, addr, value);
      };
      return () => { mcu.write32 = write; };
    },
    expect(t) {
      var a = t.events.find((e) => e.t === "addr" && e.buf === "t_dst");
      return [
        expectCall(4, t, "terminateSync", { code: "ETIMEDOUT" }),
        expectThat(4, "the buffer stays allocated (pinned by the driver)", !!a && (!t.liveAt || t.liveAt(a.addr)), a ? "0x" + a.addr.toString(16) + " was freed" : "no address"),
      ];
    },
  },
  {
    name: "terminate-all-deprecated",
    title: "deprecated terminateAll works like terminateAsync and warns once",
    invariants: [3],
    program(ctx) {
      return [
        ...capture(ctx.board, "c", "t", 512, 10000),
        { op: "wait", ms: 2 },
        { op: "terminateAll", ch: "c" }, { op: "synchronize", ch: "c" }, en(ctx.board, "c"),
        { op: "terminateAll", ch: "c" }, { op: "synchronize", ch: "c" },
        { op: "status", ch: "c", tx: "t" },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect(t) {
      var warns = t.text.filter((l) => /deprecat/i.test(l));
      return [
        expectCall(0, t, "terminateAll", { ok: true }),
        expectThat(0, "one deprecation warning", warns.length === 1, warns.length + " warnings: " + JSON.stringify(warns.slice(0, 2))),
        noCallback(3, t, "t"), aborted(3, t, "t"),
      ];
    },
  },
  {
    name: "idle-no-timers",
    notFor: NO_MEM2MEM,
    title: "idle: no timer left running once nothing is in flight",
    invariants: [6, 3],
    program(ctx) {
      return [
        { op: "request", ch: "c", req: { dir: "mem2mem" } },
        ...memcpy("c", "a", 256), { op: "waitCb", tx: "a" },
        { op: "wait", ms: 20 }, { op: "timers" },
        { op: "release", ch: "c" }, { op: "wait", ms: 20 }, { op: "timers" },
      ];
    },
    expect: (t) => [oneCallback(3, t, "a")],
  },
  {
    name: "defrag-during-transfer",
    title: "E.defrag() during a transfer is refused (EBUSY), the buffer stays put; allowed again after",
    invariants: [2, 7],
    program(ctx) {
      return [
        ...pacedCapture(ctx.board, "c"),
        { op: "alloc", buf: "junk", len: 2048 }, { op: "alloc", buf: "t_dst", len: 256 },
        { op: "free", buf: "junk" }, { op: "gc" },
        ...capture(ctx.board, "c", "t", 256, 10000, { alloc: false }),
        { op: "wait", ms: 5 }, { op: "addr", buf: "t_dst" }, { op: "defrag", fails: true }, { op: "addr", buf: "t_dst" },
        { op: "waitCb", tx: "t", timeoutMs: 500 },
        { op: "checkValue", buf: "t_dst", value: 0xff },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
        { op: "defrag" },
      ];
    },
    expect: (t) => {
      var addrs = t.events.filter((e) => e.t === "addr").map((e) => e.addr);
      return [
        expectCall(2, t, "defrag", { code: "EBUSY", nth: 0 }, "E.defrag() while the transfer is in flight fails with EBUSY"),
        expectThat(2, "the buffer did not move", addrs.length === 2 && addrs[0] === addrs[1] && addrs[0] > 0, "addresses " + addrs.join(", ")),
        oneCallback(7, t, "t"),
        expectCall(2, t, "defrag", { ok: true, nth: 1 }, "E.defrag() with nothing in flight succeeds"),
      ];
    },
  },
  {
    name: "race-demo",
    notFor: NO_MEM2MEM,
    title: "race demo: pre-seed pattern (reuse right after terminate) corrupts; the seed's pattern is clean",
    invariants: [2],
    corruptOk: ["legacy"],
    schedule: "adversarial",
    program(ctx) {
      var s: any[] = [{ op: "request", ch: "c", req: { dir: "mem2mem" } }];
      var n = 8, len = 1024;
      s.push({ op: "alloc", buf: "src", len }, { op: "fill", buf: "src", pattern: "src", seed: 5 });
      for (var k = 0; k < n; k++) {
        // Before the seed: terminate, then reuse the buffer at once (the hardware may still write it).
        var b = "legacy" + k;
        s.push({ op: "alloc", buf: b, len }, { op: "memcpy", ch: "c", tx: b, dst: b, src: "src", len, cb: false }, { op: "submit", tx: b }, { op: "issue", ch: "c" });
        s.push({ op: "terminateAsync", ch: "c" }, { op: "fill", buf: b, pattern: "canary" }, { op: "synchronize", ch: "c" }, { op: "checkCanary", buf: b }, { op: "free", buf: b }, { op: "gc" });
      }
      for (var j = 0; j < n; j++) {
        // The seed's pattern: terminate, synchronize, then reuse.
        var c = "seed" + j;
        s.push({ op: "alloc", buf: c, len }, { op: "memcpy", ch: "c", tx: c, dst: c, src: "src", len, cb: false }, { op: "submit", tx: c }, { op: "issue", ch: "c" });
        s.push({ op: "terminateAsync", ch: "c" }, { op: "synchronize", ch: "c" }, en(ctx.board, "c"), { op: "fill", buf: c, pattern: "canary" }, { op: "wait", ms: 1 }, { op: "checkCanary", buf: c }, { op: "free", buf: c }, { op: "gc" });
      }
      s.push({ op: "release", ch: "c" });
      return s;
    },
    expect(t, ctx) {
      var legacy = t.events.filter((e) => e.t === "canary" && /^legacy/.test(e.buf));
      var bad = legacy.filter((e) => !e.ok).length;
      var seed = t.events.filter((e) => e.t === "canary" && /^seed/.test(e.buf));
      var out = [expectThat(2, "seed pattern: every canary intact", seed.length > 0 && seed.every((e) => e.ok), seed.filter((e) => !e.ok).length + " corrupted")];
      if (ctx.board.dma[0].kind === "stream") {
        out.push(expectThat(2, "pre-seed pattern: corruption caught (" + bad + "/" + legacy.length + " runs)", bad > 0, "no corruption seen in " + legacy.length + " runs"));
      } else {
        // Channel DMA stops at once when EN is cleared (RM0008 13.3.1): the race needs stream DMA.
        out.push(expectThat(2, "pre-seed pattern on channel DMA: " + bad + "/" + legacy.length + " corrupted (stops at once)", legacy.length > 0, "no legacy runs"));
      }
      return out;
    },
  },
];

/** A paced capture channel whose memory side is wider than the peripheral's (F4: the FIFO packs
 * bytes into words, RM0090 10.3.11); the F1 has no FIFO, there both widths are bytes. */
function packedCapture(board: BoardDef, ch: string): any[] {
  var s = pacedCapture(board, ch), f4 = board.family !== "F1";
  s[1] = { op: "config", ch, cfg: { periphAddr: s[1].cfg.periphAddr, periphWidth: 1, memWidth: f4 ? 4 : 1 } };
  return s;
}

/** Period k's callback checks that periods 1..k of the ring's first lap hold captured bytes. */
function periodChecks(ring: string, period: number, laps: number): any[] {
  var out: any[] = [];
  for (var k = 1; k <= laps; k++) out.push({ op: "checkValue", buf: ring, value: 0xff, from: 0, to: k * period, at: k });
  return out;
}

/** F1 GPIO with narrow writes: the memory-to-GPIO channel the issue is about. */
function gpioOut(board: BoardDef): number {
  var g = board.gpio[0];
  return g.base + g.odr;
}

export const fifoScenarios: Scenario[] = [
  {
    name: "fifo-cyclic-capture",
    title: "cyclic capture, byte peripheral into word memory (F4 FIFO): each period callback finds its bytes in memory",
    invariants: [3, 7],
    program(ctx) {
      var period = 8, ring = 64;
      return [
        ...packedCapture(ctx.board, "c"), { op: "alloc", buf: "ring", len: ring },
        ...startPacing(ctx.board, 10000 + 997 * ctx.int(0, 9)),
        { op: "cyclic", ch: "c", tx: "cy", buf: "ring", period, dir: "dev2mem", onCb: periodChecks("ring", period, ring / period) },
        { op: "submit", tx: "cy" }, { op: "issue", ch: "c" },
        { op: "waitCb", tx: "cy", n: ring / period, timeoutMs: 500 },
        { op: "terminateSync", ch: "c" },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect(t) {
      var checks = t.events.filter((e) => e.t === "value" && e.buf === "ring");
      var bad = checks.filter((e) => !e.ok);
      return [
        expectThat(7, "every period callback found its bytes in memory (" + checks.length + " checked)", checks.length >= 8 && bad.length === 0,
          bad.length + " callback(s) saw bytes not yet in memory: " + JSON.stringify(bad.slice(0, 2))),
      ];
    },
  },
  {
    name: "fifo-pause-resume-packing",
    title: "pause/resume of a capture that packs bytes into words, stopped mid-word: resumes legally, data exact",
    invariants: [3, 7],
    program(ctx) {
      return [
        ...packedCapture(ctx.board, "c"), { op: "alloc", buf: "t_dst", len: 256 },
        ...startPacing(ctx.board, 10000),
        { op: "sg", ch: "c", tx: "t", bufs: ["t_dst"], dir: "dev2mem" }, { op: "submit", tx: "t" }, { op: "issue", ch: "c" },
        { op: "wait", ms: 3 + ctx.int(0, 3) },
        { op: "pause", ch: "c" }, { op: "status", ch: "c", tx: "t" },
        { op: "wait", ms: 1 }, { op: "resume", ch: "c" },
        { op: "wait", ms: 1 + ctx.int(0, 3) },
        { op: "pause", ch: "c" }, { op: "resume", ch: "c" },
        { op: "waitCb", tx: "t", timeoutMs: 500 }, { op: "status", ch: "c", tx: "t" },
        { op: "checkValue", buf: "t_dst", value: 0xff },
        ...stopPacing(ctx.board), { op: "release", ch: "c" },
      ];
    },
    expect(t) {
      var c = statusOf(t, "t", 1);
      return [expectThat(7, "complete after two pause/resume, residue 0", !!c && c.status === "complete" && c.residue === 0, JSON.stringify(c)), oneCallback(3, t, "t")];
    },
  },
  {
    name: "fifo-m2p-unpack",
    title: "words in memory out to a byte port (F4 FIFO unpacks, reads ahead): exact output; a ring too small for the read-ahead is refused",
    invariants: [0, 3],
    program(ctx) {
      var f4 = ctx.board.family !== "F1", p = pacingTimer(ctx.board).request, odr = gpioOut(ctx.board);
      var cfg = f4 ? { periphAddr: odr, periphWidth: 1, memWidth: 4 } : { periphAddr: odr, periphWidth: 4, memWidth: 1 };
      return [
        { op: "request", ch: "o", req: { request: p, dir: "mem2dev" } }, { op: "config", ch: "o", cfg },
        { op: "alloc", buf: "out", len: 64 }, { op: "fill", buf: "out", pattern: "src", seed: 3 },
        ...startPacing(ctx.board, 10000),
        { op: "sg", ch: "o", tx: "t", bufs: ["out"], dir: "mem2dev" }, { op: "submit", tx: "t" }, { op: "issue", ch: "o" },
        { op: "waitCb", tx: "t", timeoutMs: 500 }, { op: "status", ch: "o", tx: "t" },
        { op: "peek", name: "odr", addr: odr },
        // A 16-byte ring of 8-byte periods: the F4 FIFO reads 16 bytes ahead, so it is refused there.
        { op: "alloc", buf: "small", len: 16 },
        { op: "cyclic", ch: "o", tx: "s", buf: "small", period: 8, dir: "mem2dev", fails: f4 },
        { op: "alloc", buf: "ring", len: 48 }, { op: "fill", buf: "ring", pattern: "src", seed: 4 },
        { op: "cyclic", ch: "o", tx: "cy", buf: "ring", period: 16, dir: "mem2dev" }, { op: "submit", tx: "cy" }, { op: "issue", ch: "o" },
        { op: "waitCb", tx: "cy", n: 3, timeoutMs: 500 }, { op: "terminateSync", ch: "o" },
        ...stopPacing(ctx.board), { op: "release", ch: "o" },
      ];
    },
    expect(t, ctx) {
      var f4 = ctx.board.family !== "F1";
      var st = statusOf(t, "t", 0), pk = t.events.find((e) => e.t === "peek" && e.name === "odr");
      var last = 0x80 | ((63 * 13 + 3 * 7 + (63 >> 7)) & 0x7f); // the agent's "src" pattern, byte 63
      var small = t.events.find((e) => e.t === "call" && e.op === "prepCyclic" && e.tx === "s");
      return [
        expectThat(3, "complete, residue 0", !!st && st.status === "complete" && st.residue === 0, JSON.stringify(st)),
        expectThat(0, "the port shows the buffer's last byte", !!pk && (pk.value & 0xff) === last, JSON.stringify(pk) + ", want 0x" + last.toString(16)),
        f4 ? expectThat(0, "16-byte ring of 8-byte periods refused (EINVAL: read-ahead)", !!small && !small.ok && small.err.code === "EINVAL" && /read-ahead/.test(small.err.msg), JSON.stringify(small))
          : expectThat(0, "16-byte ring accepted on the F1 (no read-ahead)", !!small && small.ok, JSON.stringify(small)),
        expectThat(3, "the 48-byte ring ran 3 periods", cbCount(t, "cy") >= 3, cbCount(t, "cy") + " callbacks"),
      ];
    },
  },
  {
    name: "f1-gpio-narrow-width",
    title: "memory to GPIO with byte writes: refused on the F1 (every byte lane, RM0008 13.3.4), allowed on the F4",
    invariants: [0],
    program(ctx) {
      var p = pacingTimer(ctx.board).request;
      return [
        { op: "request", ch: "o", req: { request: p, dir: "mem2dev" } },
        { op: "config", ch: "o", cfg: { periphAddr: gpioOut(ctx.board), periphWidth: 1, memWidth: 1 } },
        { op: "alloc", buf: "out", len: 16 },
        { op: "sg", ch: "o", tx: "t", bufs: ["out"], dir: "mem2dev", cb: false, fails: ctx.board.family === "F1" },
        { op: "release", ch: "o" },
      ];
    },
    expect(t, ctx) {
      var prep = t.events.find((e) => e.t === "call" && e.op === "prepSlaveSg");
      if (ctx.board.family === "F1") {
        var ok = !!prep && !prep.ok && prep.err && prep.err.code === "EINVAL" && /periphWidth 4/.test(prep.err.msg || "");
        return [expectThat(0, "byte writes to F1 GPIO refused (EINVAL, says to use periphWidth 4)", ok, JSON.stringify(prep))];
      }
      return [expectThat(0, "byte writes to F4 GPIO accepted", !!prep && prep.ok, JSON.stringify(prep))];
    },
  },
];

// The FIFO scenarios drive STM32 streams/channels (FIFO packing, F1 GPIO byte lanes): EasyDMA
// has neither a FIFO nor a memory-side width.
for (const f of fifoScenarios) {
  f.notFor = (b) => (b.nrf52 ? "it checks STM32 FIFO packing and F1 GPIO byte lanes: EasyDMA has no FIFO and no memory-side width" : undefined);
  scenarios.push(f);
}

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
