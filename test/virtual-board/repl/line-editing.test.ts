// History, line editing and Tab completion as Espruino's REPL does them. Every expected string
// below is what Espruino 2v29 (the Linux build, in a pty) printed for the same keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../../host/virtual-board/index";

function board() {
  var vb = createVirtualBoard({ board: "pico", seed: 1 });
  var out = "";
  vb.repl.onOutput((b) => { out += Buffer.from(b).toString("latin1"); });
  return {
    vb,
    /** Send keys, return what the board printed for them. */
    async keys(s: string) { out = ""; vb.repl.receive(s); await vb.repl.settle(); var o = out; out = ""; return o; },
  };
}
const L = "\x1b[D", R = "\x1b[C", UP = "\x1b[A", DOWN = "\x1b[B";

test("Left, Right, insert and backspace in the middle, Home, End, Delete at the end", async () => {
  var b = board();
  assert.equal(await b.keys("xyz"), "xyz");
  assert.equal(await b.keys(L + L), L + L);
  assert.equal(await b.keys("Q"), "Qyz \b\b\b\bQ");          // redraws the rest, backs up
  assert.equal(await b.keys("\x7f"), "\byz \b\b\b");          // deletes before the cursor
  assert.equal(await b.keys("\x1b[H"), "\b");                  // Home
  assert.equal(await b.keys("\x1b[F"), "xyz");                 // End
  assert.equal(await b.keys("\x1b[3~"), "");                   // Delete at the end: nothing
  assert.equal(await b.keys(L + L + L + "\x1b[3~"), L + L + L + "yz \b\b\b"); // Delete at the cursor
  var run = await b.keys(R + R + "\r");                          // the cursor at the end: runs "yz"
  assert.equal(run.indexOf(R + R + "\r\nUncaught ReferenceError: \"yz\" is not defined"), 0, run);
  b.vb.close();
});

test("Enter with the cursor inside the line splits it; with only spaces after, it executes", async () => {
  var b = board();
  assert.equal(await b.keys("a" + L + "\r"), "a" + L + "\x1b[J\r\n:a" + L);
  assert.equal(await b.keys("\x03"), UP + "\r\x1b[J>");
  var got = await b.keys("6*7  " + L + L + "\r");
  assert.equal(got, "6*7  " + L + L + "\r\n=42\r\n>");
  b.vb.close();
});

test("history: Up and Down walk through executed lines, most recent first; Down past the end clears", async () => {
  var b = board();
  await b.keys("var abcc = 5\r");
  await b.keys("1+2\r");
  assert.equal(await b.keys(UP), "\x1b[J1+2");
  assert.equal(await b.keys(UP), L + L + L + "\x1b[Jvar abcc = 5");
  assert.equal(await b.keys(DOWN), L.repeat(12) + "\x1b[J1+2");
  assert.equal(await b.keys(DOWN), L + L + L + "\x1b[J");
  // A line run again moves to the end of the history.
  await b.keys("var abcc = 5\r");
  assert.equal(await b.keys(UP), "\x1b[Jvar abcc = 5");
  assert.equal(await b.keys(UP), L.repeat(12) + "\x1b[J1+2");
  assert.equal(await b.keys("\r"), "\r\n=3\r\n>");
  b.vb.close();
});

test("Up and Down inside a multi-line input move between its lines", async () => {
  var b = board();
  assert.equal(await b.keys("if (1) {\r"), "if (1) {\r\n:");
  assert.equal(await b.keys("print(2)" + UP), "print(2)" + UP);
  assert.equal(await b.keys(DOWN), DOWN);
  assert.equal(await b.keys("\x7f"), "\b \b");
  assert.equal(await b.keys("\x03"), L.repeat(7) + UP + "\r\x1b[J>");
  b.vb.close();
});

test("Tab completes a global name or an object's field; several matches print in two columns", async () => {
  var b = board();
  await b.keys("var abcd = { xyz1: 1, xyz2: 2, q: 3 }, abce = 2;\r");
  assert.equal(await b.keys("ab\t"), "ab\r\n\r\nabcd                abce\r\n\r\n>abc");
  assert.equal(await b.keys("c\t"), "c");                          // "abcc": no match
  await b.keys("\x03");
  assert.equal(await b.keys("abcd.x\t"), "abcd.x\r\n\r\nxyz1                xyz2\r\n\r\n>abcd.xyz");
  await b.keys("\x03");
  assert.equal(await b.keys("abcd.q\t"), "abcd.q");                // nothing longer than "q"
  await b.keys("\x03");
  assert.equal(await b.keys("1+ab\t"), "1+ab");                    // not after an operator
  await b.keys("\x03");
  assert.equal(await b.keys("print(1); abcd.xy\t"), "print(1); abcd.xy"); // nor after a semicolon
  await b.keys("\x03");
  // One match is completed in place.
  assert.equal(await b.keys("require('Storage').eras\t"), "require('Storage').eras");
  await b.keys("\x03");
  await b.keys("var st = require('Storage');\r");
  var one = await b.keys("st.eraseA\t");
  assert.equal(one, "st.eraseAll");
  b.vb.close();
});

test("with echo off a Tab is four spaces, as Espruino inserts it", async () => {
  var b = board();
  await b.keys("echo(0)\r");
  await b.keys("var s = '\t'.length\r");
  await b.keys("echo(1)\r");
  assert.equal(b.vb.eval("s"), 4);
  b.vb.close();
});
