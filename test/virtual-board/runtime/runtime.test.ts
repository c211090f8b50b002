import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { makeRuntime, nextJob } from "./helpers";

describe("sandbox globals: what Espruino has and no more", () => {
  test("ES2015+ collections and reflection are absent; Promise and typed arrays present", () => {
    var t = makeRuntime();
    for (const name of ["Map", "Set", "WeakMap", "Symbol", "WeakRef", "Proxy", "Reflect", "BigInt"]) {
      assert.equal(t.run("typeof " + name), "undefined", name);
    }
    assert.equal(t.run("typeof Object.freeze"), "undefined");
    assert.equal(t.run("typeof Number.isInteger"), "undefined");
    assert.equal(t.run("typeof [].lastIndexOf"), "undefined");
    assert.equal(t.run("typeof Promise.race"), "undefined");
    assert.equal(t.run("typeof Promise.all"), "function");
    assert.equal(t.run("typeof Uint32Array + typeof DataView"), "functionfunction");
    assert.equal(t.run("typeof require"), "function");
    assert.equal(t.run("global === this"), true);
  });

  test("process.env names the board; process.memory counts variable blocks", () => {
    var t = makeRuntime("pico");
    assert.equal(t.run("process.env.BOARD"), "PICO_R1_3");
    assert.equal(t.run("process.env.VERSION"), "2v29");
    var m = t.run("process.memory()");
    assert.equal(m.total, 5100);
    assert.equal(m.blocksize, 13);
    assert.equal(m.free + m.usage, m.total);
    t.run("var big = new Uint8Array(1600)");
    var m2 = t.run("process.memory()");
    // 1600 bytes = 124 blocks of 13 bytes plus a flat-string header block, then the view and
    // its ArrayBuffer, and the global's name `big` (which refers to the view; README, Memory
    // model; 2v29 itself says 138 here, statement temporaries included)
    assert.equal(m2.usage - m.usage, 125 + 2 + 1);
    var o = makeRuntime("original");
    assert.equal(o.run("process.env.BOARD"), o.mcu.board.envBoard[0]);
  });

  test("getTime and timers follow simulated time", () => {
    var t = makeRuntime();
    t.run("var fired = []; setTimeout(function () { fired.push(getTime()); }, 250); var id = setInterval(function () { fired.push('i'); }, 100);");
    assert.equal(typeof t.run("id"), "number");
    t.loop.runFor(320);
    var fired = t.run("fired");
    assert.deepEqual(Array.from(fired).filter((x: any) => x === "i").length, 3);
    var at = fired.find((x: any) => typeof x === "number");
    assert.ok(at >= 0.25 && at < 0.26, "fired at " + at);
    t.run("clearInterval(id)");
    assert.equal(t.loop.pending(), 0);
  });

  test("print and console.log write lines with CR LF; objects as Espruino formats them", () => {
    var t = makeRuntime();
    t.run('print("a", 1, [1,2], {x:"y"}); console.log("b")');
    assert.equal(t.text(), 'a 1 [ 1, 2 ] { x: "y" }\r\nb\r\n');
  });
});

