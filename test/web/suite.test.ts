// The scenario suite through each browser transport's code path, against its fake device,
// bridged to a virtual board in Node, run as on a real board (one upload, shared board):
// every scenario that applies to a real board passes.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { runScenarios } from "../../host/scenarios/node-runner";
import { scenarios } from "../../host/scenarios/catalog";
import type { Transport } from "../../host/link/transport";
import { replBridge, BoardBridge } from "../../host/web/fakes/bridge";
import { FakeUsb, FakeUsbDevice } from "../../host/web/fakes/fake-usb";
import { FakeSerial, FakeSerialPort } from "../../host/web/fakes/fake-serial";
import { FakeBluetooth, FakeBleDevice } from "../../host/web/fakes/fake-ble";
import { WebUsbTransport } from "../../host/web/transports/webusb";
import { WebSerialTransport } from "../../host/web/transports/web-serial";
import { WebBluetoothTransport } from "../../host/web/transports/web-bluetooth";

const runs: { name: string; board: string; make: (b: BoardBridge) => { t: Transport; check: () => void } }[] = [
  { name: "WebUSB, Pico (F4 descriptors)", board: "pico", make: (bridge) => {
    var usb = new FakeUsb(), d = usb.add(new FakeUsbDevice({ bridge }));
    return { t: new WebUsbTransport({ usb: usb as unknown as USB }), check: () => { assert.equal(d.stats.maxInPacket, 63); assert.equal(d.stats.handOffs, 0); } };
  } },
  { name: "WebUSB, Original (F1 descriptors, upload through Storage)", board: "original", make: (bridge) => {
    var usb = new FakeUsb(), d = usb.add(new FakeUsbDevice({ bridge, model: "f1" }));
    return { t: new WebUsbTransport({ usb: usb as unknown as USB }), check: () => assert.equal(d.stats.handOffs, 0) };
  } },
  { name: "Web Serial, Pico", board: "pico", make: (bridge) => {
    var serial = new FakeSerial();
    serial.add(new FakeSerialPort({ bridge }));
    return { t: new WebSerialTransport({ serial: serial as unknown as Serial }), check: () => {} };
  } },
  { name: "Web Bluetooth, Puck.js", board: "puckjs", make: (bridge) => {
    var bt = new FakeBluetooth(), d = bt.add(new FakeBleDevice({ bridge }));
    return { t: new WebBluetoothTransport({ bluetooth: bt as unknown as Bluetooth }), check: () => assert.equal(d.stats.maxWrite, 20) };
  } },
];

describe("the scenario suite through the browser transports (fakes in Node)", () => {
  for (const r of runs) {
    test(r.name, { timeout: 120000 }, async () => {
      var vb = createVirtualBoard({ board: r.board });
      var { t, check } = r.make(replBridge(vb.repl));
      try {
        var rep = await runScenarios({ target: { transport: t } });
        var failed = rep.scenarios.filter((s) => !s.passed).map((s) => s.name + ": " + (s.error || JSON.stringify(s.invariants.filter((c) => !c.passed))));
        assert.deepEqual(failed, []);
        assert.ok(rep.passed >= 5, "only " + rep.passed + " scenarios ran");
        // Each scenario ran, or is virtual-only (needs the in-process board's faults), or does not apply to this board.
        assert.equal(rep.passed + rep.skipped.length + (rep.notApplicable || []).length, scenarios.length);
        check();
      } finally {
        vb.close();
      }
    });
  }

  test("WebUSB unplugged while a scenario's events come in: that scenario fails with the unplug message at once, and the run stops with it", { timeout: 120000 }, async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var usb = new FakeUsb(), d = usb.add(new FakeUsbDevice({ bridge: replBridge(vb.repl) }));
    var t = new WebUsbTransport({ usb: usb as unknown as USB });
    var second = false, results: any[] = [];
    t.onData((b) => { if (second && d.connected && String.fromCharCode.apply(null, Array.from(b)).indexOf("#ED|") >= 0) d.unplug(); });
    var unplugged = /was disconnected: was the board unplugged\? Plug it in and connect again/;
    try {
      await assert.rejects(runScenarios({ target: { transport: t }, onStart: (_s, i) => { second = i === 1; }, onResult: (r) => results.push(r) }), (e: any) => unplugged.test(e.message));
      assert.equal(results.length, 2);
      assert.equal(results[0].passed, true);
      // Not "the agent did not finish within ... ms": the scenario's wait ends with the link.
      assert.match(results[1].error || "", unplugged);
    } finally {
      vb.close();
    }
  });
});
