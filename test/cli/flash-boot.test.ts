// `espdma flash` as a user runs it, against a served virtual board that already holds the
// user's own saved code: the driver gets a boot file of its own (.boot0-.boot3, run before
// .bootcde: espruino.com/Saving), .bootcde is never touched, a file that is not ES5 is refused
// before anything is written, and `flash --remove` takes the driver off cleanly.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveTcp, createVirtualBoard } from "../../host/virtual-board/index";
import { bootCode, flash, SLOTS } from "../../host/cli/commands";
import { runCli } from "../helpers/cli";

var cli = runCli;

function files(vb: any): Map<string, Uint8Array> {
  return vb.runtime.flash.files;
}

function text(vb: any, name: string): string | undefined {
  var f = files(vb).get(name);
  return f && Buffer.from(f).toString("latin1");
}

/** Every Storage file and its content, to compare before/after. */
function snapshot(vb: any): { [name: string]: string } {
  var o: { [name: string]: string } = {};
  for (const [k, v] of files(vb)) o[k] = Buffer.from(v).toString("latin1");
  return o;
}

function powerOn(vb: any): void {
  vb.runtime.hardReset();
  vb.runtime.boot();
}

const USER_CODE = "var userSaw = typeof espdma; var userRan = 1;";
const USER_LIB = "var userLib = 7;";

describe("espdma flash keeps the user's saved code", () => {
  test("installs into a free .bootN, runs before .bootcde, leaves .bootcde and the user's .boot0 as they were; --remove takes it off", { timeout: 120000 }, async () => {
    var srv = await serveTcp({ board: "pico", pace: "fast" });
    var vb = srv.board, port = "tcp://127.0.0.1:" + srv.address.port;
    try {
      // The user's code, saved as the Web IDE does it (E.setBootCode writes .bootcde), and a
      // library of theirs in .boot0.
      vb.eval("E.setBootCode(" + JSON.stringify(USER_CODE) + "); require('Storage').write('.boot0', " + JSON.stringify(USER_LIB) + ")");
      var r = await cli(["flash", "--port", port, "--bundle", "dist/espdma.min.js"]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /runs at boot from \.boot1, before your saved code \(\.bootcde, not touched\)/);
      assert.equal(text(vb, ".bootcde"), USER_CODE);
      assert.equal(text(vb, ".boot0"), USER_LIB);
      assert.equal(text(vb, ".boot1"), bootCode(SLOTS[0]));
      powerOn(vb);
      assert.equal(vb.eval("userSaw"), "object", "the driver did not run before the user's saved code");
      assert.equal(vb.eval("userLib"), 7);
      // A second flash goes to the other slot through the same boot file.
      r = await cli(["flash", "--port", port]);
      assert.equal(r.code, 0, r.err);
      assert.equal(text(vb, ".boot1"), bootCode(SLOTS[1]));
      assert.equal(files(vb).has(SLOTS[0]), false);
      assert.equal(text(vb, ".bootcde"), USER_CODE);

      r = await cli(["flash", "--port", port, "--remove"]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /removed espdma: erased \.boot1, espdma\.b; your saved code \(\.bootcde\) was not touched/);
      assert.deepEqual(Object.keys(snapshot(vb)).sort(), [".boot0", ".bootcde"]);
      assert.equal(text(vb, ".bootcde"), USER_CODE);
      powerOn(vb);
      assert.equal(vb.eval("userSaw"), "undefined");
      assert.equal(vb.eval("userRan"), 1);
      r = await cli(["flash", "--port", port, "--remove"]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /espdma is not installed on this board/);
    } finally {
      await srv.close();
    }
  });

  test("a file that is not ES5, or uses a function before its declaration, is refused before anything is written", { timeout: 120000 }, async () => {
    var srv = await serveTcp({ board: "pico", pace: "fast" });
    var vb = srv.board, port = "tcp://127.0.0.1:" + srv.address.port;
    var dir = mkdtempSync(join(tmpdir(), "espdma-flash-"));
    try {
      vb.eval("E.setBootCode(" + JSON.stringify(USER_CODE) + ")");
      var r0 = await cli(["flash", "--port", port]);
      assert.equal(r0.code, 0, r0.err);
      var before = snapshot(vb);
      var cases: [string, string, RegExp][] = [
        ["notjs.txt", "this is not { JavaScript", /not ECMAScript 5/],
        ["es6.js", "let espdma = () => 1;", /not ECMAScript 5/],
        ["hoist.js", "var espdma = f();\nfunction f() { return {}; }\n", /\bf used before its declaration/],
      ];
      for (const [name, src, why] of cases) {
        var file = join(dir, name);
        writeFileSync(file, src);
        var r = await cli(["flash", "--port", port, "--bundle", file]);
        assert.equal(r.code, 2, name + ": " + r.err);
        assert.match(r.err, /would not run on Espruino/, name);
        assert.match(r.err, why, name);
        assert.match(r.err, /Nothing was written to the board/, name);
        assert.deepEqual(snapshot(vb), before, name + ": Storage changed");
      }
      powerOn(vb);
      assert.equal(vb.eval("userSaw"), "object", "the old driver no longer boots");
    } finally {
      await srv.close();
    }
  });
});

