// espdma repl against the virtual board: keys pass through, local commands, Ctrl-] quits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { replCommand, replSession } from "../../host/cli/repl";

test("typing, Ctrl-C, .upload, .dma and Ctrl-] to quit", async () => {
  var vb = createVirtualBoard({ board: "pico" });
  var input = new PassThrough(), output = new PassThrough();
  var seen = "";
  output.on("data", (b) => (seen += b.toString("latin1")));
  var file = join(mkdtempSync(join(tmpdir(), "espdma-")), "u.js");
  writeFileSync(file, "var espdma = { dump: function () { return 'DMA2 S0 EN=0'; } };\n");
  var done = replSession({ board: vb }, { input, output });
  var until = async (re: RegExp) => { for (var i = 0; i < 200 && !re.test(seen); i++) await new Promise((r) => setTimeout(r, 5)); assert.match(seen, re); };
  await until(/Connected to virtual pico/);
  input.write("6*7\r");
  await until(/=42/);
  input.write("1+\x03");             // Ctrl-C passes through and clears the line
  input.write(".upload " + file + "\r");
  await until(/uploaded \d+ bytes/);
  input.write(".dma\r");
  await until(/DMA2 S0 EN=0/);
  input.write(".nope\r");
  await until(/unknown local command/);
  input.write("\x1d");
  await done;
  vb.close();
});

test("on a terminal: raw mode on while connected, off after Ctrl-]; a closed link ends the session", async () => {
  var vb = createVirtualBoard({ board: "pico" });
  var input: any = new PassThrough(), output = new PassThrough();
  var modes: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (on: boolean) => { modes.push(on); };
  var done = replSession({ board: vb }, { input, output });
  for (var i = 0; i < 100 && !modes.length; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(modes, [true]);
  input.write("\x1d");
  await done;
  assert.deepEqual(modes, [true, false]);
  vb.close();

  // The board goes away (unplugged): the session ends by itself, raw mode is restored.
  var { serveTcp } = await import("../../host/virtual-board/index");
  var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
  var seen = "";
  var out2 = new PassThrough();
  out2.on("data", (b) => (seen += b.toString()));
  var in2: any = new PassThrough();
  var modes2: boolean[] = [];
  in2.isTTY = true;
  in2.setRawMode = (on: boolean) => { modes2.push(on); };
  var d2 = replSession({ port: "tcp://127.0.0.1:" + s.address.port }, { input: in2, output: out2 });
  for (var j = 0; j < 100 && !/Connected/.test(seen); j++) await new Promise((r) => setTimeout(r, 5));
  await s.close();
  await d2;
  assert.match(seen, /link closed/);
  assert.deepEqual(modes2, [true, false]);
});

test("espdma repl on the virtual board (the default) starts with the driver loaded, as if flashed", async () => {
  var input = new PassThrough(), output = new PassThrough();
  var seen = "";
  output.on("data", (b) => (seen += b.toString("latin1")));
  var until = async (re: RegExp) => { for (var i = 0; i < 400 && !re.test(seen); i++) await new Promise((r) => setTimeout(r, 5)); assert.match(seen, re); };
  var done = replCommand({ virtual: "pico" }, { input, output });
  await until(/Connected to virtual pico \(driver dist\/espdma\.min\.js loaded as if flashed: espdma is defined\)\./);
  input.write("typeof espdma + typeof espdma.requestChannel\r");
  await until(/="objectfunction"/);
  input.write("require('espdma') === espdma\r");
  await until(/=true/);
  input.write(".dma\r");
  await until(/>\.dma\r\n[^>]+\r\n>/);
  assert.doesNotMatch(seen, /is not defined|espdma is not loaded/);
  input.write("\x1d");
  await done;
});
