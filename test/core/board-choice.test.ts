// espdma.setup({board}): the board chosen before first use, else process.env.BOARD. Run on the
// built bundle in a fresh context per case (the default engine is made once per load, as on a
// board), with faked Espruino globals whose process.env.BOARD is the Linux build's "LINUX".
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

function load(board = "LINUX", file = "dist/espdma.js"): any {
  var mem = new Map<number, number>();
  var ctx: any = {
    peek32: (a: number) => mem.get(a) ?? 0, poke32: (a: number, v: number) => { mem.set(a, v >>> 0); },
    E: { getAddressOf: () => 0 }, getTime: () => 0, setTimeout, clearTimeout, setInterval, clearInterval, console,
    // Espruino rebuilds process.env on every read: an assignment to it changes nothing.
    process: { get env() { return { BOARD: board }; } },
    mem,
  };
  vm.runInNewContext(readFileSync(file, "utf8"), ctx);
  return ctx;
}
function err(fn: () => unknown): string {
  try { fn(); return "no error"; } catch (e: any) { return e.code && e.message.startsWith(e.code + ": ") ? e.message : "no code prefix: " + e.code + " " + e.message; }
}

describe("board choice", () => {
  test("an unknown process.env.BOARD: ENODEV naming setup() and the known boards", () => {
    var c = load();
    c.process.env.BOARD = "PICO_R1_3"; // what a user tries: no effect in Espruino
    assert.equal(err(() => c.espdma.requestChannel({ request: "mem2mem" })), 'ENODEV: no espdma driver for board "linux": setup({board}) with one of pico wifi original f4discovery');
  });

  test("setup({board}) before first use picks the board (our names and Espruino's)", () => {
    for (var name of ["pico", "PICO_R1_3", "f4discovery"]) {
      var c = load();
      c.espdma.setup({ board: name });
      var ch = c.espdma.requestChannel({ request: "mem2mem" });
      assert.match(ch.name, /^DMA2 stream \d$/);
    }
    var o = load();
    o.espdma.setup({ board: "original" });
    assert.match(o.espdma.requestChannel({ request: "mem2mem" }).name, /^DMA\d channel \d$/);
  });

  test("the chosen board also decides pace(): TIM1 exists on the Pico, not on the Original", () => {
    var c = load();
    c.espdma.setup({ board: "original" });
    assert.match(err(() => c.espdma.pace("TIM1", 1000)), /^ENODEV: no pacing timer TIM1: use TIM2-4/);
    var p = load();
    p.espdma.setup({ board: "pico" });
    assert.equal(p.espdma.pace("TIM1", 1000).request, "TIM1_UP");
  });

  test("an unknown board in setup: ENODEV listing the known ones, and nothing chosen", () => {
    var c = load("PICO_R1_3");
    assert.equal(err(() => c.espdma.setup({ board: "esp32" })), 'ENODEV: no espdma driver for board "esp32": setup({board}) with one of pico wifi original f4discovery');
    assert.match(c.espdma.requestChannel({ request: "mem2mem" }).name, /^DMA2 stream/); // still process.env.BOARD
  });

  test("setup after first use: EBUSY; a bad argument: EINVAL", () => {
    var c = load("PICO_R1_3");
    assert.match(err(() => c.espdma.setup("pico")), /^EINVAL: setup\(\{board: "pico"\}\)/);
    c.espdma.dump();
    assert.equal(err(() => c.espdma.setup({ board: "pico" })), "EBUSY: setup() after first use: call it before requestChannel/alloc/pace");
  });

  test("the nRF52 bundle has the same setup(): its own boards, the STM32 ones refused", () => {
    var c = load("LINUX", "dist/espdma-nrf52.js");
    assert.equal(err(() => c.espdma.setup({ board: "pico" })), 'ENODEV: no espdma-nrf52 driver for board "pico": setup({board}) with one of puckjs pixljs mdbt42q banglejs2 (STM32 boards: dist/espdma.min.js)');
    c.espdma.setup({ board: "banglejs2" });
    c.espdma.dump();
    assert.match(err(() => c.espdma.setup({ board: "puckjs" })), /^EBUSY: setup\(\) after first use/);
  });
});
