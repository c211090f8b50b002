// The fakes as a page gets them: defined on a navigator before anything runs, each board made
// only when the page first talks to it; the catalog finds the three APIs there; each
// transport, made the way the page makes it (from the catalog, no options), reaches its board.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard, VirtualBoard } from "../../host/virtual-board/index";
import { ReplClient } from "../../host/link/repl-client";
import { replBridge } from "../../host/web/fakes/bridge";
import { installFakeDevices } from "../../host/web/fakes/install";
import { browserTransports } from "../../host/web/transports/catalog";

test("installFakeDevices: navigator.usb/serial/bluetooth defined, boards made on first use, each catalog transport reaches its board", async () => {
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
  assert.deepEqual(browserTransports.filter((t) => t.available(nav)).map((t) => t.id), ["webserial", "webusb", "bluetooth"]);
  assert.deepEqual(browserTransports.filter((t) => t.available({})).map((t) => t.id), []);
  var had = (globalThis as any).navigator;
  Object.defineProperty(globalThis, "navigator", { value: nav, configurable: true, writable: true });
  try {
    for (const bt of browserTransports) {
      var t = bt.make();
      await t.open();
      var c = new ReplClient(t);
      try {
        await c.sync();
        assert.equal(await c.eval("process.env.BOARD"), bt.id === "bluetooth" ? "PUCKJS" : "PICO_R1_3");
      } finally {
        await c.close();
      }
    }
  } finally {
    Object.defineProperty(globalThis, "navigator", { value: had, configurable: true, writable: true });
    for (const b of boards) b.close();
  }
  assert.deepEqual(made.sort(), ["bluetooth", "serial", "usb"]);
});
