// alloc(n) and setup({board}). The Espruino platform's allocator over faked Espruino globals
// modelled on what 2v29 measured (espruino-compat.md): on the Pico layout typed arrays of 9..17
// bytes are not flat (E.getAddressOf 0), flat blocks need not be 4-byte aligned, and running out
// of memory aborts the command, so the room must be checked first. The same allocator runs on
// the real interpreter in test/real-interpreter (alloc 1..80 there).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createEspruinoPlatform } from "../../firmware/platform/espruino";
import { createEngine } from "../../firmware/index";
import { rig } from "../helpers/fake-provider";
import { code } from "./setup";

/** Faked Espruino globals: flat from `flatFrom` bytes (and inline below `inlineTo`), data
 * addresses at `skew` past a 4-byte boundary, `free` blocks of 13 bytes. */
function withEspruino<T>(o: { flatFrom: number; inlineTo: number; skew: number; free: number; freeAfterGc?: number }, fn: (asked: number[], gcs: boolean[]) => T): T {
  var g: any = globalThis, asked: number[] = [], gcs: boolean[] = [], next = 0x20002000;
  var saved = { peek32: g.peek32, poke32: g.poke32, E: g.E, getTime: g.getTime, memory: (process as any).memory };
  var addr = new WeakMap<object, number>();
  g.peek32 = () => 0;
  g.poke32 = () => {};
  g.getTime = () => 0;
  g.E = {
    getAddressOf(x: any) {
      if (!addr.has(x.buffer)) {
        var n = x.buffer.byteLength;
        addr.set(x.buffer, n <= o.inlineTo || n >= o.flatFrom ? next + o.skew : 0);
        next += 256;
      }
      var a = addr.get(x.buffer)!;
      return a ? a + x.byteOffset : 0;
    },
  };
  // process.memory(gc): a collection (gc undefined or true, 2v29) frees what only cycles held.
  (process as any).memory = (gc?: boolean) => {
    var collect = gc === undefined || !!gc;
    gcs.push(collect);
    if (collect && o.freeAfterGc !== undefined) o.free = o.freeAfterGc;
    return { free: o.free, usage: 5100 - o.free, total: 5100, blocksize: 13 };
  };
  var RealU8 = g.Uint8Array;
  g.Uint8Array = function (n: number) { asked.push(n); return new RealU8(n); };
  g.Uint8Array.prototype = RealU8.prototype;
  try {
    return fn(asked, gcs);
  } finally {
    g.Uint8Array = RealU8;
    g.peek32 = saved.peek32; g.poke32 = saved.poke32; g.E = saved.E; g.getTime = saved.getTime;
    (process as any).memory = saved.memory;
  }
}