describe("flat typed arrays in the virtual SRAM", () => {
  test("a large typed array is flat: its address is in SRAM and DMA-side writes are visible to JS", () => {
    var t = makeRuntime();
    var addr = t.run("var a = new Uint8Array(64); E.getAddressOf(a, true)");
    var ram = t.mcu.board.ram[0];
    assert.ok(addr >= ram.base && addr + 64 <= ram.base + ram.size);
    assert.equal(t.mcu.heap.blockAt(addr)!.size, 64);
    // A write through the bus (as the DMA would) is seen by the typed array, and back.
    t.mcu.debugWrite(addr + 4, 4, 0x44332211);
    assert.deepEqual(Array.from(t.run("a.subarray(4, 8)")), [0x11, 0x22, 0x33, 0x44]);
    t.run("a[0] = 0xAB; poke32(E.getAddressOf(a, true) + 8, 0x01020304)");
    assert.equal(t.mcu.debugRead(addr, 1), 0xab);
    assert.equal(t.run("a[8] + a[11] * 256"), 0x04 + 0x01 * 256);
    assert.equal(t.run("peek32(E.getAddressOf(a, true) + 8)"), 0x01020304);
  });

  test("mid-sized arrays are not flat (address 0); views add their byteOffset", () => {
    var t = makeRuntime();
    // Pico layout (test/conformance/golden/flat-typed-arrays.out): up to 8 bytes in one
    // block (an address), 9..17 a chain (none), 18 and up flat.
    assert.notEqual(t.run("E.getAddressOf(new Uint8Array(8), true)"), 0);
    assert.equal(t.run("E.getAddressOf(new Uint8Array(9), true)"), 0);
    assert.equal(t.run("E.getAddressOf(new Uint8Array(17), true)"), 0);
    assert.notEqual(t.run("E.getAddressOf(new Uint8Array(18), true)"), 0);
    var d = t.run("var w = new Uint32Array(16); var v = new Uint8Array(w.buffer, 12, 8); E.getAddressOf(v, true) - E.getAddressOf(w, true)");
    assert.equal(d, 12);
    assert.equal(t.run("E.getAddressOf(w.subarray(2), true) - E.getAddressOf(w, true)"), 8);
    assert.equal(t.run("new Uint16Array([1,2,3])[2]"), 3);
    var sl = t.run("var big = new Uint8Array(100); big[50] = 5; var part = big.slice(40, 90); [E.getAddressOf(part, true), part[10], E.getAddressOf(big.map(function (x) { return x + 1; }), true)]");
    assert.ok(sl[0] > 0 && sl[2] > 0);
    assert.equal(sl[1], 5);
    assert.equal(t.run("new Uint8Array(40) instanceof Uint8Array"), true);
  });

  test("E.defrag moves live flat buffers to close the gaps, keeping their contents", async () => {
    var t = makeRuntime();
    t.run("var x = new Uint8Array(200); var y = new Uint8Array(200); y[0] = 99; var before = E.getAddressOf(y, true);");
    t.run("x = undefined");
    await nextJob();
    var moved = t.run("E.defrag(); E.getAddressOf(y, true)");
    var before = t.run("before");
    assert.ok(moved < before, "y moved down from " + before + " to " + moved);
    assert.equal(t.run("y[0]"), 99);
    assert.equal(t.mcu.debugRead(moved, 1), 99);
  });

  test("a flat block whose typed array became unreachable is freed at the next collection", async () => {
    var t = makeRuntime();
    var addr = t.run("var z = new Uint8Array(512); E.getAddressOf(z, true)");
    t.run("z = null");
    await nextJob();
    t.rt.collect();
    assert.equal(t.mcu.heap.blockAt(addr), undefined);
    // a block still referenced (held only by a closure) stays
    var kept = t.run("var keep = (function () { var k = new Uint8Array(300); return function () { return E.getAddressOf(k, true); }; })(); keep()");
    await nextJob();
    t.rt.collect();
    assert.ok(t.mcu.heap.blockAt(kept));
  });

  test("E.getSizeOf counts blocks; E.toArrayBuffer gives a flat buffer for long strings", () => {
    var t = makeRuntime();
    // view + ArrayBuffer + a flat string: a header and 160 bytes in 13 blocks of 13 bytes
    assert.equal(t.run("E.getSizeOf(new Uint8Array(160))"), 2 + 1 + 13);
    assert.notEqual(t.run("E.getAddressOf(E.toArrayBuffer('abcdefghijklmnopqrstuvwxyz0123'), true)"), 0);
    assert.equal(t.run("new Uint8Array(E.toArrayBuffer('AB'))[1]"), 66);
  });
});

