// The REPL's output-side cut fault (setFaults({cutOutput})): the board's own output is cut once
// where a lost byte or a reset would cut it, so host tests get truncated lines from the board.
// (A DLE line is not echoed; the prompt comes back at the end.)
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../../host/virtual-board/index";

async function run(cut: any, code: string): Promise<{ out: string; dropped: number }> {
  var vb = createVirtualBoard({ board: "pico" });
  var out = "";
  vb.repl.onOutput((b) => (out += Buffer.from(b).toString("latin1")));
  try {
    vb.repl.setFaults({ cutOutput: cut });
    vb.repl.receive("\x10" + code + "\n");
    await vb.repl.settle();
    return { out, dropped: vb.repl.dropped };
  } finally {
    vb.close();
  }
}

describe("cutOutput fault", () => {
  const CODE = 'print("one ABCDEFGH"); print("two ABCDEFGH")';

  test("lose the rest of the line, line end kept; only the first match, once", async () => {
    var r = await run({ at: "ABC", keep: 2 }, CODE);
    assert.equal(r.out, "one AB\r\ntwo ABCDEFGH\r\n>");
    assert.equal(r.dropped, 6);
  });

  test("lose through the line end: the cut line runs into the next", async () => {
    var r = await run({ at: /B.D/, keep: 1, lose: "eol" }, CODE);
    assert.equal(r.out, "one ABtwo ABCDEFGH\r\n>");
  });

  test("lose a number of bytes from the middle", async () => {
    var r = await run({ at: "CD", keep: 0, lose: 2 }, CODE);
    assert.equal(r.out, "one ABEFGH\r\ntwo ABCDEFGH\r\n>");
  });

  test("reset there: output stops mid-line, then the banner and a fresh interpreter", async () => {
    var r = await run({ at: "ABC", keep: 3, reset: true }, "var kept = 1; " + CODE);
    assert.match(r.out, /^one ABC\r\n[\s\S]*espruino\.com[\s\S]*>$/);
    assert.doesNotMatch(r.out, /two/, "output after the cut point went out before the reset");
  });

  test("no match: nothing is cut", async () => {
    var r = await run({ at: "XYZ", keep: 0 }, CODE);
    assert.equal(r.out, "one ABCDEFGH\r\ntwo ABCDEFGH\r\n>");
    assert.equal(r.dropped, 0);
  });
});
