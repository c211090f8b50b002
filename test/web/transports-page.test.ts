// The page's real transports in headless Chromium: the fake devices (host/web/fakes) are put
// into the page before it loads (addInitScript), each bridged to an in-page virtual board, and
// ?transport=webserial|webusb|webbluetooth&run=all runs the whole suite through the page's own
// Web Serial, WebUSB and Web Bluetooth code. Every scenario that applies to a real board
// passes, and the results are those of the Node runner through the same transport and fake.
// Also: the claim an OS driver refuses, and unplug in the middle of the suite, each end with a
// clear error, never a hang. Screenshots go to artifacts/web-<transport>.png.
// Without a browser: skipped, saying how to enable it.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { servePage, WEB_DIR, ServedPage } from "../../host/cli/web";
import { runScenarios } from "../../host/scenarios/node-runner";
import { jsonReport } from "../../host/scenarios/report-json";
import { ROOT } from "../../host/scenarios/bundle";
import { createVirtualBoard } from "../../host/virtual-board/index";
import type { Transport } from "../../host/link/transport";
import { replBridge } from "../../host/web/fakes/bridge";
import { installFakeDevices } from "../../host/web/fakes/install";
import type { InjectConfig } from "../../host/web/fakes/inject";
import { transportKinds, KindName } from "../../host/web/transports/index";
import { fakesScript } from "./fakes-build";
import { chromiumPath, NO_CHROMIUM, comparableResults as shape } from "../helpers/chromium";


const exe = chromiumPath();
const skip = exe ? false : NO_CHROMIUM;

const RUNS: { kind: KindName; board: string; config: InjectConfig }[] = [
  { kind: "webserial", board: "pico", config: { boards: { serial: "pico" } } },
  { kind: "webusb", board: "pico", config: { boards: { usb: "pico" } } },
  { kind: "webusb", board: "original", config: { boards: { usb: "original" }, usb: { model: "f1" } } },
  { kind: "webbluetooth", board: "puckjs", config: { boards: { bluetooth: "puckjs" } } },
];

/** The same transport and fake in Node, made as the page makes it (the menu entry's request()). */
async function nodeRun(kind: KindName, board: string, config: InjectConfig): Promise<any> {
  var vb = createVirtualBoard({ board });
  var nav: any = {};
  installFakeDevices(nav, () => replBridge(vb.repl), config);
  var had = (globalThis as any).navigator;
  Object.defineProperty(globalThis, "navigator", { value: nav, configurable: true, writable: true });
  try {
    var t: Transport = await transportKinds[kind]!.request({});
    return jsonReport(await runScenarios({ target: { transport: t }, seed: 1 }));
  } finally {
    Object.defineProperty(globalThis, "navigator", { value: had, configurable: true, writable: true });
    vb.close();
  }
}


