import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../../host/virtual-board/index";
import { XON, XOFF } from "../../../host/virtual-board/repl/repl";
import { isComplete } from "../../../host/virtual-board/repl/brackets";

function board(opts: any = {}) {
  var vb = createVirtualBoard({ board: "pico", seed: 1, ...opts });
  var out = "";
  vb.repl.onOutput((b) => { out += Buffer.from(b).toString("latin1"); });
  return {
    vb,
    async send(s: string) { vb.repl.receive(s); await vb.repl.settle(); },
    take() { var o = out; out = ""; return o; },
  };
}

describe("Espruino REPL on a byte stream", () => {
  test("echo, =value and the prompt", async () => {
    var b = board();
    await b.send("1+2\n");
    assert.equal(b.take(), "1+2\r\n=3\r\n>");
    await b.send("[1,2]\r\n");
    assert.equal(b.take(), "[1,2]\r\n=[ 1, 2 ]\r\n>");
    await b.send("\n");
    assert.equal(b.take(), "\r\n>"); // an empty line: no `=undefined` (recorded on 2v29)
  });

  test("a line with DLE is not echoed and gets no =value, but its output is printed", async () => {
    var b = board();
    await b.send("\x10var a = 6*7;\n");
    assert.equal(b.take(), ">"); // prompt given back once idle
    await b.send("\x10print(a)\n");
    assert.equal(b.take(), "42\r\n>");
  });

  test("the espruino CLI's handshake gets the env line it parses", async () => {
    var b = board();
    await b.send('\x10print("<","<<",JSON.stringify(process.env),">>",">")\n');
    var m = /<<\s*(\{.*\})\s*>>/.exec(b.take());
    assert.ok(m);
    assert.equal(JSON.parse(m![1]).BOARD, "PICO_R1_3");
  });

  test("multi-line input continues with ':' until brackets balance", async () => {
    var b = board();
    await b.send("function f(x) {\n");
    assert.equal(b.take(), "function f(x) {\r\n:");
    await b.send("  return x * 2;\n}\n");
    // 2v29's value for a function declaration is the function: =function (x) { ... }
    assert.equal(b.take(), "  return x * 2;\r\n:}\r\n=function (x) { ... }\r\n>");
    await b.send("f(21)\n");
    assert.equal(b.take(), "f(21)\r\n=42\r\n>");
    // Alt-Enter (ESC LF) inserts a newline without executing
    await b.send("\x10var s = 1\x1b\n+ 2\n\x10print(s)\n");
    assert.match(b.take(), /3\r\n/);
    assert.equal(isComplete("var x = '{'; // (\n"), true);
    assert.equal(isComplete("if (a) {\n  b = [1,\n"), false);
  });

  test("Ctrl-C clears the line being typed; backspace edits it", async () => {
    var b = board();
    await b.send("var zz = 1");
    b.take();
    await b.send("\x03");
    // The cursor goes back over the line first (recorded on 2v29: ten ESC [ D here).
    assert.equal(b.take(), "\x1b[D".repeat(10) + "\r\x1b[J>");
    await b.send("typeof zz\n");
    assert.equal(b.take(), 'typeof zz\r\n="undefined"\r\n>');
    await b.send("12\x7f3\n");
    assert.equal(b.take(), "12\b \b3\r\n=13\r\n>");
  });

  test("Ctrl-C interrupts code that runs (simulated: a Ctrl-C arriving at a given cycle)", async () => {
    var b = board();
    b.vb.runtime.interruptAtCycle = b.vb.mcu.cycles + 100000;
    await b.send("while (1) { peek32(0x20000800); }\n");
    assert.equal(b.take(), "while (1) { peek32(0x20000800); }\r\nExecution Interrupted\r\n>");
    await b.send("1\n");
    assert.equal(b.take(), "1\r\n=1\r\n>");
  });

  test("uncaught errors print as Espruino's", async () => {
    var b = board();
    await b.send("nope()\n");
    // As 2v29's REPL prints it: the frame, the line, a caret on the token after the name.
    assert.equal(b.take(), 'nope()\r\nUncaught ReferenceError: "nope" is not defined\r\n    at REPL (:1:5)\r\nnope()\r\n    ^\r\n>');
  });

  test("output from timers removes and then restores the prompt", async () => {
    var b = board();
    await b.send("setTimeout(function(){print('later')}, 1000)\n");
    assert.equal(b.take(), "setTimeout(function(){print('later')}, 1000)\r\n=1\r\n>\r\x1b[Jlater\r\n>");
  });

  test("XOFF when the input buffer fills, XON when it drains; nothing lost", async () => {
    var b = board({ repl: { inputBuffer: 64 } });
    var lines = "";
    for (var i = 0; i < 20; i++) lines += "\x10var v" + i + " = " + i + ";\n";
    await b.send(lines);
    var out = b.take();
    var xoff = out.indexOf(String.fromCharCode(XOFF)), xon = out.indexOf(String.fromCharCode(XON));
    assert.ok(xoff >= 0 && xon > xoff, JSON.stringify(out));
    assert.equal(b.vb.eval("v19"), 19);
  });

  test("with overflow 'drop' bytes beyond the buffer are lost, as on a UART without flow control", async () => {
    var b = board({ repl: { inputBuffer: 32, overflow: "drop" } });
    var s = "\x10var long = '" + "x".repeat(60) + "';\n";
    b.vb.repl.receive(s);
    await b.vb.repl.settle();
    assert.ok(b.vb.repl.dropped > 0);
    assert.equal(b.vb.eval("typeof long"), "undefined");
  });

  test("garbage and partial lines: control bytes ignored, a partial line waits, bad syntax reports", async () => {
    var b = board();
    await b.send("\x01\x02\x7f\x04");
    assert.equal(b.take(), "");
    await b.send("3*");
    assert.equal(b.take(), "3*");
    await b.send("4\n");
    assert.equal(b.take(), "4\r\n=12\r\n>");
    await b.send("\x10)(\n");
    assert.match(b.take(), /^Uncaught SyntaxError/);
  });

  test("echo(0) turns echo off for every line", async () => {
    var b = board();
    await b.send("echo(0)\n");
    b.take();
    await b.send("1+1\n");
    assert.equal(b.take(), "");
    await b.send("echo(1)\n");
    await b.send("2\n");
    assert.match(b.take(), /2\r\n=2\r\n>$/);
  });

  test("fault injection: dropped and corrupted bytes are deterministic for a seed; mute; reset mid-stream", async () => {
    async function run(seed: number) {
      var b = board();
      b.vb.repl.setFaults({ dropOut: 0.2, corruptOut: 0.1, seed });
      await b.send("print('hello world, this is a test')\n");
      return b.take();
    }
    var a1 = await run(5), a2 = await run(5);
    assert.equal(a1, a2);
    assert.notEqual(a1, "print('hello world, this is a test')\r\nhello world, this is a test\r\n=undefined\r\n>");
    var b = board();
    b.vb.repl.setFaults({ mute: true });
    await b.send("1\n");
    assert.equal(b.take(), "");
    b.vb.repl.setFaults({ resetAfterInputBytes: 5 });
    await b.send("var keep = 1;\n");
    var out = b.take();
    assert.match(out, /espruino\.com/);
    assert.equal(b.vb.eval("typeof keep"), "undefined");
  });

  test("reset() prints the banner and clears state", async () => {
    var b = board();
    await b.send("var q = 5\n");
    b.take();
    await b.send("\x10reset();\n");
    var out = b.take();
    assert.match(out, /espruino\.com/);
    assert.match(out, /2v29/);
    assert.equal(b.vb.eval("typeof q"), "undefined");
  });
});

