// The firmware's compact board data (boards/compact.ts) and the drivers' address formulas
// (firmware/drivers/stm32.ts) against the full board files the virtual board is built from:
// the two descriptions of each board must not drift apart.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { boards } from "../../boards/index";
import { BOARDS, F4_REQUESTS, F1_REQUESTS, rows } from "../../boards/compact";
import { timerOf } from "../../firmware/drivers/stm32";
import { rig } from "./helpers";

// nRF52 boards have no DMA controller: test/nrf52/boards.test.ts checks them.
for (const full of boards.filter((b) => b.family !== "NRF52")) {
  describe(`boards/compact.ts agrees with boards/${full.name}.ts`, () => {
    const row = rows(BOARDS).filter((r) => r[0] === full.name)[0];
    const f4 = full.family === "F4";

    test("identity, family, HCLK", () => {
      assert.ok(row, "a compact row for " + full.name);
      assert.equal(row[1], full.envBoard[0]);
      assert.equal(row[2], f4 ? 4 : 1);
      assert.equal(row[4] * 1e6, full.cpuHz);
    });

    test("DMA-reachable RAM is one range from 0x20000000 of the row's size; CCM and flash lie outside", () => {
      var dma = full.ram.filter((r) => r.dma).sort((a, b) => a.base - b.base), end = 0x20000000;
      for (const r of dma) {
        assert.equal(r.base, end, r.name + " continues the range");
        end = r.base + r.size;
      }
      assert.equal(end, 0x20000000 + row[3] * 1024);
      var prov = rig(full.name).prov;
      assert.equal(prov.reachable(0x20000000, row[3] * 1024), true);
      assert.equal(prov.reachable(end - 4, 8), false, "past the end");
      assert.equal(prov.reachable(0x20000000 - 4, 8), false, "before the start");
      for (const r of full.ram.filter((x) => !x.dma)) assert.equal(prov.reachable(r.base, 4), false, r.name + " is not reachable");
      assert.equal(prov.reachable(full.flash.base, 4), false, "flash is not reachable");
    });

    test("request lines: the same streams, channels and order", () => {
      var req: any = {};
      for (const r of rows(f4 ? F4_REQUESTS : F1_REQUESTS)) req[r[0]] = r.slice(1);
      assert.deepEqual(Object.keys(req).sort(), Object.keys(full.requests).sort());
      for (const name of Object.keys(full.requests)) {
        var want = full.requests[name].map((l) => +l.dma.slice(3) * 100 + l.stream * 10 + (l.channel || 0));
        assert.deepEqual(req[name], want, name);
      }
    });

    test("timers: registers base, RCC enable register and bit, kernel clock", () => {
      for (const t of full.timers) assert.deepEqual(timerOf(row, +t.name.slice(3)), [t.base, t.enr, t.bit, t.clockHz], t.name);
    });

    test("every stream: clock enable, registers and flag-clear bits where the model has them", () => {
      var r = rig(full.name);
      for (const d of full.dma) {
        assert.equal(r.mcu.rcc.isEnabled(full.rcc.dmaEnr, d.rccBit), false, d.name + " clock off at reset");
        for (var n = f4 ? 0 : 1; n < (f4 ? d.count : d.count + 1); n++) {
          var label = d.name + (f4 ? " stream " : " channel ") + n;
          var pc = r.prov.allocChan({ dma: d.name, stream: n, dir: "dev2mem" });
          assert.equal(pc.name, label);
          assert.equal(r.mcu.rcc.isEnabled(full.rcc.dmaEnr, d.rccBit), true, d.name + " clocked by allocChan");
          // A peripheral-to-memory transfer with no request never moves: it only shows where
          // the driver wrote (EN=1 on the model's stream n) and where it clears flags.
          var buf = r.p.directAlloc(8);
          r.prov.config(pc, { periphAddr: full.timers[0].base + 0x2c });
          var mark = r.mcu.trace.length;
          r.prov.start(pc, r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(buf), len: 8 }] }));
          var after = r.mcu.trace.slice(mark);
          assert.ok(after.some((e: any) => e.type === "en" && e.value === 1 && e.source === label && e.ndtr === 8), label + " enabled with NDTR 8");
          assert.match(r.prov.dump(), new RegExp("^" + label + ": EN=1 DIR=P2M CIRC=0 NDTR=8 PAR=0x" + (full.timers[0].base + 0x2c).toString(16)));
          r.prov.terminateAll(pc);
          r.loop.advanceBy(0.01);
          mark = r.mcu.trace.length;
          r.prov.synchronize(pc, 5);
          // The F4 sets TCIF when a disabled stream stops (RM0090 10.3.14): synchronize() leaves
          // it (it reads the residue instead); start() clears the stream's flags before the next
          // enable, on this stream only.
          var cleared = r.mcu.trace.slice(mark).filter((e: any) => e.type === "flag" && e.value === 0);
          assert.deepEqual(cleared, []);
          mark = r.mcu.trace.length;
          r.prov.start(pc, r.prov.prep(pc, { kind: "slave_sg", dir: "dev2mem", segments: [{ addr: r.p.addressOf(buf), len: 8 }] }));
          cleared = r.mcu.trace.slice(mark).filter((e: any) => e.type === "flag" && e.value === 0);
          if (f4) assert.deepEqual(cleared.map((e: any) => e.source + " " + e.flag), [label + " TCIF"]);
          else assert.deepEqual(cleared, []);
          r.prov.terminateAll(pc);
          r.loop.advanceBy(0.01);
          r.prov.synchronize(pc, 5);
          r.prov.freeChan(pc);
        }
      }
      assert.match(r.prov.dump(), /no DMA stream enabled/);
    });
  });
}
