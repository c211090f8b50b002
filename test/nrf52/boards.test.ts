// The nRF52 boards: the compact rows the nRF52 bundle carries (boards/compact.ts NRF_BOARDS)
// against the full board files, and the full files against Espruino's board files
// (boards/PUCKJS.py, PIXLJS.py, MDBT42Q.py, BANGLEJS2.py: 'variables', chip 'ram', 'part').
import { test } from "node:test";
import assert from "node:assert/strict";
import { boards, findBoard } from "../../boards/index";
import { NRF_BOARDS, BOARDS, rows } from "../../boards/compact";

const ESPRUINO: { [n: string]: [string, number, number] } = {
  puckjs: ["nRF52832", 2630, 64], pixljs: ["nRF52832", 2950, 64], mdbt42q: ["nRF52832", 2950, 64], banglejs2: ["nRF52840", 12000, 256],
};

test("four nRF52 boards, each with a compact row that agrees with its full file", () => {
  var nrf = boards.filter((b) => b.family === "NRF52");
  assert.deepEqual(nrf.map((b) => b.name), ["puckjs", "pixljs", "mdbt42q", "banglejs2"]);
  for (const b of nrf) {
    const row = NRF_BOARDS.filter((r) => r[0] === b.name)[0];
    assert.ok(row, b.name);
    assert.equal(row[1], b.envBoard[0]);
    assert.equal(row[2], b.mcu === "nRF52840" ? 840 : 832);
    assert.equal(row[3] * 1024, b.ram[0].size);
    assert.equal(row[4] * 1e6, b.cpuHz);
    assert.equal(findBoard(row[1]), b, "found by process.env.BOARD");
    const [part, vars, ram] = ESPRUINO[b.name];
    assert.equal(b.mcu, part);
    assert.equal(b.espruino.vars, vars);
    assert.equal(b.ram[0].size, ram * 1024);
    assert.equal(b.ram[0].base, 0x20000000);
  }
  assert.equal(rows(BOARDS).filter((r) => NRF_BOARDS.some((n) => n[0] === r[0])).length, 0, "not in the STM32 bundle's table");
});

test("the peripherals Espruino uses are marked, the free ones are not", () => {
  var b = findBoard("banglejs2")!, p = b.nrf52!.peripherals;
  var used = p.filter((d) => d.espruino).map((d) => d.name).sort();
  assert.deepEqual(used, ["I2S", "PWM0", "PWM1", "PWM2", "SAADC", "SPIM0", "SPIM1", "UARTE0", "UARTE1"]);
  assert.match(p.find((d) => d.name === "SPIM0")!.espruino!, /LCD/);
  var puck = findBoard("puckjs")!.nrf52!.peripherals.filter((d) => !d.espruino).map((d) => d.name);
  assert.deepEqual(puck, ["SPIM2"]);
});