describe("a preloaded firmware bundle", () => {
  test("is loaded at power-on and still require()-able after reset()", async () => {
    var vb = createVirtualBoard({ board: "pico", bundle: "var espdma = (function () { return { version: '1.2.3' }; })();" });
    var out = "";
    vb.repl.onOutput((b) => { out += Buffer.from(b).toString("latin1"); });
    assert.equal(vb.eval("espdma.version"), "1.2.3");
    vb.repl.receive("\x10reset();\n\x10print(require('espdma').version)\n");
    await vb.repl.settle();
    assert.match(out, /1\.2\.3\r\n/);
  });
});

describe("flat buffer lifetime across REPL commands", () => {
  test("a buffer dropped by one command is freed before the next one runs", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    vb.runtime.sweepEvery = 1;
    vb.repl.receive("\x10var t = new Uint8Array(256); var at = E.getAddressOf(t, true);\n");
    await vb.repl.settle();
    var at = vb.eval("at") as number;
    assert.ok(vb.mcu.heap.blockAt(at));
    vb.repl.receive("\x10t = undefined;\n\x10var u = 1;\n");
    await vb.repl.settle();
    assert.equal(vb.mcu.heap.blockAt(at), undefined);
  });
});

describe("replay", () => {
  test("the same input and seed give the same output, addresses and MCU trace, however the bytes are chunked", async () => {
    var session = "";
    for (var i = 0; i < 12; i++) session += "\x10var b" + i + " = new Uint8Array(" + (40 + i * 8) + "); if (" + i + " % 3 == 0) b" + (i > 0 ? i - 1 : 0) + " = undefined;\n";
    session += "\x10E.defrag(); print([b11, b5].map(function (x) { return E.getAddressOf(x, true); }).join(), getTime())\n";
    async function run(chunk: number) {
      var vb = createVirtualBoard({ board: "pico", seed: 42 });
      vb.runtime.sweepEvery = 1;
      var out = "";
      vb.repl.onOutput((b) => { out += Buffer.from(b).toString("latin1"); });
      for (var k = 0; k < session.length; k += chunk) vb.repl.receive(session.slice(k, k + chunk));
      await vb.repl.settle();
      return { out, hash: vb.mcu.traceHash() };
    }
    var a = await run(1000), b = await run(7);
    assert.match(a.out, /\d+,\d+ [\d.]+/);
    assert.equal(b.out, a.out);
    assert.equal(b.hash, a.hash);
  });
});

