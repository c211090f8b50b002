// The driver against the FIFO, read-ahead and byte-lane models (issue 12): what it promises is
// in memory, a paused packing transfer resumes legally, F1 GPIO gets 32-bit writes only.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { rig, pacing } from "./helpers";
import { createEngine } from "../../firmware/index";
import { pace } from "../../firmware/drivers/index";
import { runRace } from "../../host/race/run";

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) { if (e && e.name === "DmaError") { assert.ok(e.message.startsWith(e.code + ": "), e.message); return e.message; } throw e; }
  return "no error";
}

function setup(name: string, hz: number, seed = 1) {
  var r = rig(name, { seed });
  var engine = createEngine(r.p, r.prov);
  var pz = pacing(name);
  r.p.poke32(pz.gpioEnr, r.p.peek32(pz.gpioEnr) | (1 << pz.gpioBit));
  r.mcu.gpio[0].setInput(0xff);
  var pacer = pace(r.p, pz.timer, hz, name);
  return { ...r, engine, pz, pacer };
}

describe("F4 FIFO: promises only bytes in memory (byte peripheral, word memory)", () => {
  test("each period callback of a cyclic capture finds its period in memory", () => {
    var s = setup("pico", 10000, 3);
    var ch = s.engine.requestChannel({ request: s.pacer.request, dir: "dev2mem" });
    ch.config({ periphAddr: s.pz.idr, periphWidth: 1, memWidth: 4 });
    var ring = s.p.directAlloc(64), bad: string[] = [], n = 0;
    ch.prepCyclic(ring, 8, "dev2mem", { callback: () => {
      n++;
      for (var i = 0; i < Math.min(n, 8) * 8; i++) if (ring[i] !== 0xff) { bad.push("period " + n + ": byte " + i + " not in memory"); break; }
    } }).submit();
    ch.issuePending();
    s.loop.runFor(12);
    ch.terminateSync();
    assert.ok(n >= 8, n + " periods");
    assert.deepEqual(bad, []);
    assert.deepEqual(s.mcu.violations, []);
  });

  test("the residue of a running capture counts bytes not in memory yet", () => {
    var s = setup("pico", 10000, 4);
    var ch = s.engine.requestChannel({ request: s.pacer.request, dir: "dev2mem" });
    ch.config({ periphAddr: s.pz.idr, periphWidth: 1, memWidth: 4 });
    var buf = s.p.directAlloc(256), probes = 0;
    var cookie = ch.prepSlaveSg([buf], "dev2mem", {}).submit();
    ch.issuePending();
    for (var k = 0; k < 20; k++) {
      s.loop.runFor(0.37);
      var st = ch.txStatus(cookie), done = 256 - st.residue;
      for (var i = 0; i < done; i++) assert.equal(buf[i], 0xff, "byte " + i + " promised by residue " + st.residue + " is not in memory");
      if (done % 4 === 0 && done > 0) probes++;
    }
    assert.ok(probes > 5);
    ch.terminateSync();
  });

  test("cyclic rules: FIFO periods hold whole thresholds; a memory-to-GPIO ring leaves room for the read-ahead", () => {
    var s = setup("pico", 10000);
    var ch = s.engine.requestChannel({ request: s.pacer.request, dir: "dev2mem" });
    ch.config({ periphAddr: s.pz.idr, periphWidth: 1, memWidth: 2, fifo: 2 });
    assert.match(codeOf(() => ch.prepCyclic(s.p.directAlloc(24), 4, "dev2mem", {})), /^EINVAL: cyclic: periodLen a multiple of 8/);
    ch.release();
    var out = s.engine.requestChannel({ request: s.pacer.request, dir: "mem2dev" });
    out.config({ periphAddr: s.pz.odr, periphWidth: 1, memWidth: 1 });
    assert.match(codeOf(() => out.prepCyclic(s.p.directAlloc(8), 8, "mem2dev", {})), /^EINVAL: cyclic: ring >= periodLen \+ 1/);
    out.config({ memWidth: 4 });
    assert.match(codeOf(() => out.prepCyclic(s.p.directAlloc(16), 8, "mem2dev", {})), /^EINVAL: cyclic: ring >= periodLen \+ 16/);
    assert.equal(codeOf(() => out.prepCyclic(s.p.directAlloc(48), 16, "mem2dev", {})), "no error");
    out.release();
  });

  test("pause/resume stopped mid-word resumes with MSIZE = PSIZE: no dma_undefined, data exact (race replay)", () => {
    var prog = { channels: ["dev2mem"], fifo: true, steps: [
      { op: "paced", ch: 0, len: 32, cb: "none" }, { op: "issue", ch: 0 }, { op: "idle", us: 250 },
      { op: "pause", ch: 0 }, { op: "status", ch: 0 }, { op: "resume", ch: 0 },
      { op: "idle", us: 400 }, { op: "idle", us: 400 }, { op: "idle", us: 400 }] };
    for (const schedule of [1, 2, 3]) {
      var r = runRace({ board: "pico", replay: { program: prog as any, schedule } });
      assert.equal(r.violations, 0, r.failures.map((f) => f.text).join("\n"));
    }
  });

  test("race search, FIFO family (pico): no violation", () => {
    var r = runRace({ board: "pico", schedules: 120, seed: 7, mutant: "none", fifo: true });
    assert.equal(r.violations, 0, r.failures.map((f) => f.text).join("\n\n"));
  });
});

describe("F1 GPIO takes 32-bit writes (RM0008 13.3.4)", () => {
  test("mem2dev to GPIO with periphWidth 1 or 2 is refused, saying to use 4; 4 outputs each byte exactly", () => {
    var s = setup("original", 10000);
    var ch = s.engine.requestChannel({ request: s.pacer.request, dir: "mem2dev" });
    for (const w of [1, 2]) {
      ch.config({ periphAddr: s.pz.odr, periphWidth: w, memWidth: w });
      assert.match(codeOf(() => ch.prepSlaveSg([s.p.directAlloc(8)], "mem2dev", {})), /^EINVAL: F1 GPIO: use periphWidth 4/);
    }
    ch.config({ periphAddr: s.pz.odr, periphWidth: 4, memWidth: 1 });
    var outs: number[] = [], src = s.p.directAlloc(6);
    src.set([0x81, 0x12, 0xab, 0x04, 0x55, 0xfe]);
    s.mcu.gpio[0].onOutput = (odr: number) => outs.push(odr);
    ch.prepSlaveSg([src], "mem2dev", {}).submit();
    ch.issuePending();
    s.loop.runFor(5);
    assert.deepEqual(outs, [0x81, 0x12, 0xab, 0x04, 0x55, 0xfe], "pins 8-15 stay low");
    ch.release();
  });
});

describe("espdma race --fifo", () => {
  test("refused on an F1 board with a message naming the F4 boards; accepted on pico", async () => {
    const { raceAction, RaceUsageError } = await import("../../host/race/command");
    assert.throws(() => raceAction({ board: "original", fifo: true, schedules: "1", mutant: "none" }, () => {}), (e: any) => e instanceof RaceUsageError && /--fifo needs an F4 board/.test(e.message));
    var lines: string[] = [];
    assert.equal(raceAction({ board: "pico", fifo: true, schedules: "5", mutant: "none", json: true }, (l) => lines.push(l)), 0);
    assert.equal(JSON.parse(lines[0]).violations, 0);
  });
});