describe("errors, memory limits and board services", () => {
  test("uncaught errors print as Espruino prints them, with the position", () => {
    var t = makeRuntime();
    var r = t.rt.evaluate("var q = 1;\nfoo();");
    assert.equal(r.ok, false);
    // 2v29 at its REPL: the frame, then the caret on the token after the undefined name.
    assert.equal(t.text(), 'Uncaught ReferenceError: "foo" is not defined\r\n    at REPL (:2:4)\r\nfoo();\r\n   ^\r\n');
    t.clear();
    t.rt.evaluate("throw new Error('stop now')");
    assert.match(t.text(), /^Uncaught Error: stop now\r\n    at REPL \(:1:27\)\r\n/);
    t.clear();
    t.rt.evaluate("null.x");
    assert.equal(t.text(), "Uncaught Error: Can't read property 'x' of null\r\n    at REPL (:1:5)\r\nnull.x\r\n    ^\r\n");
    t.clear();
    t.rt.evaluate("throw 'text'");
    assert.match(t.text(), /^Uncaught text\r\n/);
  });

  test("an error in a timer callback is reported and the loop goes on", () => {
    var t = makeRuntime();
    t.run("var n = 0; setTimeout(function () { missing(); }, 5); setTimeout(function () { n++; }, 10);");
    t.loop.runUntilIdle();
    assert.match(t.text(), /Uncaught ReferenceError: "missing" is not defined/);
    assert.equal(t.run("n"), 1);
  });

  test("promise jobs run after the evaluation or the timer that queued them; rejections print", async () => {
    var t = makeRuntime();
    t.run("var order = []; Promise.resolve(1).then(function (v) { order.push('then' + v); }); order.push('sync');");
    assert.deepEqual(Array.from(t.run("order")), ["sync", "then1"]);
    t.run("setTimeout(function () { Promise.resolve(2).then(function (v) { order.push('t' + v); }); order.push('timer'); }, 10)");
    t.loop.runUntilIdle();
    assert.deepEqual(Array.from(t.run("order")), ["sync", "then1", "timer", "t2"]);
    t.run("Promise.reject(new Error('nobody catches')); new Promise(function (ok, no) { no(new Error('caught')); }).catch(function () { order.push('c'); });");
    assert.match(t.text(), /Uncaught Error: nobody catches/);
    assert.doesNotMatch(t.text(), /caught\r/);
    assert.equal(t.run("order[order.length - 1]"), "c");
    assert.equal(t.run("new Promise(function () {}) instanceof Promise"), true);
  });

  test("a bad bus access is an error in the sandbox, not a simulator crash", () => {
    var t = makeRuntime();
    var r = t.rt.evaluate("peek32(0x60000000)");
    assert.equal(r.ok, false);
    assert.match(t.text(), /^Uncaught Error: HardFault: .*0x60000000/);
    var caught = t.run("var caught = ''; try { poke32(0x60000000, 1); } catch (e) { caught = e instanceof Error ? e.message : 'not an Error'; } caught");
    assert.match(caught, /HardFault/);
    assert.equal(t.run("1 + 1"), 2);
  });

  test("code too big for the board's variable store fails with Out of Memory, as on the board", () => {
    var t = makeRuntime("pico");
    var fn = "function f" + "() { return " + JSON.stringify("y".repeat(1000)) + "; }\n";
    var big = "";
    for (var i = 0; i < 80; i++) big += fn.replace("f()", "f" + i + "()");
    var r = t.rt.evaluate(big);
    assert.equal(r.ok, false);
    // 2v29 prints OUT OF MEMORY (jsvar.c), then the error flags (jsinteractive.c).
    assert.match(t.text(), /OUT OF MEMORY[^]*New interpreter error: LOW_MEMORY,MEMORY/);
    t.clear();
    var small = t.rt.evaluate("function g() { return 1; } g()");
    assert.equal(small.ok, true);
  });

  test("redefining a function replaces its code's memory instead of adding to it", () => {
    var t = makeRuntime("pico");
    var body = JSON.stringify("z".repeat(2000));
    for (var i = 0; i < 100; i++) {
      var r = t.rt.evaluate("function same() { return " + body + "; }");
      assert.equal(r.ok, true, "round " + i);
    }
    var m = t.run("process.memory()");
    assert.ok(m.usage < 400, "usage " + m.usage);
  });

  test("loadBundle runs an IIFE bundle and offers it as require('espdma')", () => {
    var t = makeRuntime();
    var r = t.rt.loadBundle("var espdma = (function () { var exports = {}; exports.version = '9.9'; return exports; })();");
    assert.equal(r.ok, true);
    assert.equal(t.run('require("espdma").version'), "9.9");
    assert.equal(t.run('require("espdma") === espdma'), true);
  });

  test("a simulated Ctrl-C interrupts a busy-wait on a register", () => {
    var t = makeRuntime();
    t.rt.interruptAtCycle = t.mcu.cycles + 50000;
    var r = t.rt.evaluate("var spins = 0; while (true) { peek32(0x20000800); spins++; }");
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.interrupted, true);
    assert.equal(t.text(), "Execution Interrupted\r\n");
    assert.ok(t.run("spins") > 0);
  });

  test("Storage: write with offset and size, read, readJSON, list, erase; kept over reset()", () => {
    var t = makeRuntime();
    t.run('var s = require("Storage"); s.write("log", "AB", 0, 6); s.write("log", "CD", 2)');
    assert.equal(t.run('s.read("log")'), "ABCD\xff\xff");
    assert.equal(t.run('s.read("log", 1, 2)'), "BC");
    t.run('s.write("cfg", JSON.stringify({a: 5}))');
    assert.equal(t.run('s.readJSON("cfg").a'), 5);
    // Flash order, not sorted (2v29: test/conformance/golden/storage.out).
    assert.deepEqual(Array.from(t.run("s.list()")), ["log", "cfg"]);
    assert.deepEqual(Array.from(t.run("s.list(/^c/)")), ["cfg"]);
    t.run('reset()');
    t.rt.runPending();
    assert.match(t.text(), /espruino\.com/);
    assert.equal(t.run('typeof s'), "undefined");
    assert.equal(t.run('require("Storage").read("cfg")'), '{"a":5}');
    t.run('require("Storage").erase("cfg")');
    assert.equal(t.run('require("Storage").read("cfg")'), undefined);
    assert.throws(() => t.run('require("Storage").write("x".repeat(29), "1")'));
  });

  test("save() and load() replay the program; E.setBootCode runs at load; reset frees buffers", () => {
    var t = makeRuntime();
    t.run("var counter = 41; function bump() { return ++counter; }");
    t.run("save()");
    t.rt.runPending();
    t.run("counter = 0; var buf = new Uint8Array(100); var bufAddr = E.getAddressOf(buf, true)");
    var bufAddr = t.run("bufAddr");
    t.run('E.setBootCode("var booted = true;")');
    t.run("load()");
    t.rt.runPending();
    assert.equal(t.run("bump()"), 42);
    assert.equal(t.run("booted"), true);
    assert.equal(t.mcu.heap.blockAt(bufAddr), undefined);
  });

  test("Modules.addCached and require", () => {
    var t = makeRuntime();
    t.run('Modules.addCached("m1", "exports.twice = function (x) { return 2 * x; };")');
    assert.equal(t.run('require("m1").twice(21)'), 42);
    assert.equal(t.run('require("m1") === require("m1")'), true);
    var r = t.rt.evaluate('require("nope")');
    assert.equal(r.ok, false);
    assert.match(t.text(), /Module "nope" not found/);
  });
});

