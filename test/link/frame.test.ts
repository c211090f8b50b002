import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { crc32 } from "../../host/link/crc32";
import { encodeFrame, decodeFrame, FrameParser, RunCollector } from "../../host/link/frame";
import { crc32 as agentCrc32, hex8 as agentHex8 } from "../../firmware/agent/crc32";

function parse(chunks: (string | Buffer)[]): { frames: any[]; rejects: any[]; text: string[] } {
  var p = new FrameParser(), frames: any[] = [], rejects: any[] = [], text: string[] = [];
  p.on("data", (f) => frames.push(f));
  p.on("reject", (r) => rejects.push(r));
  p.on("text", (t) => text.push(t));
  for (const c of chunks) p.write(typeof c === "string" ? Buffer.from(c, "latin1") : c);
  p.end();
  return { frames, rejects, text };
}

describe("crc32", () => {
  test("matches the standard check value and the agent's implementation", () => {
    assert.equal(crc32("123456789"), 0xcbf43926);
    assert.equal(agentCrc32("123456789"), 0xcbf43926);
    var s = "#ED|r1|3|{\"t\":\"cb\",\"x\":[1,2,3]}";
    assert.equal(agentHex8(agentCrc32(s)), crc32(s).toString(16).padStart(8, "0"));
  });

  test("on Espruino the agent uses E.CRC32 (no 256-entry table in the board's RAM), unsigned", () => {
    var g: any = globalThis, calls = 0, s = "#ED|r1|0|{\"t\":\"done\"}";
    g.E = { CRC32: (x: string) => { calls++; return crc32(x) | 0; } };
    try {
      assert.equal(agentCrc32(s), crc32(s));
      assert.equal(calls, 1);
    } finally {
      delete g.E;
    }
  });
});

describe("frames", () => {
  test("round trip", () => {
    var line = encodeFrame("r7", 12, { t: "cb", tx: "a|b", result: "ok" });
    var r = decodeFrame(line);
    assert.ok(r && r.ok);
    assert.deepEqual(r.frame, { run: "r7", seq: 12, event: { t: "cb", tx: "a|b", result: "ok" } });
  });

  test("a prompt or noise before the marker is ignored", () => {
    var r = decodeFrame(">\x07garbage" + encodeFrame("r", 0, { a: 1 }) + "\r");
    assert.ok(r && r.ok && r.frame.event.a === 1);
  });

  test("one flipped bit anywhere is rejected, never parsed", () => {
    var line = encodeFrame("r", 5, { t: "copy", ok: true, bad: -1 });
    var start = line.indexOf("|") + 1;
    for (var i = start; i < line.length; i++) {
      for (var bit = 0; bit < 7; bit++) {
        var mangled = line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ (1 << bit)) + line.slice(i + 1);
        var r = decodeFrame(mangled);
        if (r && r.ok) assert.fail("accepted a corrupted frame: " + JSON.stringify(mangled) + " as " + JSON.stringify(r.frame));
      }
    }
  });

  test("truncated lines are rejected", () => {
    var line = encodeFrame("r", 1, { t: "done", ok: true, n: 2 });
    for (var n = 4; n < line.length; n++) {
      var r = decodeFrame(line.slice(0, n));
      assert.ok(r && !r.ok, "accepted a prefix of length " + n);
    }
  });

  test("stream parser: frames split across chunks, REPL text and noise between them", () => {
    var a = encodeFrame("r", 0, { t: "alloc" }), b = encodeFrame("r", 1, { t: "done", n: 2 });
    var all = "=undefined\r\n>" + a + "\r\nWARNING: x\r\n" + b + "\r\n";
    var chunks: string[] = [];
    for (var i = 0; i < all.length; i += 7) chunks.push(all.slice(i, i + 7));
    var out = parse(chunks);
    assert.deepEqual(out.frames.map((f) => f.seq), [0, 1]);
    assert.deepEqual(out.rejects, []);
    assert.ok(out.text.includes("WARNING: x"));
  });

  test("stream parser: a frame cut by a reset and a frame with no line end are rejected", () => {
    var a = encodeFrame("r", 0, { t: "alloc", buf: "x" });
    var out = parse([a.slice(0, 20) + "\r\n ____ espruino\r\n", encodeFrame("r", 1, { t: "x" }).slice(0, 30)]);
    assert.equal(out.frames.length, 0);
    assert.equal(out.rejects.length, 2);
    assert.match(out.rejects[1].why, /truncated/);
  });

  test("collector: complete only with every sequence number up to done; stale runs and repeats ignored", () => {
    var c = new RunCollector("r2");
    c.add({ run: "r1", seq: 0, event: { t: "done", n: 1 } });
    assert.equal(c.complete(), false);
    c.add({ run: "r2", seq: 0, event: { t: "alloc" } });
    c.add({ run: "r2", seq: 2, event: { t: "done", n: 3 } });
    assert.equal(c.complete(), false);
    assert.deepEqual(c.missing(), [1]);
    c.add({ run: "r2", seq: 1, event: { t: "cb" } });
    c.add({ run: "r2", seq: 1, event: { t: "cb", dup: true } });
    assert.equal(c.complete(), true);
    assert.deepEqual(c.ordered().map((e) => e.t), ["alloc", "cb", "done"]);
    assert.equal(c.ordered()[1].dup, undefined);
  });
});
