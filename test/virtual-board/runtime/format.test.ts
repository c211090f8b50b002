import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { formatValue, formatUncaught, espruinoMessage } from "../../../host/virtual-board/runtime/format";

describe("Espruino's value and error formatting", () => {
  test("scalars, arrays, objects, typed arrays", () => {
    assert.equal(formatValue(3), "3");
    assert.equal(formatValue("a\"b"), '"a\\"b"');
    assert.equal(formatValue(undefined), "undefined");
    assert.equal(formatValue([]), "[  ]");
    assert.equal(formatValue({}), "{ }");
    assert.equal(formatValue({ a: 1, "b-c": [true, null] }), '{ a: 1, "b-c": [ true, null ] }');
    assert.equal(formatValue(new Uint16Array([1, 300])), "new Uint16Array([1, 300])");
    var o: any = { x: 1 };
    o.self = o;
    assert.equal(formatValue(o), "{ x: 1, self: { ... } }");
  });

  test("long objects wrap after a comma and indent by two", () => {
    var s = formatValue({ free: 4975, usage: 125, total: 5100, history: 43, gc: 0, gctime: 3.5, blocksize: 13 });
    var lines = s.split("\n");
    assert.equal(lines.length, 2);
    assert.ok(lines[0].length <= 60);
    assert.match(lines[1], /^  .* }$/);
  });

  test("V8 messages become Espruino's", () => {
    assert.deepEqual(espruinoMessage(new ReferenceError("foo is not defined")), { name: "ReferenceError", message: '"foo" is not defined' });
    // 2v29: calling a non-function is a plain Error (test/conformance/golden/uncaught-in-function.out).
    assert.deepEqual(espruinoMessage(new TypeError("a.b is not a function")), { name: "Error", message: 'Function "b" not found!' });
    assert.equal(formatUncaught({ code: "EBUSY", message: "busy", name: "DmaError" }), "Uncaught DmaError: busy");
    assert.equal(formatUncaught(42), "Uncaught 42");
    assert.equal(formatUncaught(new Error("x"), [{ name: "REPL", file: "", line: 2, col: 3, text: "  b()" }]), "Uncaught Error: x\r\n    at REPL (:2:3)\r\n  b()\r\n  ^");
  });
});
