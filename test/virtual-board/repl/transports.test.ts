import { test, describe } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPortStream } from "@serialport/stream";
import { createVirtualBoard, serveTcp, MockBinding } from "../../../host/virtual-board/index";

/** Collect a readable's data until `pred(text)` holds. */
function until(stream: NodeJS.ReadableStream, pred: (s: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    var text = "";
    var on = (d: Buffer) => {
      text += d.toString("latin1");
      if (pred(text)) { stream.removeListener("data", on); resolve(text); }
    };
    stream.on("data", on);
  });
}

describe("transports", () => {
  test("in-process duplex stream", async () => {
    var vb = createVirtualBoard({ board: "wifi" });
    var s = vb.stream();
    var got = until(s, (t) => t.endsWith("=49\r\n>"));
    s.write("7*7\n");
    assert.equal(await got, "7*7\r\n=49\r\n>");
    s.destroy();
    vb.close();
  });

  test("serialport's own stream code over the mock binding", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var detach = vb.attachMockPort("/dev/espdma-test0");
    var port = new SerialPortStream({ binding: MockBinding, path: "/dev/espdma-test0", baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    var got = until(port, (t) => t.includes(">>"));
    port.write('\x10print("<","<<",JSON.stringify(process.env),">>",">")\n');
    var text = await got;
    assert.match(text, /"BOARD":"PICO_R1_3"/);
    await new Promise<void>((res) => port.close(() => res()));
    detach();
    vb.close();
  });

  test("Ctrl-C over the in-process duplex stream interrupts the busy command queued before it", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var s = vb.stream();
    var got = until(s, (t) => t.endsWith("=true\r\n>"));
    s.write("var n = 0; while (true) { peek32(0x20000800); n++; }\n");
    s.write("\x03n > 0\n");
    assert.match(await got, /Execution Interrupted\r\n>n > 0\r\n=true\r\n>$/);
    // Stopped by the Ctrl-C one SysTick period after it arrived, not by the 20 s watchdog.
    var accesses = vb.runtime.ctrlCDelayCycles / vb.mcu.scheduler.cpuAccessCycles;
    assert.ok((vb.eval("n") as number) <= accesses + 1, "iterations: " + vb.eval("n"));
    s.destroy();
    vb.close();
  });

  test("Ctrl-C through serialport's stream over the mock binding does the same", async () => {
    var vb = createVirtualBoard({ board: "original" });
    var detach = vb.attachMockPort("/dev/espdma-test1");
    var port = new SerialPortStream({ binding: MockBinding, path: "/dev/espdma-test1", baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    var got = until(port, (t) => t.endsWith("=2\r\n>"));
    port.write("var n = 0; while (true) { peek32(0x20000800); n++; }\n\x031+1\n");
    assert.match(await got, /Execution Interrupted\r\n>1\+1\r\n=2\r\n>$/);
    assert.ok((vb.eval("n") as number) <= vb.runtime.ctrlCDelayCycles / vb.mcu.scheduler.cpuAccessCycles + 1);
    await new Promise<void>((res) => port.close(() => res()));
    detach();
    vb.close();
  });

  test("TCP: a raw client gets the REPL", async () => {
    var srv = await serveTcp({ board: "f4discovery", port: 0, pace: "fast" });
    var sock = net.connect(srv.address.port, srv.address.host);
    var got = until(sock, (t) => t.endsWith(">"));
    sock.write("process.env.BOARD\n");
    assert.match(await got, /="[A-Z0-9_]+"\r\n>$/);
    sock.destroy();
    await srv.close();
  });

  test("TCP: a client's Ctrl-C interrupts code that keeps the board busy", { timeout: 30000 }, async () => {
    var srv = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    // The client must be another process: this one's main thread is the busy board.
    var client = [
      "const s = require('net').connect(" + srv.address.port + ", '127.0.0.1'); let t = '', step = 0;",
      "s.on('data', (d) => { t += d.toString('latin1');",
      "  if (step === 0 && t.includes('while')) { step = 1; s.write('\\x03'); }",
      "  if (step === 1 && /Execution Interrupted\\r\\n>$/.test(t)) { step = 2; t = ''; s.write('1+1\\n'); }",
      "  if (step === 2 && /=2\\r\\n>$/.test(t)) { console.log('OK'); s.destroy(); } });",
      "s.write('while (true) { peek32(0x20000800); }\\n');",
      "setTimeout(() => { console.log('TIMEOUT ' + JSON.stringify(t)); process.exit(1); }, 15000).unref();",
    ].join("\n");
    var child = spawn(process.execPath, ["-e", client], { stdio: ["ignore", "pipe", "inherit"] });
    var out = "";
    child.stdout.on("data", (d) => { out += d; });
    var code = await new Promise<number | null>((res) => child.on("close", (c) => res(c)));
    await srv.close();
    assert.equal(out.trim(), "OK");
    assert.equal(code, 0);
  });

  test("Espruino's own CLI uploads a file over TCP and evaluates an expression", { timeout: 30000 }, async () => {
    var srv = await serveTcp({ board: "pico", port: 0 });
    var dir = mkdtempSync(join(tmpdir(), "espdma-cli-"));
    var file = join(dir, "up.js");
    // Over 512 bytes: espruino 0.1.67 only reports "Upload Complete" (and exits) for uploads
    // longer than one write block (core/serial.js writeSerialWorker).
    var src = "var a = 6 * 7;\n";
    for (var i = 0; i < 30; i++) src += "var pad" + i + " = \"" + "p".repeat(12) + "\";\n";
    writeFileSync(file, src);
    var cli = spawn(process.execPath, ["node_modules/espruino/bin/espruino-cli.js", "--no-ble", "-p", "tcp://127.0.0.1:" + srv.address.port, file, "-e", "print(a + 1)"], { stdio: ["ignore", "pipe", "pipe"] });
    var out = "";
    cli.stdout.on("data", (d) => { out += d; });
    cli.stderr.on("data", (d) => { out += d; });
    var code = await new Promise<number | null>((res) => cli.on("close", (c) => res(c)));
    await srv.close();
    assert.match(out, /Connected/);
    // XOFF/XON may sit in front of the line: the upload filled the input buffer.
    assert.match(out, /--\] [\x11\x13>]*43\r?\n/);
    assert.match(out, /Upload Complete/);
    assert.equal(code, 0);
    assert.equal(srv.board.runtime.g.pad29, "pppppppppppp");
  });

  test("`espdma sim --board pico --tcp HOST:PORT` serves the espruino CLI (upload a file, evaluate)", { timeout: 60000 }, async () => {
    var port = await freePort();
    var sim = spawn(process.execPath, ["bin/espdma.js", "sim", "--board", "pico", "--tcp", "127.0.0.1:" + port], { stdio: ["ignore", "pipe", "pipe"] });
    var simOut = "";
    sim.stderr.on("data", (d) => { simOut += d; });
    try {
      simOut += await until(sim.stdout, (t) => /listening on tcp:/.test(t));
      var dir = mkdtempSync(join(tmpdir(), "espdma-sim-"));
      var file = join(dir, "up.js");
      var src = "var b = 20 + 1;\n"; // over 512 bytes: see the test above
      for (var i = 0; i < 30; i++) src += "var q" + i + " = \"" + "q".repeat(12) + "\";\n";
      writeFileSync(file, src);
      var cli = spawn(process.execPath, ["node_modules/espruino/bin/espruino-cli.js", "--no-ble", "-p", "tcp://127.0.0.1:" + port, file, "-e", "print(b * 2, process.env.BOARD)"], { stdio: ["ignore", "pipe", "pipe"] });
      var out = "";
      cli.stdout.on("data", (d) => { out += d; });
      cli.stderr.on("data", (d) => { out += d; });
      var code = await new Promise<number | null>((res) => cli.on("close", (c) => res(c)));
      assert.match(out, /Connected/);
      assert.match(out, /Upload Complete/);
      assert.match(out, /--\] [\x11\x13>]*42 PICO_R1_3\r?\n/);
      assert.equal(code, 0);
    } finally {
      // `espdma sim` serves until interrupted (SIGINT), then closes and exits cleanly.
      var exited = new Promise<number | null>((res) => sim.on("close", (c) => res(c)));
      sim.kill("SIGINT");
      assert.equal(await exited, 0, simOut);
    }
  });
});

/** A TCP port nobody listens on right now (tests run in parallel: no fixed 8023). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    var srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      var p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}
