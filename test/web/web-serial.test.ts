// The Web Serial transport against the fake serial port, bridged to a virtual board in Node:
// the REPL client over it, the chooser cancelled, a port another program holds, unplug.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { ReplClient } from "../../host/link/repl-client";
import { replBridge } from "../../host/web/fakes/bridge";
import { FakeSerial, FakeSerialPort } from "../../host/web/fakes/fake-serial";
import { WebSerialTransport, ESPRUINO_SERIAL_FILTERS } from "../../host/web/transports/web-serial";

function setup(opts: { busy?: boolean; inputBuffer?: number } = {}) {
  var vb = createVirtualBoard({ board: "pico", repl: { inputBuffer: opts.inputBuffer } });
  var serial = new FakeSerial();
  var port = serial.add(new FakeSerialPort({ bridge: replBridge(vb.repl), busy: opts.busy }));
  var t = new WebSerialTransport({ serial: serial as unknown as Serial, filters: ESPRUINO_SERIAL_FILTERS });
  return { vb, serial, port, t };
}

const CODE = "var big = '" + "x".repeat(3000) + "';\nfunction f(){\n  return big.length + 1;\n}\n";

describe("Web Serial transport", () => {
  test("REPL client over Web Serial: sync, eval, upload held off by a small input buffer; close unlocks and closes the port", async () => {
    var { vb, port, t } = setup({ inputBuffer: 128 });
    await t.open();
    assert.equal(t.description, "Web Serial 0483:5740");
    assert.equal(port.options!.baudRate, 115200);
    var c = new ReplClient(t, { chunkSize: 512 });
    try {
      await c.sync();
      assert.equal(await c.eval("process.env.BOARD"), "PICO_R1_3");
      await c.upload(CODE);
      assert.equal(await c.eval("f()"), 3001);
      assert.equal(await c.eval("'y'.repeat(700)"), "y".repeat(700));
      assert.ok(port.stats.heldOut > 0, "no write was held: the test does not exercise the hold-off");
      assert.equal(vb.repl.dropped, 0);
    } finally {
      await c.close();
      vb.close();
    }
    assert.equal(port.readable, null, "the port is closed");
    // And it opens again (a port left locked would fail here).
    var again = new WebSerialTransport({ port: port as unknown as SerialPort });
    await again.open();
    await again.close();
  });

  test("chooser cancelled, port held by another program, already open, no Web Serial: clear errors", async () => {
    var { vb, serial, t } = setup();
    serial.cancel = true;
    await assert.rejects(t.open(), (e: any) => e.code === "ECANCELLED" && /No port selected/.test(e.message) && /pick the board/.test(e.message));
    var busy = setup({ busy: true });
    await assert.rejects(busy.t.open(), (e: any) => e.code === "EBUSY" && /Failed to open serial port/.test(e.message) && /Web IDE/.test(e.message));
    var one = setup();
    await one.t.open();
    await assert.rejects(new WebSerialTransport({ port: one.port as unknown as SerialPort }).open(), (e: any) => e.code === "EBUSY" && /already open/.test(e.message));
    await one.t.close();
    await assert.rejects(new WebSerialTransport({}).open(), (e: any) => e.code === "ENOSERIAL" && /Chrome or Edge/.test(e.message));
    vb.close(); busy.vb.close(); one.vb.close();
  });

  test("unplug while a write is held off: the write fails at once", async () => {
    var { vb, port, t } = setup({ inputBuffer: 128 });
    await t.open();
    try {
      var w = t.write("\x10var s='" + "q".repeat(2000) + "';\n");
      for (var i = 0; i < 100 && !port.stats.heldOut; i++) await new Promise((r) => setTimeout(r, 1));
      assert.ok(port.stats.heldOut > 0);
      port.disconnect();
      await assert.rejects(w, (e: any) => e.code === "ECLOSED" && /unplugged/.test(e.message));
    } finally {
      await t.close();
      vb.close();
    }
  });

  test("unplug mid-command: the command fails at once with a clear message", async () => {
    var { vb, port, t } = setup();
    await t.open();
    var c = new ReplClient(t, { timeoutMs: 60000 });
    try {
      await c.sync();
      var closed: any[] = [];
      t.onClose((e) => closed.push(e));
      var pending = c.eval("(function(){var t=getTime();while(getTime()-t<0.5);return 1})()");
      setImmediate(() => port.disconnect());
      await assert.rejects(pending, (e: any) => e.code === "ECLOSED" && /was disconnected: was the board unplugged\? Plug it in and connect again/.test(e.message));
      assert.equal(closed.length, 1, "one close, though both the stream error and the event report it");
      await assert.rejects(t.write("1\n"), (e: any) => e.code === "ECLOSED");
    } finally {
      await c.close();
      vb.close();
    }
  });
});
