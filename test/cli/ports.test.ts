// `espdma ports` marks Espruino boards by USB ID, and `--port auto` (or a bare --port) finds
// the one attached; none or several give a clear choice. serialport's MockBinding stands in for
// the USB ports (the list serialport reports: path, manufacturer, vendorId, productId).
import { test, describe, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { MockBinding } from "@serialport/binding-mock";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { flashCommand, portsCommand, testCommand, target, Io } from "../../host/cli/commands";

function capture(): Io & { outText: string[]; errText: string[] } {
  var o: string[] = [], e: string[] = [];
  return { out: (s) => o.push(s), err: (s) => e.push(s), tty: false, outText: o, errText: e };
}

const STM32 = { vendorId: "0483", productId: "5740", manufacturer: "STMicroelectronics" };

describe("espdma ports", () => {
  beforeEach(() => MockBinding.reset());

  test("marks the Espruino by its USB ID (0483:5740, STM32 Virtual ComPort), lists it first, names bridges", async () => {
    MockBinding.createPort("/dev/ttyS0", { manufacturer: undefined as any });
    MockBinding.createPort("/dev/ttyUSB0", { vendorId: "10c4", productId: "ea60", manufacturer: "Silicon Labs" });
    MockBinding.createPort("/dev/ttyACM0", STM32);
    var io = capture();
    assert.equal(await portsCommand({}, io, { binding: MockBinding }), 0);
    var lines = io.outText;
    assert.match(lines[0], /^\* \/dev\/ttyACM0 +0483:5740  Espruino \(STM32 Virtual ComPort\)/);
    assert.match(lines[1], /^  \/dev\/ttyUSB0 +10c4:ea60  CP210x USB-serial/);
    assert.doesNotMatch(lines[1], /^\*/);
    assert.match(lines[2], /^  \/dev\/ttyS0/);
    assert.match(lines[3], /--port auto picks it/);
    var js = capture();
    await portsCommand({ json: true }, js, { binding: MockBinding });
    var rows = JSON.parse(js.outText[0]);
    assert.deepEqual(rows.map((r: any) => [r.path, r.espruino]), [["/dev/ttyS0", false], ["/dev/ttyUSB0", false], ["/dev/ttyACM0", true]]);
    // serialport on Windows/macOS writes the IDs in upper case or with 0x: the same board.
    MockBinding.reset();
    MockBinding.createPort("COM3", { vendorId: "0x0483", productId: "5740" });
    var w = capture();
    await portsCommand({}, w, { binding: MockBinding });
    assert.match(w.outText[0], /^\* COM3  0483:5740  Espruino/);
  });
});

describe("--port auto", () => {
  beforeEach(() => MockBinding.reset());

  test("finds the one Espruino among other ports and runs the scenarios on it", async () => {
    MockBinding.createPort("/dev/ttyUSB0", { vendorId: "10c4", productId: "ea60" });
    var vb = createVirtualBoard({ board: "pico" });
    var detach = vb.attachMockPort("/dev/ttyACM3", STM32);
    try {
      var io = capture();
      var code = await testCommand({ port: "auto", binding: MockBinding, scenario: ["memcpy-ok"] }, io);
      assert.equal(code, 0, io.outText.join("\n") + io.errText.join("\n"));
      assert.match(io.outText.join("\n"), /OK: 1 passed, 0 failed on pico/);
      // A bare --port means auto too (as commander hands it over: true).
      assert.equal(target({ port: true as any }).port, "auto");
      io = capture();
      assert.equal(await flashCommand({ port: true as any, binding: MockBinding }, io), 0);
      assert.match(io.outText[0], /^flashed \d+ bytes/);
    } finally {
      detach();
      vb.close();
    }
  });

  test("several Espruinos: refuses, naming each and how to pick one", async () => {
    MockBinding.createPort("/dev/ttyACM0", STM32);
    MockBinding.createPort("/dev/ttyACM1", STM32);
    await assert.rejects(testCommand({ port: "auto", binding: MockBinding, scenario: ["memcpy-ok"] }, capture()),
      /Several Espruino boards are attached: \/dev\/ttyACM0 \(serial \d+\), \/dev\/ttyACM1 \(serial \d+\)\. Pick one: --port \/dev\/ttyACM0/);
  });

  test("none: says what it looked for and what else is there", async () => {
    MockBinding.createPort("/dev/ttyUSB0", { vendorId: "1a86", productId: "7523" });
    await assert.rejects(flashCommand({ port: "auto", binding: MockBinding }, capture()),
      /No Espruino board found \(looked for USB 0483:5740 or 1915:520f\); other USB serial ports: \/dev\/ttyUSB0 1a86:7523/);
    MockBinding.reset();
    await assert.rejects(flashCommand({ port: "auto", binding: MockBinding }, capture()), /No Espruino board found .*plug the board in/);
  });
});
