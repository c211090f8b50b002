// The REPL protocol details the host relies on, against the virtual board: DLE lines are not
// echoed, Ctrl-C gets a prompt back from a half-typed line, and a truncated event line is never
// taken for a result (the run fails clearly and quickly instead).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createVirtualBoard } from "../../host/virtual-board/index";
import { openLink } from "../../host/link/open";
import { ReplClient } from "../../host/link/repl-client";
import { StreamTransport } from "../../host/link/stream-transport";
import { runProgram } from "../../host/scenarios/runner";
import { agentSource } from "../../host/scenarios/bundle";

describe("REPL protocol", () => {
  test("every line goes out DLE-prefixed; the board neither echoes it nor prints =value", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var sent: Buffer[] = [];
    var l = await openLink({ board: vb });
    var write = l.transport.write.bind(l.transport);
    l.transport.write = (d) => { sent.push(Buffer.from(d as any)); return write(d); };
    try {
      await l.client.sync();
      var got = "";
      l.transport.onData((b) => (got += Buffer.from(b).toString("latin1")));
      await l.client.sendLine("var zz = 6 * 7;\nzz + 1");
      assert.equal(await l.client.eval("zz"), 42);
      var lines = Buffer.concat(sent).toString("latin1").split("\n").map((x) => x.replace(/^\x03+/, "")).filter((x) => x.length);
      for (const x of lines) assert.equal(x[0], "\x10", "line sent without DLE: " + JSON.stringify(x));
      assert.doesNotMatch(got, /var zz|=43|=undefined/, "the board echoed a DLE line: " + JSON.stringify(got));
    } finally {
      await l.close();
      vb.close();
    }
  });

  test("Ctrl-C recovers a prompt from a half-typed, unbalanced line", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    var l = await openLink({ board: vb, client: { timeoutMs: 500 } });
    try {
      // What a user (or a crashed earlier session) may leave: an open function body, in
      // continuation mode (':' prompt), where any line we send would become part of it.
      await l.transport.write("function half() { if (1) { var q = [1,\r");
      await vb.repl.settle(10);
      await l.client.sync();
      assert.equal(await l.client.eval("typeof half"), "undefined");
      assert.equal(await l.client.eval("1+2"), 3);
    } finally {
      await l.close();
      vb.close();
    }
  });
});

