// The page in a real browser: headless Chromium (Debian's, driven by playwright-core; no
// browser is downloaded) loads ?board=X&transport=virtual&run=all for one board per DMA model
// and way of loading (BOARDS),
// and the results it exposes (window.espdmaResults, the `espdma test --json` object) must be
// those of the Node runner on the same board and seed: the same scenarios, the same checks
// (id, name, verdict), every one passed. A screenshot of each finished page goes to
// artifacts/web-<board>.png (CI keeps artifacts/).
// Without a browser: skipped, saying how to enable it (apt-get install chromium, or
// CHROMIUM=/path/to/chrome).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { servePage, WEB_DIR, ServedPage } from "../../host/cli/web";
import { runScenarios } from "../../host/scenarios/node-runner";
import { jsonReport } from "../../host/scenarios/report-json";
import { ROOT } from "../../host/scenarios/bundle";
import { chromiumPath, NO_CHROMIUM, comparableResults as shape } from "../helpers/chromium";

/** F4 streams with the code loaded through Storage (pico) and as text (f4discovery), F1
 * channels (original), nRF52 EasyDMA (puckjs). The WiFi (F411, text) adds neither a model nor
 * a way of loading; the Node runner covers it (test/scenarios/virtual.test.ts). */
const BOARDS = ["pico", "f4discovery", "original", "puckjs"];


const exe = chromiumPath();
const skip = exe ? false : NO_CHROMIUM;

