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

// ------------------------------------------------------------------ as a user runs it (issue 13)

import { spawn, spawnSync } from "node:child_process";

/** `espdma ARGS` as a child process, with stdin kept open: type() writes, until() waits. */
function cli(args: string[]) {
  var p = spawn(process.execPath, ["bin/espdma.js", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  var out = "", err = "";
  p.stdout.on("data", (b) => (out += b.toString("latin1")));
  p.stderr.on("data", (b) => (err += b.toString("latin1")));
  var exited = new Promise<number>((res) => p.on("exit", (code) => res(code ?? -1)));
  return {
    get out() { return out; },
    type: (s: string) => p.stdin.write(s),
    end: () => p.stdin.end(),
    exited,
    kill: () => p.kill("SIGKILL"),
    async until(re: RegExp, ms = 20000): Promise<number> {
      var t0 = Date.now();
      while (!re.test(out) && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
      assert.match(out, re, "stderr: " + err);
      return Date.now() - t0;
    },
  };
}

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, ["bin/espdma.js", ...args], { input, encoding: "latin1", timeout: 60000 });
}

test("espdma exec prints what the code prints and exits; -e does the same", () => {
  var r = run(["exec", 'print(6*7); console.log({ a: 1 })']);
  assert.equal(r.stdout, "42\n{ a: 1 }\n", r.stderr);
  assert.equal(r.status, 0);
  var e = run(["repl", "-e", "print(process.env.BOARD)", "--virtual", "wifi"]);
  assert.equal(e.stdout, "ESPRUINOWIFI\n", e.stderr);
});

test("espdma exec: --wait lets the board's timers print; an uncaught error is exit code 1", () => {
  var r = run(["exec", 'setTimeout(function () { print("later"); }, 200); print("now")', "--wait", "1500"]);
  assert.equal(r.stdout, "now\nlater\n", r.stderr);
  var u = run(["exec", "nosuch()"]);
  assert.match(u.stdout, /^Uncaught ReferenceError: "nosuch" is not defined/);
  assert.equal(u.status, 1);
});

test("a driver error printed at the REPL shows its e.code (finding 3)", () => {
  var r = run(["exec", 'espdma.requestChannel({ request: "nope" })']);
  // The message starts with the code: Espruino prints an uncaught Error's message, not its .code.
  assert.match(r.stdout, /^Uncaught \w+: ENODEV: unknown request NOPE: use MEM2MEM/);
  assert.equal(r.status, 1);
});

test("piped stdin: espdma repl waits for the board's answers before it exits", () => {
  // Up recalls the last line (history) and Enter runs it again.
  var r = run(["repl"], "print(1+1)\r6*7\r\x1b[A\r");
  assert.match(r.stdout, /print\(1\+1\)\r\n2\r\n=undefined\r\n>6\*7\r\n=42\r\n>\x1b\[J6\*7\r\n=42\r\n>$/, r.stderr);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Connected to virtual pico/);
});

test("espdma repl: timers and getTime() follow the wall clock (finding 4)", { timeout: 60000 }, async () => {
  var s = cli(["repl"]);
  try {
    s.type('var n = 0, iv = setInterval(function () { n++; }, 100), t0 = getTime(); setTimeout(function () { print("FIRED"); }, 30000);\r');
    await s.until(/=\d+\r\n>$/);
    await new Promise((r) => setTimeout(r, 1000));
    s.type('clearInterval(iv); print("n=" + n + " dt=" + (getTime() - t0).toFixed(1))\r');
    await s.until(/n=\d+ dt=/);
    var m = /n=(\d+) dt=([\d.]+)/.exec(s.out)!;
    // About 10 runs and 1 s; on simulated time it ran thousands of times at once.
    assert.ok(+m[1] >= 3 && +m[1] <= 40, "interval runs in ~1 s: " + m[1]);
    assert.ok(+m[2] >= 0.5 && +m[2] <= 10, "getTime() advanced: " + m[2]);
    assert.doesNotMatch(s.out, /\nFIRED\r/); // a 30 s timeout has not fired after about a second
  } finally { s.kill(); }
});

test("espdma repl: Ctrl-C stops running code on the virtual board, a loop that touches nothing included (finding 4)", { timeout: 90000 }, async () => {
  var s = cli(["repl"]);
  try {
    var stop = async (code: string, printed: RegExp) => {
      var before = s.out.length;
      s.type(code + "\r");
      await new Promise((r) => setTimeout(r, 300));
      s.type("\x03");
      // The watchdog would stop it after 20 s: well before that means Ctrl-C did.
      var ms = await s.until(new RegExp("[^]{" + before + "}[^]*" + printed.source), 15000);
      assert.ok(ms < 15000);
    };
    await stop("while (true) {}", /Execution Interrupted\r\n/);
    await stop("while (true) { getTime(); }", /Execution Interrupted\r\n/);
    await stop("setTimeout(function () { while (1); }, 10)", /Execution Interrupted during event processing\.\r\n/);
    await stop("setInterval(function () { while (1); }, 10)", /ERROR: Ctrl-C while processing interval - removing it\.\r\nExecution Interrupted during event processing\.\r\nNew interpreter error: CALLBACK\r\n/);
    s.type("global['\\xff'].timers.length + 40\r");
    await s.until(/=40\r\n>$/); // the interval is gone, the board answers
  } finally { s.kill(); }
});

test("espdma sim: a client's Ctrl-C stops a loop that touches nothing; the sim keeps serving", { timeout: 60000 }, async () => {
  var port = 20000 + (process.pid % 20000);
  var s = cli(["sim", "--tcp", "127.0.0.1:" + port]);
  try {
    var t0 = Date.now();
    var net = await import("node:net");
    var sock: any;
    while (!sock && Date.now() - t0 < 20000) {
      sock = await new Promise((res) => { var c = net.connect(port, "127.0.0.1"); c.once("connect", () => res(c)); c.once("error", () => setTimeout(() => res(null), 100)); });
    }
    assert.ok(sock, "sim listening");
    var got = "";
    sock.on("data", (b: Buffer) => (got += b.toString("latin1")));
    sock.write("while (true) {}\r");
    await new Promise((r) => setTimeout(r, 300));
    var sent = Date.now();
    sock.write("\x03");
    while (!/Execution Interrupted/.test(got) && Date.now() - sent < 15000) await new Promise((r) => setTimeout(r, 20));
    assert.match(got, /Execution Interrupted\r\n/); // the 20 s watchdog would come later
    sock.write("6*7\r");
    while (!/=42/.test(got) && Date.now() - sent < 20000) await new Promise((r) => setTimeout(r, 20));
    assert.match(got, /=42/);
    sock.destroy();
  } finally { s.kill(); }
});

test("over a port (a sim on TCP): exec prints the output; piped input ends once the output is quiet", { timeout: 60000 }, async () => {
  var { serveTcp } = await import("../../host/virtual-board/index");
  var { execCommand } = await import("../../host/cli/repl");
  var s = await serveTcp({ board: "original", port: 0, pace: "fast" });
  try {
    var port = "tcp://127.0.0.1:" + s.address.port;
    var out: string[] = [], err: string[] = [];
    var code = await execCommand({ port }, 'print(process.env.BOARD); throw new Error("EBUSY: in use")', {}, { out: (x) => out.push(x), err: (x) => err.push(x) });
    assert.match(out.join("\n"), /^ESPRUINOBOARD\nUncaught Error: EBUSY: in use\n/, err.join("\n"));
    assert.equal(code, 1);
    // The echo is back on for the next user of the board.
    var input = new PassThrough(), output = new PassThrough(), seen = "";
    output.on("data", (b) => (seen += b.toString("latin1")));
    var done = replSession({ port }, { input, output });
    input.end("7*6\r");
    await done;
    assert.match(seen, /7\*6\r\n=42\r\n>/);
  } finally { await s.close(); }
});