describe("the page's browser transports against fake devices, in headless Chromium", { skip }, () => {
  var served: ServedPage, browser: any, script: string;
  before(async () => {
    if (!existsSync(join(WEB_DIR, "app.js"))) await (await import("../../scripts/build-web")).buildWeb();
    script = await fakesScript();
    served = await servePage({ port: 0 });
    var { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: exe!, args: ["--js-flags=--expose-gc", "--no-sandbox"] });
  });
  after(async () => {
    if (browser) await browser.close();
    if (served) await served.close();
  });

  async function open(config: InjectConfig, query: string): Promise<{ page: any; errors: string[] }> {
    var page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    var errors: string[] = [];
    page.on("pageerror", (e: Error) => errors.push(e.message));
    await page.addInitScript({ content: "window.espdmaFakeDevices = " + JSON.stringify(config) + ";\n" + script });
    await page.goto(served.url + query);
    return { page, errors };
  }

  for (const r of RUNS) {
    test(r.kind + " (fake " + r.board + "): the suite through the page's own transport; every scenario that applies to a real board passes, as in Node", { timeout: 240000 }, async () => {
      var { page, errors } = await open(r.config, "?transport=" + r.kind + "&run=all");
      try {
        await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 200000 });
        var got = await page.evaluate(() => (window as any).espdmaResults);
        mkdirSync(join(ROOT, "artifacts"), { recursive: true });
        await page.screenshot({ path: join(ROOT, "artifacts", "web-" + r.kind + "-" + r.board + ".png"), fullPage: true });
        assert.deepEqual(errors, [], "errors in the page");
        assert.equal(got.error, undefined, "the run could not go on: " + got.error);
        var failed = got.scenarios.filter((s: any) => !s.passed).map((s: any) => s.name + ": " + (s.error || s.invariants.filter((c: any) => !c.passed).map((c: any) => c.name).join("; ")));
        assert.deepEqual(failed, [], "scenarios failed in the page");
        assert.ok(got.scenarios.length >= 5, "only " + got.scenarios.length + " scenarios ran");
        // It went through the fake, as a real board's bytes would.
        var stats = await page.evaluate(() => { var f = (window as any).espdmaFakes; return { usb: f.usbDevice.stats, ble: f.bleDevice.stats, serial: f.serialPort.stats }; });
        if (r.kind === "webusb") { assert.equal(stats.usb.maxInPacket, 63); assert.equal(stats.usb.handOffs, 0); }
        if (r.kind === "webbluetooth") assert.equal(stats.ble.maxWrite, 20);
        if (r.kind === "webserial") assert.ok(stats.serial.written > 10000);
        assert.deepEqual(shape(got), shape(await nodeRun(r.kind, r.board, r.config)));
      } finally {
        await page.close();
      }
    });
  }

  test("webusb while an OS driver holds the interface: the page reports the documented error", { timeout: 60000 }, async () => {
    var { page, errors } = await open({ usb: { kernelDriver: true } }, "?transport=webusb&run=all");
    try {
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 30000 });
      var got = await page.evaluate(() => (window as any).espdmaResults);
      assert.deepEqual(errors, []);
      assert.match(got.error, /Unable to claim interface/);
      assert.match(got.error, /Web Serial/);
      assert.match(got.error, /cdc_acm/);
      assert.match(await page.textContent("#suite-status"), /Unable to claim interface/);
    } finally {
      await page.close();
    }
  });

  test("webusb: the board hands its console off (no USB read seen for 2 s) in the middle of the suite: a clear message, no hang", { timeout: 120000 }, async () => {
    var { page } = await open({}, "?transport=webusb&run=all");
    try {
      await page.waitForFunction(() => /running/.test(document.getElementById("suite-status")!.textContent || ""), null, { timeout: 60000 });
      await page.evaluate(() => (window as any).espdmaFakes.usbDevice.starveReads(2500));
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 60000 });
      var got = await page.evaluate(() => (window as any).espdmaResults);
      var stats = await page.evaluate(() => (window as any).espdmaFakes.usbDevice.stats);
      assert.equal(stats.handOffs, 1);
      // The run stops with the reason; the scenario in progress fails with it too.
      assert.match(got.error, /moved its console off USB .*connect again/);
      assert.match(got.scenarios[got.scenarios.length - 1].error || "", /moved its console off USB/);
    } finally {
      await page.close();
    }
  });

  test("webusb unplugged in the middle of the suite: the run ends with a clear message, no hang", { timeout: 120000 }, async () => {
    var { page } = await open({}, "?transport=webusb&run=all");
    try {
      await page.waitForFunction(() => /running/.test(document.getElementById("suite-status")!.textContent || ""), null, { timeout: 60000 });
      await page.evaluate(() => (window as any).espdmaFakes.usbDevice.unplug());
      await page.waitForFunction(() => (window as any).espdmaState === "done", null, { timeout: 60000 });
      var got = await page.evaluate(() => (window as any).espdmaResults);
      assert.match(got.error, /was disconnected: was the board unplugged\? Plug it in and connect again/);
      assert.match(await page.textContent("#suite-status"), /was disconnected/);
    } finally {
      await page.close();
    }
  });
});
