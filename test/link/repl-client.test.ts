// The REPL client against the virtual board's REPL: in-process, through serialport's
// MockBinding, over TCP; and the faults: no answer, reset mid-upload, noise, lost bytes.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard, serveTcp, MockBinding } from "../../host/virtual-board/index";
import { openLink } from "../../host/link/open";
import { runProgram } from "../../host/scenarios/runner";
import { agentSource } from "../../host/scenarios/bundle";

const CODE = "var big = '" + "x".repeat(3000) + "';\nfunction f(){\n  return big.length + 1;\n}\n";

describe("REPL client, in-process", () => {
  test("sync, eval, errors from the board, upload", async () => {
    var l = await openLink({ virtual: "pico" });
    try {
      await l.client.sync();
      assert.equal(await l.client.eval("process.env.BOARD"), "PICO_R1_3");
      assert.deepEqual(await l.client.eval("[1,{a:2}]"), [1, { a: 2 }]);
      await assert.rejects(l.client.eval("nope.x"), (e: any) => e.code === "EREMOTE" && /nope/.test(e.message));
      await l.client.upload(CODE);
      assert.equal(await l.client.eval("f()"), 3001);
    } finally {
      await l.close();
    }
  });

  test("uploads honour XOFF: a tiny input buffer that drops on overflow loses nothing", async () => {
    var vb = createVirtualBoard({ board: "pico", repl: { inputBuffer: 64, overflow: "drop" } });
    var l = await openLink({ board: vb, client: { chunkSize: 56 } });
    try {
      var xoffs = 0;
      l.transport.onData((b) => { if (b.includes(0x13)) xoffs++; });
      await l.client.sync();
      await l.client.upload(CODE);
      assert.equal(await l.client.eval("f()"), 3001);
      assert.equal(vb.repl.dropped, 0);
      assert.ok(xoffs > 0, "the board never sent XOFF: the test does not exercise flow control");
    } finally {
      await l.close();
      vb.close();
    }
  });

  test("a board that does not answer: a clear error, bounded", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    vb.repl.setFaults({ mute: true });
    var l = await openLink({ board: vb, client: { timeoutMs: 200, syncAttempts: 2 } });
    try {
      await assert.rejects(l.client.sync(), (e: any) => e.code === "ENOANSWER" && /does not answer/.test(e.message));
    } finally {
      await l.close();
      vb.close();
    }
  });

  test("a reset in the middle of an upload is reported, not ignored", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var l = await openLink({ board: vb });
    try {
      await l.client.sync();
      vb.repl.setFaults({ resetAfterInputBytes: 1000 });
      await assert.rejects(l.client.upload(CODE), (e: any) => e.code === "ERESET" && /reset/.test(e.message));
    } finally {
      await l.close();
      vb.close();
    }
  });
});

describe("REPL client flow control, scripted transport", () => {
  test("no byte goes out between XOFF and XON; a held XOFF times out clearly", async () => {
    var { ReplClient } = await import("../../host/link/repl-client");
    var log: string[] = [];
    var listeners: ((b: Buffer) => void)[] = [];
    var fake = {
      description: "fake",
      open: async () => {},
      write: async (d: Buffer | string) => { log.push("w" + Buffer.from(d as any).length); },
      onData: (fn: (b: Buffer) => void) => { listeners.push(fn); return () => {}; },
      onClose: () => () => {},
      close: async () => {},
    };
    var send = (b: number[]) => { log.push(b[0] === 0x13 ? "XOFF" : "XON"); for (const f of listeners) f(Buffer.from(b)); };
    var c = new ReplClient(fake, { chunkSize: 10, xoffTimeoutMs: 50 });
    var p = c.writeChunked("a".repeat(30));
    await new Promise((r) => setImmediate(r));
    send([0x13]);
    await new Promise((r) => setTimeout(r, 20));
    send([0x11]);
    await p;
    assert.deepEqual(log, ["w10", "XOFF", "XON", "w10", "w10"]);
    send([0x13]);
    await assert.rejects(c.writeChunked("b".repeat(5)), (e: any) => e.code === "EXOFF" && /XOFF/.test(e.message));
  });

  test("a link lost while the board holds XOFF ends the wait at once, with the loss", async () => {
    var { ReplClient } = await import("../../host/link/repl-client");
    var listeners: ((b: Buffer) => void)[] = [], closers: ((e?: Error) => void)[] = [];
    var fake = {
      description: "fake", open: async () => {}, write: async () => {},
      onData: (fn: (b: Buffer) => void) => { listeners.push(fn); return () => {}; },
      onClose: (fn: (e?: Error) => void) => { closers.push(fn); return () => {}; },
      close: async () => {},
    };
    var c = new ReplClient(fake, { chunkSize: 10, xoffTimeoutMs: 60000 });
    for (const f of listeners) f(Buffer.from([0x13]));
    var t0 = Date.now(), p = c.writeChunked("a".repeat(30));
    await new Promise((r) => setTimeout(r, 10));
    for (const f of closers) f(new Error("the device file is gone"));
    await assert.rejects(p, (e: any) => e.code === "ECLOSED" && /device file is gone/.test(e.message));
    assert.ok(Date.now() - t0 < 5000, "waited for the XOFF limit");
    // And a wait that starts after the loss fails at once too.
    await assert.rejects(c.writeChunked("b"), (e: any) => e.code === "ECLOSED");
  });
});

