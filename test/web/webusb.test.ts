// The WebUSB CDC-ACM transport against the fake Espruino USB device, bridged to a virtual
// board in Node: descriptors read (F4 and F1 endpoints), the line set up, the REPL client
// over it, 63-byte IN packets, OUT held off while the board's input is full, the idle
// console hand-off, unplug, and the claim an OS driver refuses.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { ReplClient } from "../../host/link/repl-client";
import { replBridge, BoardBridge } from "../../host/web/fakes/bridge";
import { FakeUsb, FakeUsbDevice } from "../../host/web/fakes/fake-usb";
import { ManualClock } from "../../host/web/fakes/clock";
import { WebUsbTransport } from "../../host/web/transports/webusb";
import { findCdcLayout } from "../../host/web/transports/cdc-acm";

function setup(opts: { model?: "f4" | "f1"; kernelDriver?: boolean; clock?: ManualClock; inputBuffer?: number } = {}) {
  var vb = createVirtualBoard({ board: opts.model === "f1" ? "original" : "pico", repl: { inputBuffer: opts.inputBuffer } });
  var usb = new FakeUsb();
  var dev = usb.add(new FakeUsbDevice({ bridge: replBridge(vb.repl), model: opts.model, kernelDriver: opts.kernelDriver, clock: opts.clock }));
  var t = new WebUsbTransport({ usb: usb as unknown as USB });
  return { vb, usb, dev, t };
}

const CODE = "var big = '" + "x".repeat(3000) + "';\nfunction f(){\n  return big.length + 1;\n}\n";

