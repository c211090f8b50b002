// Every misuse throws a DmaError with a code and a message that says what to do.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { setup, code } from "./setup";
import { dmaError, isDmaError, codes } from "../../firmware/index";

describe("DmaError", () => {
  test("carries code, name and message", () => {
    var e: any = dmaError(codes.EBUSY, "do this instead");
    assert.equal(e.code, "EBUSY");
    assert.equal(e.name, "DmaError");
    assert.equal(e.message, "EBUSY: do this instead"); // the code shows where Espruino prints it
    assert.ok(isDmaError(e));
    assert.ok(!isDmaError(new Error("x")));
  });
});

describe("prep and submit misuse", () => {
  test("submit twice: EINVAL", () => {
    var s = setup(), b = s.pair(8);
    var tx = s.ch.prepMemcpy(b.dst, b.src, 8);
    tx.submit();
    assert.equal(code(() => tx.submit()), "EINVAL");
    // Queued once: one start, and nothing left to start after it completes.
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.equal(s.provider.log.filter((l) => l.startsWith("start")).length, 1);
  });

  test("callback that is not a function: EINVAL; absent is fine", () => {
    var s = setup(), b = s.pair(8);
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 8, { callback: "later" })), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 8, 5)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 8, {})), "no error");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 8)), "no error");
  });

  test("length <= 0 or not whole: EINVAL; above the provider's maximum: E2BIG", () => {
    var s = setup(), b = s.pair(64);
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 0)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, -4)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 2.5)), "EINVAL");
    s.provider.maxLen = 32;
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 33)), "E2BIG");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 32)), "no error");
  });

  test("length beyond the buffer: EINVAL", () => {
    var s = setup(), b = s.pair(16);
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 17)), "EINVAL");
    var big = s.engine.alloc(64);
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, big, 32)), "EINVAL");
  });

  test("not a typed array: EINVAL", () => {
    var s = setup(), b = s.pair(16);
    assert.equal(code(() => s.ch.prepMemcpy([1, 2, 3], b.src, 3)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, "abc", 3)), "EINVAL");
  });

  test("a buffer that is not flat: EFAULT telling to use espdma.alloc()", () => {
    var s = setup(), b = s.pair(16);
    s.platform.makeNotFlat(b.src);
    try { s.ch.prepMemcpy(b.dst, b.src, 16); assert.fail("no error"); } catch (e: any) {
      assert.equal(e.code, "EFAULT");
      assert.match(e.message, /not flat\/DMA-reachable: use espdma\.alloc\(\)/);
    }
  });

  test("a buffer the controller cannot reach (CCM): EFAULT", () => {
    var s = setup(), b = s.pair(16);
    s.platform.placeAt(b.dst, 0x10000000);
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 16)), "EFAULT");
  });

  test("alignment to the configured widths: EINVAL", () => {
    var s = setup(), b = s.pair(32);
    s.ch.config({ memWidth: 4, periphWidth: 4 });
    var off = new Uint8Array(b.dst.buffer, 2, 16);
    assert.equal(code(() => s.ch.prepMemcpy(off, b.src, 16)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 10)), "EINVAL");
    assert.equal(code(() => s.ch.prepMemcpy(b.dst, b.src, 16)), "no error");
    assert.equal(code(() => s.ch.config({ memWidth: 3 })), "EINVAL");
  });

  test("views are allowed: the address is the view's", () => {
    var s = setup(), b = s.pair(32);
    var view = new Uint8Array(b.dst.buffer, 8, 16);
    s.ch.prepMemcpy(view, b.src, 16).submit();
    s.ch.issuePending();
    s.provider.finish(0);
    s.platform.settle();
    assert.deepEqual(Array.from(b.dst.subarray(8, 24)), Array.from(b.src.subarray(0, 16)));
    assert.ok(b.dst.subarray(0, 8).every((x: number) => x === 0));
    assert.ok(b.dst.subarray(24).every((x: number) => x === 0));
  });

  test("wrong direction for the channel: EINVAL", () => {
    var s = setup(), buf = s.engine.alloc(32);
    assert.equal(code(() => s.ch.prepCyclic(buf, 16, "dev2mem")), "EINVAL");
    assert.equal(code(() => s.ch.prepSlaveSg([buf], "mem2dev")), "EINVAL");
    var rx = s.engine.requestChannel({ request: "USART2_RX", dir: "dev2mem" });
    assert.equal(code(() => rx.prepSlaveSg([buf], "mem2dev")), "EINVAL");
    assert.equal(code(() => rx.prepSlaveSg([buf], "sideways")), "EINVAL");
    assert.equal(code(() => rx.prepMemcpy(buf, buf, 8)), "EINVAL");
    assert.equal(code(() => rx.prepSlaveSg([buf], "dev2mem")), "no error");
  });

  test("cyclic period that does not divide the ring: EINVAL; empty sg list: EINVAL", () => {
    var s = setup(), buf = s.engine.alloc(48);
    var rx = s.engine.requestChannel({ request: "ADC1", dir: "dev2mem" });
    assert.equal(code(() => rx.prepCyclic(buf, 20, "dev2mem")), "EINVAL");
    assert.equal(code(() => rx.prepCyclic(buf, 0, "dev2mem")), "EINVAL");
    assert.equal(code(() => rx.prepSlaveSg([], "dev2mem")), "EINVAL");
    assert.equal(code(() => rx.prepCyclic(buf, 16, "dev2mem")), "no error");
  });

  test("unknown cookie: EINVAL", () => {
    var s = setup();
    assert.equal(code(() => s.ch.txStatus(1)), "EINVAL");
    assert.equal(code(() => s.ch.txStatus("x" as any)), "EINVAL");
  });

  test("requestChannel: bad argument EINVAL, provider errors pass through", () => {
    var s = setup();
    assert.equal(code(() => s.engine.requestChannel(null)), "EINVAL");
    assert.equal(code(() => s.engine.requestChannel({ request: "nothing" })), "ENODEV");
    assert.equal(code(() => s.engine.requestChannel({ request: "x", dir: "up" })), "EINVAL");
  });

  test("slave sg hands every buffer to the provider as a segment", () => {
    var s = setup();
    var tx = s.engine.requestChannel({ request: "SPI1_TX", dir: "mem2dev" });
    var a = s.engine.alloc(8), b = s.engine.alloc(24);
    var d = tx.prepSlaveSg([a, b], "mem2dev");
    assert.deepEqual(d._hw.req.segments, [{ addr: s.platform.addressOf(a), len: 8 }, { addr: s.platform.addressOf(b), len: 24 }]);
    assert.equal(d._hw.len, 32);
  });
});

