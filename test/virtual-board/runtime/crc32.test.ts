// E.CRC32 of the virtual runtime against Espruino's (jswrap_espruino.c jswrap_espruino_CRC32):
// the standard CRC-32 over every element as a byte, unsigned; checked against the host's
// table-driven CRC-32 (host/link/crc32.ts), which frames the agent's event lines.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { makeRuntime } from "./helpers";
import { crc32 } from "../../../host/link/crc32";

describe("E.CRC32", () => {
  test("the standard check value, and 0 for no data", () => {
    var t = makeRuntime();
    assert.equal(t.run('E.CRC32("123456789")'), 0xcbf43926);
    assert.equal(t.run('E.CRC32("")'), 0);
    assert.equal(t.run("E.CRC32([])"), 0);
  });

  test("strings, arrays, typed arrays and ArrayBuffers of the same bytes agree with the host", () => {
    var t = makeRuntime();
    var bytes: number[] = [];
    var x = 12345;
    for (var i = 0; i < 700; i++) { x = (x * 1103515245 + 12345) >>> 0; bytes.push(x >>> 24); }
    var want = crc32(Uint8Array.from(bytes));
    t.run("var b = " + JSON.stringify(bytes) + "; var s = String.fromCharCode.apply(null, b);");
    assert.equal(t.run("E.CRC32(s)"), want);
    assert.equal(t.run("E.CRC32(b)"), want);
    assert.equal(t.run("E.CRC32(new Uint8Array(b))"), want);
    assert.equal(t.run("E.CRC32(new Uint8Array(b).buffer)"), want);
    // Unsigned, as the board returns it (about half of all CRCs have the top bit set).
    assert.ok(t.run("E.CRC32(s) >= 0"));
  });

  test("each element counts as one byte: wider elements by their low byte", () => {
    var t = makeRuntime();
    assert.equal(t.run("E.CRC32(new Uint16Array([0x131, 0x232, 0x333]))"), crc32("123"));
    assert.equal(t.run("E.CRC32([49, 50, 51])"), crc32("123"));
    assert.notEqual(t.run("E.CRC32([49, 50, 52])"), crc32("123"));
  });
});