describe("WebUSB CDC-ACM transport", () => {
  test("endpoints come from the descriptors: F4 0x03/0x83, F1 Original 0x03/0x81", () => {
    var f4 = findCdcLayout(new FakeUsbDevice({ bridge: nullBridge(), model: "f4" }) as unknown as USBDevice);
    var f1 = findCdcLayout(new FakeUsbDevice({ bridge: nullBridge(), model: "f1" }) as unknown as USBDevice);
    assert.deepEqual([f4.control, f4.data, f4.outEndpoint, f4.inEndpoint, f4.inPacketSize], [0, 1, 3, 3, 64]);
    assert.deepEqual([f1.control, f1.data, f1.outEndpoint, f1.inEndpoint], [0, 1, 3, 1]);
  });

  for (const model of ["f4", "f1"] as const) {
    test("REPL client over WebUSB (" + model + "): sync, eval, upload; line coding and DTR sent; IN packets at most 63 bytes", async () => {
      var { vb, dev, t } = setup({ model });
      await t.open();
      var c = new ReplClient(t);
      try {
        assert.deepEqual(dev.lineCoding, { baudRate: 115200, stopBits: 0, parity: 0, dataBits: 8 });
        assert.equal(dev.controlLines, 3);
        await c.sync();
        assert.equal(await c.eval("process.env.BOARD"), model === "f1" ? "ESPRUINOBOARD" : "PICO_R1_3");
        await c.upload(CODE);
        assert.equal(await c.eval("f()"), 3001);
        assert.equal(await c.eval("'y'.repeat(500)"), "y".repeat(500));
        assert.ok(dev.stats.inPackets > 3);
        assert.equal(dev.stats.maxInPacket, 63);
      } finally {
        await c.close();
        vb.close();
      }
      assert.equal(dev.opened, false);
      assert.equal(dev.controlLines, 0, "DTR dropped on close");
    });
  }

  test("OUT is held off while the board's input is full; nothing is lost", async () => {
    var { vb, dev, t } = setup({ inputBuffer: 128 });
    await t.open();
    var c = new ReplClient(t, { chunkSize: 1024 });
    try {
      await c.sync();
      await c.upload(CODE);
      assert.equal(await c.eval("f()"), 3001);
      assert.ok(dev.stats.heldOut > 0, "no OUT packet was held: the test does not exercise the hold-off");
      assert.equal(vb.repl.dropped, 0);
    } finally {
      await c.close();
      vb.close();
    }
  });

  test("claimInterface while an OS driver holds the interface: the documented error", async () => {
    var { vb, dev, t } = setup({ kernelDriver: true });
    await assert.rejects(t.open(), (e: any) => e.code === "ECLAIM" && /Unable to claim interface/.test(e.message) && /Web Serial/.test(e.message) && /unbind/.test(e.message) && /Android/.test(e.message));
    assert.equal(dev.opened, false, "the device is closed again");
    vb.close();
  });

  test("the chooser cancelled, no WebUSB: clear errors", async () => {
    var { vb, usb, t } = setup();
    usb.cancel = true;
    await assert.rejects(t.open(), (e: any) => e.code === "ECANCELLED" && /No device selected/.test(e.message));
    await assert.rejects(new WebUsbTransport({ usb: undefined }).open(), (e: any) => e.code === "ENOUSB" && /Chrome or Edge/.test(e.message));
    vb.close();
  });

  test("unplug mid-command: the command fails at once with a clear message, writes too", async () => {
    var { vb, dev, t } = setup();
    await t.open();
    var c = new ReplClient(t, { timeoutMs: 60000 });
    try {
      await c.sync();
      var closed: any[] = [];
      t.onClose((e) => closed.push(e));
      var pending = c.eval("(function(){var t=getTime();while(getTime()-t<0.5);return 1})()");
      setImmediate(() => dev.unplug());
      await assert.rejects(pending, (e: any) => e.code === "ECLOSED" && /unplugged\? Plug it in and connect again/.test(e.message));
      assert.equal(closed.length, 1);
      assert.match(closed[0].message, /was disconnected/);
      await assert.rejects(t.write("1\n"), (e: any) => e.code === "ECLOSED");
    } finally {
      await c.close();
      vb.close();
    }
  });

  test("unplug while an OUT transfer is held off: the write fails at once, nothing hangs", async () => {
    var { vb, dev, t } = setup({ inputBuffer: 128 });
    await t.open();
    try {
      var lines = "";
      for (var i = 0; i < 20; i++) lines += "\x10var v" + i + "='" + "q".repeat(80) + "';\n";
      var w = t.write(lines);
      await until(() => dev.stats.heldOut > 0);
      dev.unplug();
      await assert.rejects(w, (e: any) => e.code === "ECLOSED" && /unplugged/.test(e.message));
    } finally {
      await t.close();
      vb.close();
    }
  });

  test("idle hand-off: no read pending for 2 s moves the console off USB; coming back closes the link with a clear message", async () => {
    var clock = new ManualClock();
    var { vb, dev, t } = setup({ clock });
    await t.open();
    var c = new ReplClient(t, { timeoutMs: 60000 });
    try {
      await c.sync();
      // Everything above kept a read pending: no hand-off however long the board idles.
      clock.advance(5000);
      assert.equal(dev.stats.handOffs, 0);
      assert.equal(await c.eval("1+1"), 2);
      // The page is blocked for 2.2 s right after a long answer filled both pending reads:
      // the host asks for nothing in that time (simulated by advancing the device's clock
      // before the transport's handlers can run).
      var armed = true;
      vb.repl.onOutput(() => { if (armed) { armed = false; clock.advance(2200); } });
      var answer = c.eval("'z'.repeat(300)");
      answer.catch(() => undefined); // rejected while the test waits below; checked after
      await until(() => !armed);
      assert.equal(dev.stats.handOffs, 1);
      await assert.rejects(answer, (e: any) => e.code === "ECONSOLE" && /moved its console off USB/.test(e.message) && /connect again/.test(e.message));
      assert.ok(dev.stats.droppedBytes > 0, "the answer went to Serial1");
    } finally {
      await c.close();
      vb.close();
    }
  });
});

async function until(f: () => boolean): Promise<void> {
  for (var i = 0; i < 1000 && !f(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(f(), "timed out waiting");
}

test("idle hand-off while the host's USB stack stops polling (starveReads): the command in progress fails with the clear message", async () => {
  var clock = new ManualClock();
  var { vb, dev, t } = setup({ clock });
  await t.open();
  var c = new ReplClient(t, { timeoutMs: 60000 });
  try {
    await c.sync();
    dev.starveReads(2500);
    var answer = c.eval("'w'.repeat(100)");
    answer.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1900);
    assert.equal(dev.stats.handOffs, 0, "not before 2 s");
    clock.advance(200);
    assert.equal(dev.stats.handOffs, 1);
    clock.advance(500);
    await assert.rejects(answer, (e: any) => e.code === "ECONSOLE" && /<- Serial1/.test(e.message));
  } finally {
    await c.close();
    vb.close();
  }
});

function nullBridge(): BoardBridge {
  return { toBoard() {}, onOutput: () => () => {}, inputSpace: () => 256 };
}
