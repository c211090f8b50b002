// The serial suite, once per binding: MockBinding, TCP, and a pseudo-terminal through
// serialport's native binding (what `--port /dev/ttyACM0` uses). What a board does must
// not depend on how it is reached.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { openLink } from "../../host/link/open";
import { flash, testCommand } from "../../host/cli/commands";
import { selectScenarios } from "../../host/scenarios/runner";
import { bindings, ptyUnavailable, quiet } from "./bindings";

const skipPty = ptyUnavailable();

test("serialport's native binding loads (its prebuilt addon, found by node-gyp-build)", { skip: skipPty || undefined }, async () => {
  var req = createRequire(import.meta.url);
  var cpp = req("@serialport/bindings-cpp");
  var Binding = cpp.autoDetect();
  assert.equal(Binding, process.platform === "darwin" ? cpp.DarwinBinding : cpp.LinuxBinding);
  // The addon itself: node-gyp-build picks prebuilds/<platform>-<arch>/ (npm ran no build).
  var addon = req("node-gyp-build")(req("node:path").dirname(req.resolve("@serialport/bindings-cpp/package.json")));
  for (const f of ["open", "close", "set", "get", "update", "flush", "drain", "Poller"]) assert.equal(typeof addon[f], "function", f);
  // And `serialport` (what openLink uses without a binding) is built on it.
  var { SerialPort } = req("serialport");
  assert.equal(SerialPort.binding, Binding);
});

for (const b of bindings) {
  const skip = b.name === "pty" && skipPty ? skipPty : undefined;

  describe("over " + b.name, { skip }, () => {
    test("evaluates; a reopen right after a close works", async () => {
      var s = await b.serve();
      try {
        for (var i = 0; i < 3; i++) {
          var l = await openLink(s.target);
          assert.equal(await l.client.eval("6*7+" + i), 42 + i);
          assert.equal(await l.client.eval("process.env.BOARD"), "PICO_R1_3");
          await l.close();
        }
      } finally {
        await s.close();
      }
    });

    test("flash: written, verified by CRC, and it runs at boot", async () => {
      var s = await b.serve();
      try {
        var code = "var espdma = { via: " + JSON.stringify(b.name) + " };\n/*" + "p".repeat(9000) + "*/\n";
        var r = await flash(s.target, code, { chunk: 2048 });
        assert.equal(r.bytes, code.length);
        s.vb.runtime.hardReset();
        s.vb.runtime.boot();
        assert.equal(s.vb.eval("espdma.via"), b.name);
      } finally {
        await s.close();
      }
    });

    test("an upload to a board with a small input buffer is paced by its XOFF/XON", async () => {
      var s = await b.serve({ repl: { inputBuffer: 64 } });
      try {
        var l = await openLink(s.target);
        var xoffs = 0;
        l.transport.onData((d) => { for (const c of d) if (c === 0x13) xoffs++; });
        await l.client.sync();
        // 6 KB in one command: far more than the 64-byte buffer holds.
        var v = "q".repeat(6000);
        assert.equal(await l.client.eval(JSON.stringify(v) + ".length", 10000), 6000);
        assert.ok(xoffs > 0, "the board never sent XOFF");
        assert.equal(s.vb.repl.dropped, 0);
        await l.close();
      } finally {
        await s.close();
      }
    });

    test("espdma test --port: the scenarios that apply to a real board pass", async () => {
      var s = await b.serve();
      try {
        // The whole suite on the pty (the path); two on the others, which other
        // tests run in full.
        var names = b.name === "pty" ? selectScenarios().filter((x) => !x.virtualOnly).map((x) => x.name) : ["memcpy-ok", "terminate-sync-mid"];
        var out: string[] = [];
        var code = await testCommand({ port: s.target.port, binding: s.target.binding, scenario: names, json: true }, { ...quiet, out: (x) => out.push(x) });
        var o = JSON.parse(out[0]);
        assert.deepEqual([o.passed, o.failed, code], [names.length, 0, 0], out[0]);
      } finally {
        await s.close();
      }
    });

    // TCP has no line settings.
    if (b.name !== "tcp") test("baud rate does not matter (a USB CDC board ignores it)", async () => {
      var s = await b.serve();
      try {
        for (const baud of [300, 9600, 115200, 921600]) {
          var l = await openLink({ ...s.target, baud });
          assert.equal(await l.client.eval("'baud " + baud + "'"), "baud " + baud);
          await l.close();
        }
      } finally {
        await s.close();
      }
    });
  });
}