describe("StreamTransport: a serial port whose device goes away", () => {
  test("the device file gone: the link is lost and a waiting write fails at once, saying so", async () => {
    var { StreamTransport } = await import("../../host/link/stream-transport");
    var { PassThrough } = await import("node:stream");
    var there = true, stuck = new PassThrough({ highWaterMark: 1 });
    // A write that never completes, as one blocked in node-serialport's poller.
    stuck._write = () => {};
    var t = new StreamTransport("/dev/ttyFAKE", () => stuck, () => there);
    await t.open();
    var lost: (Error | undefined)[] = [];
    t.onClose((e) => lost.push(e));
    var w = t.write("abc");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(lost, [], "lost while the device is there");
    there = false;
    var t0 = Date.now();
    await assert.rejects(w, (e: any) => e.code === "ECLOSED" && /\/dev\/ttyFAKE: the port is gone .*unplugged/.test(e.message));
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(lost.length, 1);
    var first = lost[0] as Error | undefined; // deepEqual above narrowed lost to never[]
    assert.match(String(first && first.message), /device file is gone/);
    await t.close();
  });
});

describe("REPL client, other transports", () => {
  test("through node-serialport's MockBinding", async () => {
    var vb = createVirtualBoard({ board: "original" });
    var detach = vb.attachMockPort("/dev/espdma-test-0");
    var l = await openLink({ port: "/dev/espdma-test-0", binding: MockBinding });
    try {
      await l.client.sync();
      assert.equal(await l.client.eval("process.env.BOARD"), "ESPRUINOBOARD");
      await l.client.upload(CODE);
      assert.equal(await l.client.eval("f()"), 3001);
    } finally {
      await l.close();
      detach();
      vb.close();
    }
  });

  test("a busy serial port: a clear error", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var detach = vb.attachMockPort("/dev/espdma-test-busy");
    var a = await openLink({ port: "/dev/espdma-test-busy", binding: MockBinding });
    try {
      await assert.rejects(openLink({ port: "/dev/espdma-test-busy", binding: MockBinding }), (e: any) => e.code === "EBUSY" && /busy.*close the other program/.test(e.message));
    } finally {
      await a.close();
      detach();
      vb.close();
    }
  });

  test("an unknown serial port: a clear error", async () => {
    await assert.rejects(openLink({ port: "/dev/espdma-no-such-port", binding: MockBinding }), (e: any) => /does not exist|Cannot open/.test(e.message));
  });

  test("over TCP (espdma sim)", async () => {
    var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    var l = await openLink({ port: "tcp://127.0.0.1:" + s.address.port });
    try {
      await l.client.sync();
      assert.equal(await l.client.eval("1+1"), 2);
    } finally {
      await l.close();
      await s.close();
    }
  });

  test("TCP: nobody listening is a clear error", async () => {
    var s = await serveTcp({ board: "pico", port: 0, pace: "fast" });
    var port = s.address.port;
    await s.close();
    await assert.rejects(openLink({ port: "tcp://127.0.0.1:" + port }), (e: any) => /Cannot connect/.test(e.message) && /espdma sim/.test(e.message));
  });
});

describe("agent events over a noisy line", () => {
  const PROGRAM = [
    { op: "alloc", buf: "a", len: 64 }, { op: "fill", buf: "a", pattern: "canary" },
    { op: "wait", ms: 3 }, { op: "checkCanary", buf: "a" }, { op: "mark", label: "x" },
    { op: "alloc", buf: "b", len: 16 }, { op: "checkZero", buf: "b" },
  ];

  async function run(faults: any, seed: number): Promise<{ events?: any[]; error?: any }> {
    var vb = createVirtualBoard({ board: "pico" });
    var l = await openLink({ board: vb, client: { timeoutMs: 1000 } });
    try {
      await l.client.sync();
      await l.client.upload(await agentSource());
      vb.repl.setFaults({ ...faults, seed });
      return { events: (await runProgram(l, "n" + seed, PROGRAM, 500, 200)).events };
    } catch (e) {
      return { error: e };
    } finally {
      await l.close();
      vb.close();
    }
  }

  test("clean line: all events, in order, with a final done", async () => {
    var r = await run({}, 1);
    assert.ok(r.events, String(r.error));
    assert.deepEqual(r.events!.map((e) => e.t), ["alloc", "canary", "mark", "alloc", "zero", "done"]);
    assert.equal(r.events![1].ok, true);
    assert.equal(r.events![5].ok, true);
  });

  test("corrupted or lost bytes: never a wrong event; the run fails clearly", async () => {
    var clean = (await run({}, 1)).events!;
    for (const [faults, seed] of [[{ corruptOut: 0.01 }, 2], [{ corruptOut: 0.003 }, 3], [{ dropOut: 0.01 }, 4]] as const) {
      var r = await run(faults, seed);
      if (r.events) assert.deepEqual(r.events.map(strip), clean.map(strip), "a run over a noisy line returned different events");
      else assert.match(String(r.error.message), /never arrived intact|did not finish|noise/);
    }
  });
});

function strip(e: any): any {
  var c = { ...e };
  delete c.ts;
  delete c.ms;
  return c;
}

test("resetBoard: reset() clears the board's code and gives a prompt back", async () => {
  var l = await openLink({ virtual: "wifi" });
  try {
    await l.client.sync();
    await l.client.upload("var keep = 1;");
    await l.client.resetBoard();
    assert.equal(await l.client.eval("typeof keep"), "undefined");
  } finally {
    await l.close();
  }
});
