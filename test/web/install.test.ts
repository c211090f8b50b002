// The fakes as a page gets them: defined on a navigator before anything runs, each board made
// only when the page first talks to it; each menu entry's transport, made as the page
// makes it (request() opens the chooser, then open()), reaches its board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard, VirtualBoard } from "../../host/virtual-board/index";
import { ReplClient } from "../../host/link/repl-client";
import { replBridge } from "../../host/web/fakes/bridge";
import { installFakeDevices } from "../../host/web/fakes/install";
import { webSerial } from "../../host/web/transports/web-serial";
import { webUsb } from "../../host/web/transports/webusb";
import { webBluetooth } from "../../host/web/transports/web-bluetooth";

const kinds = { webserial: webSerial, webusb: webUsb, webbluetooth: webBluetooth };

test("installFakeDevices: navigator.usb/serial/bluetooth defined, boards made on first use, each menu entry (request, open) reaches its board", async () => {
  var nav: any = {};
  var made: string[] = [], boards: VirtualBoard[] = [];
  var fakes = installFakeDevices(nav, (kind) => {
    made.push(kind);
    var vb = createVirtualBoard({ board: kind === "bluetooth" ? "puckjs" : "pico" });
    boards.push(vb);
    return replBridge(vb.repl);
  });
  assert.equal(nav.usb, fakes.usb);
  assert.equal(nav.serial, fakes.serial);
  assert.equal(nav.bluetooth, fakes.bluetooth);
  assert.deepEqual(made, [], "no board before the page talks to one");
  var had = (globalThis as any).navigator;
  Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  for (const k of Object.values(kinds)) assert.match(k.unavailable()!, /This browser has no/);
  Object.defineProperty(globalThis, "navigator", { value: nav, configurable: true, writable: true });
  try {
    for (const [id, k] of Object.entries(kinds)) {
      assert.equal(k.unavailable(), null);
      var t = await k.request({});
      await t.open();
      var c = new ReplClient(t);
      try {
        await c.sync();
        assert.equal(await c.eval("process.env.BOARD"), id === "webbluetooth" ? "PUCKJS" : "PICO_R1_3");
      } finally {
        await c.close();
      }
    }
    // Granted once, a serial port or USB device is reused without the chooser (no click needed).
    fakes.serial!.cancel = fakes.usb!.cancel = true;
    for (const k of [webSerial, webUsb]) {
      var again = await k.request({});
      await again.open();
      await again.close();
    }
    // Bluetooth always asks (a granted device need not be in range): cancelled, it says so.
    fakes.bluetooth!.cancel = true;
    await assert.rejects(webBluetooth.request({}), (e: any) => e.code === "ECANCELLED");
  } finally {
    Object.defineProperty(globalThis, "navigator", { value: had, configurable: true, writable: true });
    for (const b of boards) b.close();
  }
  assert.deepEqual(made.sort(), ["bluetooth", "serial", "usb"]);
});
