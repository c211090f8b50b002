// The page's pieces that need no browser, run in Node: the .dma table decoder on what the
// driver's dump() prints, and the in-page virtual link (a CoreBoard reached without Node
// streams) running a scenario through the same runner the CLI uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDump } from "../../host/web/dump-table";
import { openVirtualLink } from "../../host/web/virtual-link";
import { createCoreBoard } from "../../host/virtual-board/board";
import { runSuite } from "../../host/scenarios/runner";
import { nodeCode } from "../../host/scenarios/node-runner";
import { driverSource } from "../../host/scenarios/bundle";

test(".dma table: one row per stream in use (queue and registers merged), its fields as columns, flags apart", () => {
  var vb = createCoreBoard({ board: "pico", bundle: driverSource() });
  try {
    var text = String(vb.eval('var p = espdma.pace("TIM1", 10000); var ch = espdma.requestChannel({ request: p.request, dir: "dev2mem" });' +
      "ch.config({ periphAddr: 0x40020010, periphWidth: 1, memWidth: 1 }); var buf = espdma.alloc(64);" +
      'ch.prepCyclic(buf, 32, "dev2mem", {}).submit(); ch.issuePending(); espdma.dump()'));
    var t = parseDump(text);
    assert.equal(t.rows.length, 1, text);
    assert.equal(t.rows[0].name, "DMA2 stream 5");
    assert.deepEqual(t.columns.slice(0, 6), ["mode", "q", "EN", "DIR", "CIRC", "NDTR"]);
    assert.equal(t.rows[0].fields.mode, "dev2mem");
    assert.equal(t.rows[0].fields.EN, "1");
    assert.equal(t.rows[0].fields.DIR, "P2M");
    assert.equal(t.rows[0].fields.PAR, "0x40020010");
    assert.deepEqual(t.rows[0].flags, []);
    assert.match(t.rows[0].fields.q, /^\w+$/);
    assert.deepEqual(t.notes, []);
  } finally { vb.close(); }
  var f = parseDump("DMA1 channel 2: EN=1 DIR=M2P CIRC=0 NDTR=0 PAR=0x4001080c M0AR=0x20000100 CR=0x93 flags: GIF TCIF\nno DMA stream enabled\n");
  assert.deepEqual(f.rows[0].flags, ["GIF", "TCIF"]);
  assert.deepEqual(f.notes, ["no DMA stream enabled"]);
});

test("the in-page virtual link runs scenarios with the CLI's runner and gives the same checks", async () => {
  var opts = { target: { virtual: "pico" }, code: nodeCode, seed: 1, names: ["memcpy-ok", "terminate-sync-mid"] };
  var page = await runSuite({ ...opts, open: (t) => openVirtualLink(t) });
  var { openLink } = await import("../../host/link/open");
  var cli = await runSuite({ ...opts, open: openLink });
  assert.equal(page.failed, 0, JSON.stringify(page.scenarios.map((s) => s.error)));
  assert.deepEqual(page.scenarios.map((s) => [s.name, s.passed, s.invariants.map((c) => [c.id, c.name, c.passed])]),
    cli.scenarios.map((s) => [s.name, s.passed, s.invariants.map((c) => [c.id, c.name, c.passed])]));
});

test("the in-page virtual link: a write after close fails clearly", async () => {
  var l = await openVirtualLink({ virtual: "wifi" });
  await l.client.sync();
  assert.equal(await l.client.eval("process.env.BOARD"), "ESPRUINOWIFI");
  var t = l.transport;
  await l.close();
  await assert.rejects(t.write("1\n"), /link is closed/);
});

test("espdma web's server: the page and its script, nothing outside dist/web, a clear error when unbuilt", async () => {
  var { servePage } = await import("../../host/cli/web");
  var { mkdtempSync, writeFileSync, mkdirSync } = await import("node:fs");
  var { tmpdir } = await import("node:os");
  var { join } = await import("node:path");
  var dir = mkdtempSync(join(tmpdir(), "espdma-web-"));
  mkdirSync(join(dir, "www"));
  writeFileSync(join(dir, "www", "index.html"), "<script src=app.js></script>");
  writeFileSync(join(dir, "www", "app.js"), "window.x=1");
  writeFileSync(join(dir, "secret.txt"), "no");
  var s = await servePage({ port: 0, dir: join(dir, "www") });
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    var page = await fetch(s.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.equal(await page.text(), "<script src=app.js></script>");
    var js = await fetch(s.url + "app.js?v=1");
    assert.match(js.headers.get("content-type")!, /javascript/);
    assert.equal((await fetch(s.url + "..%2fsecret.txt")).status, 403);
    assert.equal((await fetch(s.url + "nothing.js")).status, 404);
  } finally { await s.close(); }
  assert.throws(() => servePage({ port: 0, dir: join(dir, "empty") }), /The page is not built .*run `npm run build`/);
});

test("a realm that cannot time out (the page's): a runaway loop that polls is stopped as node:vm would stop it", async () => {
  var { realms } = await import("../../host/virtual-board/runtime/realm-node");
  // Node's realm made like the page's: no timeout of its own (run() drops the options).
  var noTimeout = {
    ...realms, limits: { ...realms.limits, timeout: false },
    create(name: string) { var r = realms.create(name), run = r.run.bind(r); return Object.assign(r, { run: (code: string, file: string) => run(code, file) }); },
  };
  var out = "";
  var vb = createCoreBoard({ board: "pico", realms: noTimeout, onOutput: (t) => (out += t) });
  try {
    (vb.runtime as any).timeoutMs = 200;
    vb.eval("while (true) peek32(0x40026400);");
    assert.match(out, /Execution Interrupted/);
    out = "";
    vb.eval("setTimeout(function () { var t = getTime(); while (getTime() >= t) {} }, 1)");
    vb.loop.runFor(10);
    assert.match(out, /Execution Interrupted/);
    // The board goes on afterwards.
    assert.equal(vb.eval("6*7"), 42);
  } finally { vb.close(); }
});

test("espdma web: prints the URL it serves the page at; a bad --port is refused", { timeout: 60000 }, async () => {
  var { spawn } = await import("node:child_process");
  var { runCli } = await import("../helpers/cli");
  var bad = await runCli(["web", "--port", "http"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Bad --port "http": give a port number 0-65535/);
  var p = spawn(process.execPath, ["bin/espdma.js", "web", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    var out = "";
    var url = await new Promise<string>((resolve, reject) => {
      var t = setTimeout(() => reject(new Error("no URL printed: " + out)), 50000);
      p.stdout.on("data", (d) => { out += d; var m = /at (http:\/\/127\.0\.0\.1:\d+\/)[^]*unattended/.exec(out); if (m) { clearTimeout(t); resolve(m[1]); } });
      p.on("close", (c) => reject(new Error("espdma web exited (" + c + "): " + out)));
    });
    assert.match(out, /unattended: http:\/\/127\.0\.0\.1:\d+\/\?board=pico&transport=virtual&run=all/);
    var html = await (await fetch(url)).text();
    assert.match(html, /<script src="app.js"><\/script>/);
    var js = await fetch(url + "app.js");
    assert.equal(js.status, 200);
  } finally {
    p.kill("SIGINT");
  }
});
