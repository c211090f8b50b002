// The Web Bluetooth NUS transport against the fake nRF52 board, bridged to a virtual Puck.js
// in Node: writes of at most 20 bytes, one at a time; notifications; the chooser cancelled; a
// longer write refused as a real board refuses it; the link lost mid-command.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { ReplClient } from "../../host/link/repl-client";
import { replBridge } from "../../host/web/fakes/bridge";
import { FakeBluetooth, FakeBleDevice } from "../../host/web/fakes/fake-ble";
import { WebBluetoothTransport } from "../../host/web/transports/web-bluetooth";
import { NUS_RX, NUS_SERVICE } from "../../host/web/transports/nus";

function setup(opts: { inputBuffer?: number; writeMs?: number } = {}) {
  var vb = createVirtualBoard({ board: "puckjs", repl: { inputBuffer: opts.inputBuffer } });
  var bluetooth = new FakeBluetooth();
  var dev = bluetooth.add(new FakeBleDevice({ bridge: replBridge(vb.repl), writeMs: opts.writeMs }));
  var t = new WebBluetoothTransport({ bluetooth: bluetooth as unknown as Bluetooth });
  return { vb, bluetooth, dev, t };
}

const CODE = "var big = '" + "x".repeat(3000) + "';\nfunction f(){\n  return big.length + 1;\n}\n";

describe("Web Bluetooth NUS transport", () => {
  test("REPL client over NUS: sync, eval, upload; writes of at most 20 bytes, notifications of at most 20", async () => {
    var { vb, dev, t } = setup({ inputBuffer: 128, writeMs: 1 });
    await t.open();
    assert.equal(t.description, "Bluetooth Puck.js a1b2");
    var c = new ReplClient(t);
    try {
      await c.sync();
      assert.equal(await c.eval("process.env.BOARD"), "PUCKJS");
      // Several writes at once (the client does not wait between them): serialised, in order.
      await Promise.all([t.write("\x10var a1='" + "a".repeat(50) + "';\n"), t.write("\x10var a2=a1+'" + "b".repeat(50) + "';\n")]);
      assert.equal(await c.eval("a2"), "a".repeat(50) + "b".repeat(50));
      await c.upload(CODE);
      assert.equal(await c.eval("f()"), 3001);
      assert.equal(await c.eval("'y'.repeat(300)"), "y".repeat(300));
      assert.equal(dev.stats.maxWrite, 20);
      assert.equal(dev.stats.maxNotification, 20);
      assert.ok(dev.stats.writes > 150);
      assert.equal(vb.repl.dropped, 0);
    } finally {
      await c.close();
      vb.close();
    }
    assert.equal(dev.gatt.connected, false, "disconnected on close");
  });

  test("the fake board refuses a write longer than 20 bytes and a second write while one is in progress", async () => {
    var { vb, dev } = setup({ writeMs: 5 });
    await dev.gatt.connect();
    var rx: any = await (await dev.gatt.getPrimaryService(NUS_SERVICE)).getCharacteristic(NUS_RX);
    await assert.rejects(rx.writeValueWithResponse(new Uint8Array(21)), (e: any) => e.name === "InvalidModificationError");
    var first = rx.writeValueWithResponse(new Uint8Array(20));
    await assert.rejects(rx.writeValueWithResponse(new Uint8Array(1)), (e: any) => e.name === "NetworkError" && /in progress/.test(e.message));
    await first;
    vb.close();
  });

  test("chooser cancelled, no Web Bluetooth, no NUS service: clear errors", async () => {
    var { vb, bluetooth, t } = setup();
    bluetooth.cancel = true;
    await assert.rejects(t.open(), (e: any) => e.code === "ECANCELLED" && /User cancelled/.test(e.message) && /Puck\.js/.test(e.message));
    await assert.rejects(new WebBluetoothTransport({}).open(), (e: any) => e.code === "ENOBLE");
    bluetooth.cancel = false;
    var notNus = new WebBluetoothTransport({ bluetooth: bluetooth as unknown as Bluetooth, device: { name: "Thing", id: "x", gatt: { connect: async () => ({ getPrimaryService: async () => { throw new Error("No Services matching UUID found in Device."); }, disconnect() {} }) }, addEventListener() {}, removeEventListener() {} } as any });
    await assert.rejects(notNus.open(), (e: any) => e.code === "ENOTNUS" && /not an Espruino board/.test(e.message));
    vb.close();
  });

  test("the link is lost mid-command: the command fails at once with a clear message", async () => {
    var { vb, dev, t } = setup();
    await t.open();
    var c = new ReplClient(t, { timeoutMs: 60000 });
    try {
      await c.sync();
      var pending = c.eval("(function(){var t=getTime();while(getTime()-t<0.5);return 1})()");
      setImmediate(() => dev.disconnect());
      await assert.rejects(pending, (e: any) => e.code === "ECLOSED" && /connection to Bluetooth Puck\.js a1b2 was lost/.test(e.message) && /connect again/.test(e.message));
      await assert.rejects(t.write("1\n"), (e: any) => e.code === "ECLOSED");
    } finally {
      await c.close();
      vb.close();
    }
  });
});