describe("truncated event lines", () => {
  const PROGRAM = [
    { op: "alloc", buf: "a", len: 64 }, { op: "fill", buf: "a", pattern: "canary" },
    { op: "checkCanary", buf: "a" }, { op: "mark", label: "x" }, { op: "checkCanary", buf: "a" },
  ];
  type Cut = NonNullable<import("../../host/virtual-board/repl/repl").ReplFaults["cutOutput"]>;

  /** Run the program with frame 2 of run "cut" cut by the board's own output fault (where a
   * reset or a lost byte would cut it). */
  async function runCut(cut: Cut | null): Promise<{ events?: any[]; error?: any; ms: number; rejected: number; dropped: number; resets: number }> {
    var vb = createVirtualBoard({ board: "pico" });
    var tr = new StreamTransport("virtual pico", () => vb.stream());
    await tr.open();
    var c = new ReplClient(tr, { timeoutMs: 1000 });
    var rejected = 0;
    c.on("reject", () => rejected++);
    var t0 = Date.now();
    try {
      await c.sync();
      await c.upload(await agentSource());
      if (cut) vb.repl.setFaults({ cutOutput: cut });
      var r = await runProgram({ client: c, transport: tr, close: async () => {} }, "cut", PROGRAM, 500, 2000);
      return { events: r.events, ms: Date.now() - t0, rejected, dropped: vb.repl.dropped, resets: c.resets };
    } catch (e) {
      return { error: e, ms: Date.now() - t0, rejected, dropped: vb.repl.dropped, resets: c.resets };
    } finally {
      await c.close();
      vb.close();
    }
  }

  test("uncut: the program's events arrive (control)", async () => {
    var r = await runCut(null);
    assert.ok(r.events, String(r.error));
    assert.deepEqual(r.events!.map((e) => e.t), ["alloc", "canary", "mark", "canary", "done"]);
  });

  test("a line cut short (line end kept) is rejected and the run fails as lost, without waiting for the budget", async () => {
    var r = await runCut({ at: "#ED|cut|2|", keep: 20, lose: "line" });
    assert.ok(r.dropped > 0, "the fault did not cut the line");
    assert.equal(r.events, undefined, "a run with a truncated line returned events");
    assert.equal(r.error.code, "ELOST");
    assert.match(r.error.message, /line\(s\) 2 of cut never arrived intact.*noise or lost bytes/);
    assert.ok(r.rejected >= 1, "the cut line was not reported as rejected");
    assert.ok(r.ms < 2000, "waited " + r.ms + " ms although the done line had arrived");
  });

  test("a line cut with its line end (merged into the next line) is rejected too", async () => {
    var r = await runCut({ at: "#ED|cut|2|", keep: 25, lose: "eol" });
    assert.ok(r.dropped > 0, "the fault did not cut the line");
    assert.equal(r.events, undefined);
    assert.equal(r.error.code, "ELOST");
  });

  test("the tail of a frame line cut to a valid-looking shorter JSON is still rejected (checksum)", async () => {
    // {"t":"mark","label":"x"} -> {"t":"mark"}: valid JSON, the checksum no longer matches.
    var r = await runCut({ at: ',"label":"x"', keep: 0, lose: ',"label":"x"'.length });
    assert.equal(r.dropped, ',"label":"x"'.length, "the fault did not cut the line");
    assert.equal(r.events, undefined);
    assert.equal(r.error.code, "ELOST");
  });

  test("a reset in the middle of an event line: the run fails as a reset, nothing of the cut line counts", async () => {
    var r = await runCut({ at: "#ED|cut|2|", keep: 15, reset: true });
    assert.equal(r.events, undefined);
    assert.ok(r.resets >= 1, "the client saw no reset banner");
    assert.match(r.error.code, /^(ERESET|ELOST)$/, r.error.message);
  });
});

describe("code sent to the board", () => {
  test("asciiCode escapes every non-ASCII character and nothing else", async () => {
    var { asciiCode } = await import("../../host/link/code");
    assert.equal(asciiCode('a["\u00ff"]+"\u20ac"'), 'a["\\xff"]+"\\u20ac"');
    assert.equal(asciiCode("plain;\n"), "plain;\n");
  });

  test("a UTF-8 bundle with ÿ (how terser writes \"\\xff\") arrives as the one byte 0xFF", async () => {
    var { readCode } = await import("../../host/link/code-file");
    var { mkdtempSync, writeFileSync } = await import("node:fs");
    var { tmpdir } = await import("node:os");
    var { join } = await import("node:path");
    var f = join(mkdtempSync(join(tmpdir(), "espdma-")), "b.js");
    writeFileSync(f, 'var k = "\u00ff";\n', "utf8");
    var l = await openLink({ virtual: "pico" });
    try {
      await l.client.sync();
      await l.client.upload(readCode(f));
      assert.deepEqual(await l.client.eval("[k.length, k.charCodeAt(0)]"), [1, 255]);
    } finally {
      await l.close();
    }
  });
});

test("a board that goes silent while a program runs: the run ends within its budget, clearly", async () => {
  var vb = createVirtualBoard({ board: "pico" });
  var l = await openLink({ board: vb, client: { timeoutMs: 500 } });
  try {
    await l.client.sync();
    await l.client.upload(await agentSource());
    vb.repl.setFaults({ mute: true });
    var t0 = Date.now();
    await assert.rejects(runProgram(l, "quiet", [{ op: "wait", ms: 5 }, { op: "mark", label: "m" }], 200, 300),
      (e: any) => e.code === "ETIMEDOUT" && /did not finish program quiet within \d+ ms \(0 events so far.*Press reset/.test(e.message));
    assert.ok(Date.now() - t0 < 3000, "took " + (Date.now() - t0) + " ms");
  } finally {
    await l.close();
    vb.close();
  }
});