describe("more of what Espruino has", () => {
  test('global["\\xff"].timers lists the running timers by id, as the agent counts them', () => {
    var t = makeRuntime();
    var count = 'var root = global["\\xff"], tm = root && root.timers, n = -1; if (tm) { n = 0; for (var k in tm) if (tm[k]) n++; } n';
    assert.equal(t.run(count), 0);
    t.run("var a = setTimeout(function () {}, 100), b = setInterval(function () {}, 50, 'x');");
    assert.equal(t.run(count), 2);
    assert.equal(t.run('Object.keys(global["\\xff"].timers).join()'), t.run("[a, b].join()"));
    assert.equal(t.run('global["\\xff"].timers[b].interval'), 50);
    assert.equal(t.run('global["\\xff"].timers[a].interval'), undefined);
    assert.equal(t.run('typeof global["\\xff"].timers[a].callback'), "function");
    assert.equal(t.run('Object.keys(global).indexOf("\\xff")'), -1, "hidden from enumeration");
    t.loop.runFor(120); // the timeout fired, the interval keeps running
    assert.equal(t.run(count), 1);
    t.run("clearInterval(b)");
    assert.equal(t.run(count), 0);
  });

  test("peek32/poke32 array forms read and write consecutive words", () => {
    var t = makeRuntime();
    t.run("var buf = new Uint32Array(8); var at = E.getAddressOf(buf, true); poke32(at, [1, 2, 3]);");
    assert.equal(t.run("buf.slice(0, 4).join()"), "1,2,3,0");
    assert.equal(t.run("var p = peek32(at, 3); (p instanceof Uint32Array) + ':' + p.join()"), "true:1,2,3");
  });

  test("E.toFlatString returns the string; when RAM is short it defragments first (moving flat buffers)", async () => {
    var t = makeRuntime();
    assert.equal(t.run('E.toFlatString("abc")'), "abc");
    // Fill the heap with buffers, drop every other one, then ask for a flat string that fits
    // only after compaction: the survivors move.
    t.run("var keep = []; var tmp = []; for (var i = 0; i < 40; i++) { var x = new Uint8Array(1500); (i % 2 ? tmp : keep).push(x); }");
    t.run("tmp = undefined; x = undefined;");
    await nextJob();
    assert.equal(t.rt.collect(), 20, "the dropped buffers are freed");
    var before = t.run("E.getAddressOf(keep[1], true)");
    var free = t.mcu.heap.total() - t.mcu.heap.used();
    t.run("var s = E.toFlatString(new Array(" + Math.floor(free / 2 + 64) + ").join('q'))");
    assert.notEqual(t.run("E.getAddressOf(keep[1], true)"), before);
  });

  test("memory limits are per board: the same code fits a wifi's variable store but not a pico's", () => {
    // 50 functions of about 1,400 characters, sent one per line as an upload sends them: each
    // keeps about 114 blocks (2v29, Pico layout: test/conformance/golden/memory-functions.out,
    // text_string1400), 5,700 in all: more than a Pico's 5,100, less than a WiFi's 8,190.
    var fn = "function f() { return " + JSON.stringify("y".repeat(1400)) + "; }";
    var pico = makeRuntime("pico"), wifi = makeRuntime("wifi");
    var picoOk = 0, wifiOk = 0;
    for (var i = 0; i < 50; i++) {
      var line = fn.replace("f()", "f" + i + "()");
      if (pico.rt.evaluate(line).ok) picoOk++;
      if (wifi.rt.evaluate(line).ok) wifiOk++;
    }
    assert.ok(picoOk > 30 && picoOk < 50, "pico took " + picoOk);
    assert.match(pico.text(), /OUT OF MEMORY/);
    assert.equal(wifiOk, 50, wifi.text());
  });

  test("bad accesses from JavaScript: unaligned peripheral word, byte store to a word-only DMA register", () => {
    var t = makeRuntime();
    t.run("poke32(0x40023830, 1 << 22)"); // RCC AHB1ENR.DMA2EN
    var r = t.rt.evaluate("peek32(0x40026402)");
    assert.equal(r.ok, false);
    assert.match(t.text(), /HardFault: unaligned access to DMA2/);
    t.run("poke32(0x40026414, 100); poke8(0x40026414, 7)"); // DMA2 S0NDTR
    assert.equal(t.run("peek32(0x40026414)"), 100);
    assert.equal(t.run("peek32(0x20000001) >= 0"), true, "unaligned SRAM words are fine (ARMv7-M A3.2.1)");
  });
});