describe("boot process (espruino.com/Saving, 'Boot Process')", () => {
  test("a power cycle resets the peripherals and runs the saved image, .boot0, .bootcde and onInit", async () => {
    var b = board();
    await b.send("\x10var kept = 7; function onInit() { print('init ' + kept); }\n\x10save()\n");
    await b.send('\x10require("Storage").write(".boot0", "var b0 = 1;"); E.setBootCode("var bc = 2;");\n');
    var RCC_AHB1ENR = 0x40023830;
    b.vb.eval("poke32(" + RCC_AHB1ENR + ", 1 << 22)"); // DMA2EN
    await b.send("\x10var lost = 1;\n");
    b.take();
    b.vb.repl.powerCycle();
    var out = b.take();
    assert.match(out, /espruino\.com[\s\S]*init 7\r\n>$/, "banner, then onInit's output, then the prompt");
    assert.equal(b.vb.eval("typeof lost"), "undefined");
    assert.deepEqual(JSON.parse(b.vb.eval("JSON.stringify([kept, b0, bc])") as string), [7, 1, 2]);
    assert.equal(b.vb.eval("peek32(" + RCC_AHB1ENR + ") & (1 << 22)"), 0, "RCC back to its reset value");
  });

  test("reset() runs .boot0 and .bootrst but neither the saved image nor .bootcde; load() runs them", async () => {
    var b = board();
    await b.send("\x10var kept = 7;\n\x10save()\n");
    await b.send('\x10require("Storage").write(".boot0", "var b0 = 1;"); E.setBootCode("var bc = 2;");\n');
    await b.send("\x10reset();\n");
    assert.deepEqual(JSON.parse(b.vb.eval("JSON.stringify([typeof kept, typeof b0, typeof bc])") as string), ["undefined", "number", "undefined"]);
    await b.send("\x10load();\n");
    assert.deepEqual(JSON.parse(b.vb.eval("JSON.stringify([kept, b0, bc])") as string), [7, 1, 2]);
    // .bootrst replaces .bootcde (Save on Send)
    await b.send('\x10require("Storage").write(".bootrst", "var br = 3;");\n\x10load();\n');
    assert.deepEqual(JSON.parse(b.vb.eval("JSON.stringify([typeof bc, br])") as string), ["undefined", 3]);
    // reset(true) erases flash, the saved image with it
    await b.send("\x10reset(true);\n\x10load();\n");
    assert.deepEqual(JSON.parse(b.vb.eval("JSON.stringify([typeof kept, typeof b0, typeof br])") as string), ["undefined", "undefined", "undefined"]);
  });
});

describe("Ctrl-C acts on receipt, on every transport (jsiCtrlC, EXEC_CTRL_C)", () => {
  test("a busy command queued before the Ctrl-C is interrupted; the line after it runs", async () => {
    var b = board();
    await b.send("var n = 0; while (1) { peek32(0x20000800); n++; }\n\x03typeof zz\n");
    assert.equal(b.take(), 'var n = 0; while (1) { peek32(0x20000800); n++; }\r\nExecution Interrupted\r\n>typeof zz\r\n="undefined"\r\n>');
    // Stopped one SysTick period after the Ctrl-C arrived, not by the wall-clock watchdog.
    assert.ok((b.vb.eval("n") as number) <= b.vb.runtime.ctrlCDelayCycles / b.vb.mcu.scheduler.cpuAccessCycles + 1);
  });

  test("reached while idle it only clears the line: a command after it is not interrupted", async () => {
    var b = board();
    b.vb.runtime.ctrlCDelayCycles = 1000; // shorter than the command below
    await b.send("\x03var n = 0; for (var i = 0; i < 50; i++) { peek32(0x20000800); n++; } n\n");
    assert.match(b.take(), /=50\r\n>$/);
  });

  test("a command that ends before the delay is not interrupted", async () => {
    var b = board();
    await b.send("peek32(0x20000800) + 1\n\x03");
    assert.match(b.take(), /=1\r\n>$/);
    await b.send("2\n");
    assert.equal(b.take(), "2\r\n=2\r\n>");
  });
});

describe("Ctrl-C and timers", () => {
  test("a Ctrl-C queued behind a command is handled before timers run: it does not hit a timer callback", async () => {
    var b = board();
    // The chain's callbacks run long after the Ctrl-C's delay (one SysTick period).
    await b.send("\x10var ticks = 0; function t() { peek32(0x20000800); if (++ticks < 30) setTimeout(t, 100); } setTimeout(t, 100);\n\x03");
    assert.doesNotMatch(b.take(), /Interrupted/);
    assert.equal(b.vb.eval("ticks"), 30);
  });
});
