// The Espruino platform over (faked) Espruino globals, and the heap-move guard.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createEspruinoPlatform } from "../../firmware/platform/espruino";
import { dmaError } from "../../firmware/dmaengine/errors";

describe("espruino platform", () => {
  test("refuses to build without Espruino globals (duktape, mujs, Node)", () => {
    assert.throws(() => createEspruinoPlatform(), /not Espruino: use espdma.createEngine/);
  });

  test("maps the Platform onto Espruino's globals and guards E.defrag/E.toFlatString while in flight", () => {
    var g: any = globalThis, mem = new Map<number, number>(), printed: string[] = [], defrags = 0;
    var saved = { peek32: g.peek32, poke32: g.poke32, E: g.E, getTime: g.getTime, log: console.log, board: process.env.BOARD };
    g.peek32 = (a: number) => mem.get(a) ?? 0xffffffff;
    g.poke32 = (a: number, v: number) => { mem.set(a, v); };
    g.E = { getAddressOf: (x: any, flat: boolean) => (flat && x.length === 4 ? 0x20001000 : 0), defrag: () => { defrags++; }, toFlatString: (s: string) => "flat:" + s };
    g.getTime = () => 1.5;
    console.log = (s: string) => { printed.push(s); };
    process.env.BOARD = "PICO";
    try {
      var p = createEspruinoPlatform();
      p.poke32(0x40026410, 5);
      assert.equal(p.peek32(0x40026410), 5);
      assert.equal(p.peek32(0x40026414), 0xffffffff); // unsigned, as poke/peek on a board
      assert.equal(p.addressOf(new Uint8Array(4)), 0x20001000);
      assert.equal(p.now(), 1500);
      assert.equal(p.boardName(), "PICO");
      var err: any = new Error("cb broke");
      p.report(err);
      p.report(dmaError("EINVAL", "bad"));
      p.warn("careful");
      // As Espruino prints an uncaught Error ("Uncaught Error: cb broke"); DmaErrors with their code.
      assert.deepEqual(printed, ["Uncaught Error: cb broke", "Uncaught EINVAL: bad", "WARNING: careful"]);

      g.E.defrag();
      p.inFlight!(true);
      try { g.E.defrag(); assert.fail("no error"); } catch (e: any) {
        assert.equal(e.code, "EBUSY");
        assert.match(e.message, /DMA in flight: terminateSync\(\) before E\.defrag\(\)/);
      }
      assert.equal((() => { try { g.E.toFlatString("x"); return "ok"; } catch (e: any) { return e.code; } })(), "EBUSY");
      p.inFlight!(false);
      g.E.defrag();
      assert.equal(g.E.toFlatString("x"), "flat:x");
      assert.equal(defrags, 2);
      // Installed once: a second in-flight period does not wrap twice.
      var wrapped = g.E.defrag;
      p.inFlight!(true);
      p.inFlight!(false);
      assert.equal(g.E.defrag, wrapped);
    } finally {
      g.peek32 = saved.peek32; g.poke32 = saved.poke32; g.E = saved.E; g.getTime = saved.getTime;
      console.log = saved.log;
      if (saved.board === undefined) delete process.env.BOARD; else process.env.BOARD = saved.board;
    }
  });
});
