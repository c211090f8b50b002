// The page in a real browser: headless Chromium (Debian's, driven by playwright-core; no
// browser is downloaded) loads ?board=X&transport=virtual&run=all for the four STM32 boards,
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

const BOARDS = ["pico", "wifi", "original", "f4discovery"];

export function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM, process.env.CHROME, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (p && existsSync(p)) return p;
  return null;
}

const exe = chromiumPath();
const skip = exe ? false : "no Chromium on this machine: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome to run the browser tests";

/** What must match between the page and Node (times differ). */
function shape(r: any): any {
  return {
    board: r.board,
    scenarios: r.scenarios.map((s: any) => ({ name: s.name, passed: s.passed, error: s.error, invariants: s.invariants.map((c: any) => [c.id, c.name, c.passed]) })),
    passed: r.passed, failed: r.failed, notApplicable: r.notApplicable,
  };
}

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
        assert.ok(got.scenarios.length >= 10, "only " + got.scenarios.length + " scenarios ran");
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
