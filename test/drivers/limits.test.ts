// Limits and pinning refusals through the core on the virtual board's models: NDTR is 16 bits
// and counts peripheral-size items on the F4 (RM0090 10.3.10, 10.5.6), memory-size items on the
// F1 (RM0008 13.4.4); only DMA1 and DMA2 exist.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { rig } from "./helpers";
import { createEngine } from "../../firmware/index";

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e: any) {
    if (!e || e.name !== "DmaError") throw e;
    // The message starts with the code (what Espruino prints of an uncaught Error).
    assert.equal(e.message.indexOf(e.code + ": "), 0, e.message);
    return e.code + " " + e.message.slice(e.code.length + 2);
  }
  return "no error";
}

function gpioIdr(name: string): number {
  return name === "original" ? 0x40010808 : 0x40020010;
}

describe("F4: the 65535-item limit is in peripheral-size items", () => {
  for (const name of ["wifi", "f4discovery"]) {
    test(name + ": 65536 bytes as 16384 words from the port is legal; as 65536 bytes it is E2BIG", () => {
      var r = rig(name), e = createEngine(r.p, r.prov);
      var buf = r.p.directAlloc(65536);
      var ch = e.requestChannel({ request: "TIM1_UP", dir: "dev2mem" });
      ch.config({ periphAddr: gpioIdr(name), periphWidth: 4, memWidth: 1 });
      assert.equal(codeOf(() => ch.prepSlaveSg([buf], "dev2mem")), "no error");
      ch.config({ periphWidth: 1, memWidth: 4 });
      assert.match(codeOf(() => ch.prepSlaveSg([buf], "dev2mem")), /^E2BIG .*65536 > 65535.*wider items/);
      ch.config({ periphWidth: 1, memWidth: 1 });
      assert.match(codeOf(() => ch.prepSlaveSg([buf.subarray(0, 65535)], "dev2mem")), /^no error/);
    });
  }
});

describe("F1: the limit is in memory-size items", () => {
  test("original: with 2-byte memory items 131070 bytes pass the length check, 131072 are E2BIG", () => {
    var r = rig("original"), e = createEngine(r.p, r.prov);
    var ch = e.requestChannel({ request: "TIM2_UP", dir: "dev2mem" });
    ch.config({ periphAddr: gpioIdr("original"), periphWidth: 1, memWidth: 2 });
    // The Original has 48 KB: stand-ins with a byteLength reach the length check, which comes
    // first, and then fail the buffer check (not flat) instead.
    assert.match(codeOf(() => ch.prepSlaveSg([{ byteLength: 131070 }], "dev2mem")), /^EFAULT/);
    assert.match(codeOf(() => ch.prepSlaveSg([{ byteLength: 131072 }], "dev2mem")), /^E2BIG .*131072 > 131070/);
  });
});

describe("pinning a controller that does not exist is ENODEV with the right form", () => {
  for (const name of ["pico", "original"]) {
    test(name + ": DMA3, DMA0 and a pin without a stream are refused", () => {
      var r = rig(name), e = createEngine(r.p, r.prov);
      for (const req of [{ dma: "DMA3", stream: 1, dir: "dev2mem" }, { dma: "DMA0", stream: 1, dir: "dev2mem" }, { dma: "DMA2", dir: "dev2mem" }]) {
        assert.match(codeOf(() => e.requestChannel(req as any)), /^ENODEV pin with \{dma: "DMA1"\|"DMA2", stream: n\}/, JSON.stringify(req));
      }
      assert.match(codeOf(() => e.requestChannel({ request: "SPI9_RX" })), /^ENODEV unknown request SPI9_RX: use .*TIM/);
      // Memory-to-memory: DMA2 only on the F4 (RM0090 10.3.6); any channel on the F1 (RM0008 13.3.7).
      var m2m = codeOf(() => e.requestChannel({ request: "mem2mem", dma: "DMA1", stream: 1 } as any));
      if (name === "pico") assert.match(m2m, /^ENODEV DMA1 1 cannot serve MEM2MEM: use/);
      else assert.equal(m2m, "no error");
    });
  }
});
