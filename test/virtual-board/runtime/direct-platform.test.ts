import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createMcu } from "../../../host/virtual-board/mcu/index";
import { findBoard } from "../../../boards/index";
import { createEventLoop } from "../../../host/virtual-board/event-loop";
import { createDirectPlatform } from "../../../host/virtual-board/direct-platform";

function setup(name = "pico") {
  var mcu = createMcu({ board: findBoard(name)!, seed: 3 });
  var loop = createEventLoop(mcu);
  return { mcu, loop, p: createDirectPlatform(mcu, loop) };
}

describe("direct platform (no sandbox) on the virtual MCU", () => {
  test("directAlloc gives a flat buffer whose address is its heap block; bus writes reach it", () => {
    var { mcu, p } = setup();
    var buf = p.directAlloc(64);
    var addr = p.addressOf(buf);
    assert.ok(addr > 0);
    assert.equal(p.blockOf(buf)!.addr, addr);
    p.poke32(addr + 8, 0xdeadbeef);
    assert.deepEqual(Array.from(buf.subarray(8, 12)), [0xef, 0xbe, 0xad, 0xde]);
    buf[0] = 7;
    assert.equal(p.peek32(addr) & 0xff, 7);
    assert.equal(p.addressOf(new Uint8Array(buf.buffer, 16, 4)), addr + 16);
    assert.equal(p.addressOf(new Uint8Array(64)), 0);
    assert.equal(p.addressOf({}), 0);
    p.directFree(buf);
    assert.equal(mcu.heap.blockAt(addr), undefined);
    assert.equal(p.addressOf(buf), 0);
  });

  test("timers and the clock run on simulated time, advancing the MCU", () => {
    var { mcu, loop, p } = setup();
    var seen: number[] = [];
    var c0 = mcu.cycles;
    p.setTimeout(() => seen.push(p.now()), 5);
    var id = p.setTimeout(() => seen.push(-1), 3);
    p.clearTimeout(id);
    loop.runUntilIdle();
    assert.equal(seen.length, 1);
    assert.ok(seen[0] >= 5 && seen[0] < 5.1);
    assert.ok(mcu.cycles - c0 >= (5 * mcu.board.cpuHz) / 1000);
  });

  test("report, warn and boardName", () => {
    var { p } = setup("original");
    p.report(new Error("x"));
    p.warn("careful");
    assert.equal(p.reported.length, 1);
    assert.deepEqual(p.warnings, ["careful"]);
    assert.equal(p.boardName(), findBoard("original")!.envBoard[0]);
  });

  test("directAlloc throws when the heap is full", () => {
    var { p } = setup();
    assert.throws(() => p.directAlloc(10 * 1024 * 1024), /out of memory/);
  });
});