describe("Espruino platform alloc", () => {
  test("every n from 1 to 100: exactly n bytes, flat, 4-byte aligned, even where small arrays are not flat", () => {
    for (var skew of [0, 1, 2, 3]) {
      withEspruino({ flatFrom: 18, inlineTo: 8, skew, free: 4000 }, () => {
        var p = createEspruinoPlatform();
        for (var n = 1; n <= 100; n++) {
          var b = p.alloc!(n), a = p.addressOf(b);
          assert.equal(b.byteLength, n, "n=" + n);
          assert.ok(a > 0 && (a & 3) === 0, "n=" + n + " skew " + skew + ": address " + a);
          b[n - 1] = 7; // the view is writable to its last byte
        }
      });
    }
  });

  test("a size that is not flat is retried once at 64 bytes; the client still sees n", () => {
    withEspruino({ flatFrom: 18, inlineTo: 8, skew: 1, free: 4000 }, (asked) => {
      var b = createEspruinoPlatform().alloc!(12);
      assert.deepEqual(asked, [15, 64]);
      assert.equal(b.byteLength, 12);
    });
  });

  test("ENOMEM before Espruino would abort: says what was asked and what is free", () => {
    withEspruino({ flatFrom: 18, inlineTo: 8, skew: 0, free: 100 }, (asked) => {
      var p = createEspruinoPlatform();
      try { p.alloc!(2000); assert.fail("no error"); } catch (e: any) {
        assert.equal(e.code, "ENOMEM");
        assert.equal(e.message, "ENOMEM: alloc(2000): only 1300 bytes free (100 blocks of 13): free memory or ask less");
      }
      assert.deepEqual(asked, [], "nothing allocated when there is no room");
      assert.equal(p.alloc!(1000).byteLength, 1000);
    });
  });

  test("asks process.memory(false) first: a collection only when room looks short or no flat block came", () => {
    withEspruino({ flatFrom: 18, inlineTo: 8, skew: 0, free: 4000 }, (asked, gcs) => {
      createEspruinoPlatform().alloc!(100);
      assert.deepEqual(gcs, [false], "room and a flat block: no collection");
    });
    // Cycles hold memory until a collection: short without one, enough after it.
    withEspruino({ flatFrom: 18, inlineTo: 8, skew: 0, free: 50, freeAfterGc: 4000 }, (asked, gcs) => {
      assert.equal(createEspruinoPlatform().alloc!(1000).byteLength, 1000);
      assert.deepEqual(gcs, [false, true]);
      assert.deepEqual(asked, [1003], "nothing allocated before the collection");
    });
    withEspruino({ flatFrom: 1e9, inlineTo: 0, skew: 0, free: 4000 }, (asked, gcs) => {
      assert.throws(() => createEspruinoPlatform().alloc!(500), /no flat block/);
      assert.deepEqual(gcs, [false, true], "tried again after a collection before saying fragmented");
      assert.deepEqual(asked, [503, 503]);
    });
  });

  test("no flat block although memory is free (fragmented): ENOMEM that says so", () => {
    withEspruino({ flatFrom: 1e9, inlineTo: 0, skew: 0, free: 4000 }, () => {
      var p = createEspruinoPlatform();
      assert.throws(() => p.alloc!(500), { code: "ENOMEM", message: "ENOMEM: alloc(500): no flat block in 52000 bytes free (fragmented): alloc DMA buffers early" });
      assert.throws(() => p.alloc!(10), /alloc\(10\): no flat block/);
    });
  });
});

describe("engine alloc", () => {
  test("uses the platform's alloc when it has one (engines without typed arrays)", () => {
    var r = rig(createEngine), made: any[] = [];
    var plain: any = [0, 0, 0, 0];
    plain.byteLength = 4;
    (r.platform as any).alloc = (n: number) => { made.push(n); return plain; };
    r.platform.addressOf = (b: any) => (b === plain ? 0x20000100 : 0);
    var e = createEngine(r.platform, r.provider);
    assert.equal(e.alloc(4), plain);
    assert.deepEqual(made, [4]);
  });

  test("refuses a platform buffer that is misaligned, of the wrong length or unreachable", () => {
    var r = rig(createEngine), addr = 0x20000101, len = 4;
    (r.platform as any).alloc = () => new Uint8Array(len);
    r.platform.addressOf = () => addr;
    var e = createEngine(r.platform, r.provider);
    assert.equal(code(() => e.alloc(4)), "ENOMEM");
    addr = 0x20000100; len = 5;
    assert.equal(code(() => e.alloc(4)), "ENOMEM");
    len = 4;
    assert.equal(code(() => e.alloc(4)), "no error");
  });

  test("an engine without typed arrays and a platform without alloc: ENOSYS saying so", () => {
    var r = rig(createEngine), g: any = globalThis, U8 = g.Uint8Array;
    var e = createEngine(r.platform, r.provider);
    g.Uint8Array = undefined;
    try {
      assert.throws(() => e.alloc(8), { code: "ENOSYS", message: "ENOSYS: alloc: no typed arrays here: give the Platform an alloc(n)" });
    } finally {
      g.Uint8Array = U8;
    }
  });
});