describe("the page in headless Chromium", { skip }, () => {
  var served: ServedPage, browser: any;
  before(async () => {
    if (!existsSync(join(WEB_DIR, "app.js"))) await (await import("../../scripts/build-web")).buildWeb();
    served = await servePage({ port: 0 });
    var { chromium } = await import("playwright-core");
    // expose-gc: the page then collects garbage when the virtual board asks, as node:vm does
    // (realm-browser.ts says what happens without it).
    browser = await chromium.launch({ executablePath: exe!, args: ["--js-flags=--expose-gc", "--no-sandbox"] });
  });
  after(async () => {
    if (browser) await browser.close();
    if (served) await served.close();
  });

  for (const board of BOARDS) {
    test(board + ": the unattended URL runs the whole suite; the results are the Node runner's", { timeout: 240000 }, async () => {
      var page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      var errors: string[] = [];
      page.on("pageerror", (e: Error) => errors.push(e.message));
      try {
        await page.goto(served.url + "?board=" + board + "&transport=virtual&run=all");
        await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 200000 });
        var got = await page.evaluate(() => (window as any).espdmaResults);
        mkdirSync(join(ROOT, "artifacts"), { recursive: true });
        await page.screenshot({ path: join(ROOT, "artifacts", "web-" + board + ".png"), fullPage: true });
        assert.deepEqual(errors, [], "errors in the page");
        assert.equal(got.error, undefined, "the run could not go on: " + got.error);
        var failed = got.scenarios.filter((s: any) => !s.passed).map((s: any) => s.name + ": " + (s.error || s.invariants.filter((c: any) => !c.passed).map((c: any) => c.name + " " + (c.detail || "")).join("; ")));
        assert.deepEqual(failed, [], "scenarios failed in the page");
        assert.ok(got.scenarios.length >= (board === "puckjs" ? 8 : 20), "only " + got.scenarios.length + " scenarios ran");
        var node = jsonReport(await runScenarios({ target: { virtual: board }, seed: 1 }));
        assert.deepEqual(shape(got), shape(node));
        // What the page shows is what it exposes: one row per scenario, the same verdicts.
        var rows = await page.$$eval("#results tbody tr", (trs: any[]) => trs.map((tr) => [tr.dataset.scenario, tr.children[1].textContent]));
        assert.deepEqual(rows, got.scenarios.map((s: any) => [s.name, s.passed ? "PASS" : "FAIL"]));
      } finally {
        await page.close();
      }
    });
  }

  test("downloads: the JSON is window.espdmaResults, the JUnit XML the CLI's writer on the same run", async () => {
    var page = await browser.newPage();
    try {
      await page.goto(served.url + "?board=pico&transport=virtual&run=all&scenario=memcpy-ok,terminate-sync-mid");
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 60000 });
      // (No named functions inside: the page does not have the loader's helpers.)
      var got = await page.evaluate(async () => {
        var files = await Promise.all(["dl-json", "dl-junit"].map(async (id) => {
          var a = document.getElementById(id) as HTMLAnchorElement;
          return { name: a.download, body: await (await fetch(a.href)).text() };
        }));
        return { results: (window as any).espdmaResults, json: files[0], junit: files[1] };
      });
      assert.deepEqual(got.results.scenarios.map((s: any) => s.name), ["memcpy-ok", "terminate-sync-mid"]);
      assert.equal(got.json.name, "espdma-pico.json");
      assert.deepEqual(JSON.parse(got.json.body), got.results);
      var { junitReport } = await import("../../host/scenarios/report-json");
      // The XML the CLI would write for these results (times included: they are the page's).
      var asReport = { ...got.results, skipped: [], scenarios: got.results.scenarios.map((s: any) => ({ ...s, title: s.name })) };
      assert.equal(got.junit.body, junitReport(asReport));
      assert.match(got.junit.body, /<testsuite name="pico.memcpy-ok" tests="11" failures="0"/);
    } finally {
      await page.close();
    }
  });

  test("REPL, a live .dma table and flash on the in-page virtual board", { timeout: 60000 }, async () => {
    var page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    var errors: string[] = [];
    page.on("pageerror", (e: Error) => errors.push(e.message));
    var send = async (line: string) => { await page.fill("#input", line); await page.click("#send"); };
    try {
      await page.goto(served.url + "?board=pico");
      await page.selectOption("#target", "virtual:f4discovery");
      await page.click("#connect-form button[type=submit]");
      await page.waitForFunction(() => /connected to virtual f4discovery/.test(document.getElementById("conn-status")!.textContent!));
      await send("6*7");
      await page.waitForFunction(() => /=42/.test(document.getElementById("term")!.textContent!));
      // A paced capture keeps a stream enabled: the live table shows it with its registers.
      await send('var p = espdma.pace("TIM1", 10000); var ch = espdma.requestChannel({ request: p.request, dir: "dev2mem" }); ch.config({ periphAddr: 0x40020010, periphWidth: 1, memWidth: 1 }); var buf = espdma.alloc(64); ch.prepCyclic(buf, 32, "dev2mem", {}).submit(); ch.issuePending(); 1');
      await page.check("#dma-live");
      await page.waitForFunction(() => /DMA2 stream 5/.test(document.querySelector("#dma table")?.textContent || ""), null, { timeout: 10000 });
      var cells = await page.$$eval("#dma table tbody tr td", (tds: any[]) => tds.map((td) => td.textContent));
      var heads = await page.$$eval("#dma table th", (ths: any[]) => ths.map((th) => th.textContent));
      assert.equal(cells[0], "DMA2 stream 5");
      assert.equal(cells[heads.indexOf("EN")], "1");
      assert.equal(cells[heads.indexOf("DIR")], "P2M");
      assert.equal(cells[heads.indexOf("CIRC")], "1");
      await page.uncheck("#dma-live");
      await send("ch.terminateSync(); ch.release(); p.stop(); 1");
      await page.click("#flash-btn");
      await page.waitForFunction(() => /flashed|failed/.test(document.getElementById("flash-status")!.textContent!), null, { timeout: 30000 });
      var st = await page.textContent("#flash-status");
      assert.match(st, /^flashed \d+ bytes to espdma\.[ab] \(CRC [0-9a-f]{8}, verified\), boot file \.boot0/);
      // The page's driver is dist/espdma.min.js byte for byte, sent as the CLI sends it.
      var { readCode } = await import("../../host/link/code-file");
      var { crc32 } = await import("../../host/link/crc32");
      var { DRIVER } = await import("../../host/scenarios/bundle");
      var code = readCode(DRIVER);
      assert.ok(st.indexOf("flashed " + code.length + " bytes") === 0 && st.indexOf("CRC " + crc32(code).toString(16).padStart(8, "0") + ",") > 0, st);
      assert.equal(await page.evaluate(() => +(document.getElementById("flash-progress") as HTMLProgressElement).value), await page.evaluate(() => +(document.getElementById("flash-progress") as HTMLProgressElement).max));
      // After the flash the board restarted (load()) and ran the boot file: the driver is there.
      await send("typeof espdma + ':' + require('Storage').list().sort().join()");
      await page.waitForFunction(() => /="object:\.boot0,(espdma,)?espdma\.[ab]"/.test(document.getElementById("term")!.textContent!), null, { timeout: 10000 });
      assert.doesNotMatch(await page.textContent("#term"), /<#|#>/, "protocol lines leaked into the terminal");
      assert.deepEqual(errors, []);
      await page.screenshot({ path: join(ROOT, "artifacts", "web-repl.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test("as in a user's Chrome (no --expose-gc): the page says its memory is approximate, and the Pico's suite passes", { timeout: 120000 }, async () => {
    var { chromium } = await import("playwright-core");
    var plain = await chromium.launch({ executablePath: exe!, args: ["--no-sandbox"] });
    try {
      var page = await plain.newPage();
      await page.goto(served.url + "?board=pico&transport=virtual&run=all");
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 100000 });
      var got = await page.evaluate(() => (window as any).espdmaResults);
      assert.match((await page.textContent("#gc-note")) || "", /--js-flags=--expose-gc/);
      assert.equal(got.error, undefined);
      assert.deepEqual(got.scenarios.filter((s: any) => !s.passed).map((s: any) => s.name), []);
      assert.equal(got.passed, got.scenarios.length);
      assert.ok(got.scenarios.length >= 20, got.scenarios.length + " scenarios");
    } finally {
      await plain.close();
    }
  });

  test("a URL that names no known board gets an error result, not a hang", async () => {
    var page = await browser.newPage();
    try {
      await page.goto(served.url + "?board=nosuch&transport=virtual&run=all");
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 20000 });
      var got = await page.evaluate(() => (window as any).espdmaResults);
      assert.match(got.error, /unknown board "nosuch".*pico/);
      assert.deepEqual(got.scenarios, []);
    } finally {
      await page.close();
    }
  });
});