describe("flash failures leave the old boot intact, the user's code included", () => {
  test("a reset in the middle of a flash: the old driver and the user's code still boot", async () => {
    var drv = (v: number) => "var espdma = { v: " + v + " };\n/*" + "p".repeat(3000) + "*/\n";
    var vb = createVirtualBoard({ board: "pico" });
    try {
      vb.eval("E.setBootCode(" + JSON.stringify(USER_CODE) + ")");
      await flash({ board: vb }, drv(1), { chunk: 400 });
      var before = snapshot(vb);
      vb.repl.setFaults({ resetAfterInputBytes: 1500 });
      await assert.rejects(flash({ board: vb, client: { timeoutMs: 500 } }, drv(2), { chunk: 400 }), /reset/i);
      vb.repl.setFaults({});
      assert.equal(text(vb, ".bootcde"), before[".bootcde"]);
      assert.equal(text(vb, ".boot0"), before[".boot0"]);
      powerOn(vb);
      assert.equal(vb.eval("espdma.v"), 1);
      assert.equal(vb.eval("userSaw"), "object");
    } finally {
      vb.close();
    }
  });

  test("all four boot files taken by other code: refused, nothing written", async () => {
    var vb = createVirtualBoard({ board: "pico" });
    try {
      vb.eval("for (var i = 0; i < 4; i++) require('Storage').write('.boot' + i, 'var b' + i + ' = 1;')");
      var before = snapshot(vb);
      await assert.rejects(flash({ board: vb }, "var espdma = {};"), /All four boot files \.boot0, \.boot1, \.boot2, \.boot3 .* hold other code.*Nothing was written/);
      assert.deepEqual(snapshot(vb), before);
    } finally {
      vb.close();
    }
  });
});

describe("the virtual board boots in Espruino's order", () => {
  test(".boot0-.boot3 in order before .bootcde; load(file) runs .bootrst then the file", () => {
    // Espruino 2v29 (src/jsflash.c jsfLoadBootCodeFromFlash; recorded: load("f") printed
    // "bootrst ran" then "f ran", without .bootcde).
    var vb = createVirtualBoard({ board: "pico" });
    try {
      vb.eval("var S = require('Storage'); S.write('.boot2', 'var order = (global.order||\"\") + \"2\";'); S.write('.boot0', 'var order = \"0\";');" +
        "S.write('.boot3', 'order += \"3\";'); E.setBootCode('order += \"c\";')");
      powerOn(vb);
      assert.equal(vb.eval("order"), "023c");
      vb.eval("require('Storage').write('.bootrst', 'order += \"r\";'); require('Storage').write('f', 'order += \"f\";'); load('f')");
      assert.equal(vb.eval("order"), "023rf");
    } finally {
      vb.close();
    }
  });
});
