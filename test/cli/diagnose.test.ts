// Wrong input named for what it is, as a user runs the CLI: a --bundle that is not JS, too big
// for the board, a directory; a tcp host that does not resolve; a second client on one sim.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveTcp } from "../../host/virtual-board/index";
import { runCli } from "../helpers/cli";

function cli(args: string[]) {
  var r = spawnSync(process.execPath, ["bin/espdma.js", ...args], { encoding: "utf8", timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

var cliAsync = runCli;

describe("espdma test --bundle: the real cause", () => {
  var dir = mkdtempSync(join(tmpdir(), "espdma-diag-"));

  test("a file that is not JavaScript: refused before the upload, no talk of noise", () => {
    var f = join(dir, "notes.txt");
    writeFileSync(f, "Remember to buy milk {\n");
    var r = cli(["test", "--bundle", f, "--scenario", "memcpy-ok"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Refusing .*notes\.txt: it would not run on Espruino/);
    assert.match(r.err, /not ECMAScript 5/);
    assert.match(r.err, /Nothing was sent to the board/);
    assert.doesNotMatch(r.err, /noise/i);
    var j = cli(["test", "--bundle", f, "--json"]);
    assert.equal(j.code, 2);
    assert.match(JSON.parse(j.out).error, /would not run on Espruino/);
  });

  test("a bundle bigger than the board's free memory: refused with the figures", () => {
    var f = join(dir, "huge.js");
    // The real driver, padded to 264 KB with a comment (valid ES5 throughout).
    writeFileSync(f, readFileSync("dist/espdma.min.js", "utf8") + "\n/*" + "x".repeat(264 * 1024) + "*/\n");
    var r = cli(["test", "--bundle", f, "--scenario", "memcpy-ok"]);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /The driver and agent are \d+ bytes of code, and the virtual Espruino Pico has \d+ free variables of 13 bytes \(\d+ bytes\): code uploaded to the REPL stays in RAM, so it cannot load/);
    assert.doesNotMatch(r.err, /noise/i);
    // The real bundle fits.
    assert.equal(cli(["test", "--scenario", "memcpy-ok"]).code, 0);
  });

  test("a bundle that throws as it loads, on the virtual board: the bundle is broken, not the line", () => {
    var f = join(dir, "throws.js");
    writeFileSync(f, "throw new Error('broken on purpose');\n");
    var r = cli(["test", "--bundle", f, "--scenario", "memcpy-ok"]);
    assert.equal(r.code, 2, r.err + r.out);
    assert.match(r.err, /does not load on the virtual pico \(Uncaught Error: broken on purpose\).*The bundle is broken/);
    assert.doesNotMatch(r.out + r.err, /noise/i);
  });

  test("a directory, or a missing file: what it is and what to give", () => {
    var r = cli(["test", "--bundle", "dist", "--scenario", "memcpy-ok"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /dist is a directory \(--bundle\): give the path of a JavaScript bundle in it, e\.g\. dist\/espdma\.min\.js/);
    assert.doesNotMatch(r.err, /EISDIR/);
    r = cli(["flash", "--bundle", "dist"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /dist is a directory/);
    r = cli(["flash", "--bundle", join(dir, "nope.js")]);
    assert.match(r.err, /No such file .*nope\.js \(--bundle\)/);
  });
});

describe("tcp targets", () => {
  test("a host that does not resolve is named as such, not as a sim to start", () => {
    var r = cli(["test", "--port", "tcp://nohost.invalid:23", "--scenario", "memcpy-ok"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Cannot resolve the host "nohost\.invalid" of tcp:\/\/nohost\.invalid:23 \((ENOTFOUND|EAI_AGAIN)\): check the name/);
    assert.doesNotMatch(r.err, /Start one with|--tcp nohost/);
  });

  test("sim serves one client at a time: a second one is told so, the first one's run is untouched", { timeout: 180000 }, async () => {
    var srv = await serveTcp({ board: "pico" });
    var url = "tcp://127.0.0.1:" + srv.address.port;
    try {
      // The first client: connected and staying.
      var first = net.connect(srv.address.port, "127.0.0.1");
      await new Promise((res) => first.once("connect", res));
      var r = await cliAsync(["test", "--port", url, "--scenario", "memcpy-ok"]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /The virtual board at tcp:\/\/127\.0\.0\.1:\d+ serves one client at a time and another is connected\. Disconnect it, or start a second board: espdma sim --tcp 127\.0\.0\.1:\d+/);
      first.destroy();
      await new Promise((res) => setTimeout(res, 200));
      // Alone again: the run passes (the board was not disturbed by the refused client).
      r = await cliAsync(["test", "--port", url, "--scenario", "memcpy-ok,channel-reuse"]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /OK: 2 passed, 0 failed on pico/);
    } finally {
      await srv.close();
    }
  });

  test("`espdma sim` says it serves one client at a time", { timeout: 60000 }, async () => {
    var p = spawn(process.execPath, ["bin/espdma.js", "sim", "--virtual", "wifi", "--tcp", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    var out = "";
    await new Promise<void>((res) => p.stdout.on("data", (d) => { out += d; if (/listening/.test(out)) res(); }));
    var closed = new Promise((res) => p.on("close", res));
    p.kill("SIGINT");
    await closed;
    assert.match(out, /^virtual wifi \(one client at a time\) listening on tcp:\/\/127\.0\.0\.1:\d+/);
  });
});