describe("alloc", () => {
  test("returns a flat, reachable Uint8Array of n bytes", () => {
    var s = setup();
    var b = s.engine.alloc(100);
    assert.ok(b instanceof Uint8Array);
    assert.equal(b.length, 100);
    assert.ok(s.platform.addressOf(b) >= 0x20000000);
  });

  test("bad size EINVAL; not flat or unreachable ENOMEM with advice", () => {
    var s = setup();
    assert.equal(code(() => s.engine.alloc(0)), "EINVAL");
    s.platform.addressOf = () => 0;
    assert.equal(code(() => s.engine.alloc(8)), "ENOMEM");
    s.platform.addressOf = () => 0x10000000;
    try { s.engine.alloc(8); assert.fail("no error"); } catch (e: any) {
      assert.equal(e.code, "ENOMEM");
      assert.match(e.message, /alloc\(8\): no flat, aligned block in DMA-reachable RAM: give the Platform an alloc\(n\) that makes one/);
    }
  });
});

describe("requestChannel misuse", () => {
  test("a direction that does not go with the request: EINVAL, and no channel is taken", () => {
    var s = setup();
    var before = s.engine.dump();
    assert.equal(code(() => s.engine.requestChannel({ request: "mem2mem", dir: "dev2mem" })), "EINVAL");
    assert.equal(code(() => s.engine.requestChannel({ request: "TIM1_UP", dir: "mem2mem" })), "EINVAL");
    assert.equal(code(() => s.engine.requestChannel({ request: "TIM1_UP", dir: "sideways" as any })), "EINVAL");
    assert.equal(s.engine.dump(), before);
    assert.equal(code(() => s.engine.requestChannel({ request: "mem2mem", dir: "mem2mem" })), "no error");
  });
});
