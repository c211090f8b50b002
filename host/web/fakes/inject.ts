// The fakes as a page bundle: a test builds this with esbuild (test/web/fakes-build.ts) and
// hands it to playwright's addInitScript, so navigator.usb/serial/bluetooth are fake before the
// page's own code runs. Each device's board is an in-page virtual board, made when the page
// first talks to it. Configuration: window.espdmaFakeDevices (FakeDevicesConfig, plus which
// board backs which device); the fakes and boards are left at window.espdmaFakes and
// window.espdmaFakeBoards for the test to drive (unplug) and read (stats).
import { createCoreBoard, CoreBoard } from "../../virtual-board/board";
import { replBridge } from "./bridge";
import { installFakeDevices, FakeDevicesConfig } from "./install";

export interface InjectConfig extends FakeDevicesConfig {
  boards?: { usb?: string; serial?: string; bluetooth?: string };
}

var g = globalThis as any;
var cfg: InjectConfig = g.espdmaFakeDevices || {};
var boards: Record<string, CoreBoard> = {};
g.espdmaFakeBoards = boards;
g.espdmaFakes = installFakeDevices(g.navigator, (kind) => {
  var b = createCoreBoard({ board: (cfg.boards && cfg.boards[kind]) || (kind === "bluetooth" ? "puckjs" : "pico") });
  boards[kind] = b;
  return replBridge(b.repl);
}, cfg);
