// The page: connect menu, scenario suite, REPL terminal with a live `.dma` table, flash. The
// same host core as the CLI (runner, invariants, REPL client, flash) with the page's code
// sources (code.ts), its in-page virtual board (virtual-link.ts) and the browser transports
// (transports/index.ts). Unattended: ?board=pico&transport=virtual&run=all runs the suite and
// sets window.espdmaResults to the object `espdma test --json` prints.
import { boards, findBoard } from "../../boards/index";
import type { BoardDef } from "../../boards/types";
import { runSuite, RunReport } from "../scenarios/runner";
import type { ScenarioResult } from "../scenarios/types";
import { scenarios } from "../scenarios/catalog";
import { jsonError, jsonReport, junitReport } from "../scenarios/report-json";
import { ReplClient } from "../link/repl-client";
import type { OpenedLink, LinkTarget } from "../link/open";
import { latin1Text, Transport } from "../link/transport";
import { createCoreBoard, CoreBoard } from "../virtual-board/board";
import { flash } from "../cli/flash-core";
import { openVirtualLink } from "./virtual-link";
import { pageCode, driverFile } from "./code";
import { parseDump } from "./dump-table";
import { KINDS, KindName, PLANNED_TITLES, transportKinds } from "./transports/index";
// realm-browser.ts in the page's bundle (scripts/build-web.ts): what the page's realm can do.
import { realms } from "../virtual-board/runtime/realm-node";

declare global {
  interface Window { espdmaResults?: any; espdmaState?: string }
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the connect menu picked: an in-page virtual board, or a browser transport. */
type Choice = { kind: "virtual"; board: string } | { kind: KindName; board?: string };

/** The boards with a virtual model (all of boards/: the STM32 ones and the nRF52 ones). */
const VIRTUAL_BOARDS = boards.map((b) => b.name);

/** Why a transport kind cannot be chosen now, or null. */
function unavailable(k: KindName): string | null {
  var entry = transportKinds[k];
  if (!entry) return "not built into this page yet";
  return entry.unavailable();
}

// ------------------------------------------------------------------ connection

interface Connection {
  choice: Choice;
  link: OpenedLink;
  /** The in-page board, for a virtual choice. */
  vb?: CoreBoard;
  board?: BoardDef;
  offData: () => void;
}

let conn: Connection | null = null;
/** The last run, for automation that wants more than the JSON (events, board text). */
let lastReport: RunReport | null = null;
(window as any).espdmaLastReport = () => lastReport;
let busy = false;

/** A Transport that a second client can use without closing it (the suite and flash borrow
 * the terminal's link; their close() must leave it open). */
function borrowed(t: Transport): Transport {
  return {
    description: t.description,
    open: async () => {},
    write: (d) => t.write(d),
    onData: (fn) => t.onData(fn),
    onClose: (fn) => t.onClose(fn),
    close: async () => {},
  };
}

function borrowLink(c: Connection): (t: LinkTarget) => Promise<OpenedLink> {
  return async (t) => {
    var tr = borrowed(c.link.transport);
    var client = new ReplClient(tr, t.client);
    return { client, transport: tr, vb: c.vb, close: () => client.close() };
  };
}

async function connect(choice: Choice): Promise<Connection> {
  await disconnect();
  status("conn-status", "connecting...");
  var link: OpenedLink, vb: CoreBoard | undefined, board: BoardDef | undefined;
  if (choice.kind === "virtual") {
    board = findBoard(choice.board)!;
    // As `espdma repl` does: the driver loaded as if flashed, timers on the wall clock.
    vb = createCoreBoard({ board: choice.board, bundle: pageCode.driver(board.family), clock: "realtime" });
    link = await openVirtualLink({ virtual: choice.board }, vb);
  } else {
    var why = unavailable(choice.kind);
    if (why) throw new Error(PLANNED_TITLES[choice.kind] + " cannot be used: " + why);
    var tr = await transportKinds[choice.kind]!.request({ board: choice.board });
    await tr.open();
    var client = new ReplClient(tr);
    link = { client, transport: tr, close: () => client.close() };
  }
  var c: Connection = { choice, link, vb, board, offData: () => {} };
  c.offData = link.transport.onData((b) => termWrite(latin1Text(b)));
  link.transport.onClose((err) => {
    if (conn !== c) return;
    termWrite("\n[the link to " + link.transport.description + " closed" + (err ? ": " + err.message : "") + "]\n");
    conn = null;
    status("conn-status", "disconnected");
    refreshButtons();
  });
  conn = c;
  status("conn-status", "connected to " + link.transport.description);
  refreshButtons();
  return c;
}

async function disconnect(): Promise<void> {
  var c = conn;
  conn = null;
  stopDmaLive();
  if (!c) return;
  c.offData();
  await c.link.close().catch(() => {});
  if (c.vb) c.vb.close();
  status("conn-status", "disconnected");
  refreshButtons();
}

// ------------------------------------------------------------------ terminal

/** Protocol lines of the host's own commands (eval answers, sync probes): not shown. */
const PROTOCOL = /<#\w+#[\s\S]*?#\w+#>|<ESPDMA_SYNC_\d+>|[\x10\x11\x13]|\x1b\[J/g;
/** While flash runs, its commands' echo and prompts stay out of the terminal. */
let muted = false;
let termText = "";

function termWrite(s: string): void {
  if (muted) return;
  // The prompts the host's own (unechoed) commands leave: one is enough.
  termText = (termText + s).replace(PROTOCOL, "").replace(/\r\n/g, "\n").replace(/\r/g, "").replace(/(^|\n)>(?=\n>)/g, "$1").replace(/\n\n>(?=\n|$)/g, "\n>");
  if (termText.length > 100000) termText = termText.slice(-80000);
  var t = $("term");
  t.textContent = termText;
  t.scrollTop = t.scrollHeight;
}

async function sendLine(line: string): Promise<void> {
  if (!conn) { termWrite("[not connected: pick a board or a link above and press Connect]\n"); return; }
  var m = /^\.(\w+)\s*$/.exec(line.trim());
  if (m) {
    if (m[1] === "dma") { await showDma(true); return; }
    termWrite("unknown local command ." + m[1] + " (.dma)\n");
    return;
  }
  await conn.link.transport.write(line + "\r");
}

const DUMP = 'typeof espdma!=="undefined"&&espdma.dump?espdma.dump():"espdma is not loaded: flash it (Flash below)"';

async function showDma(print: boolean): Promise<void> {
  if (!conn || busy) return;
  try {
    var text: string = await conn.link.client.eval(DUMP, 3000, "reading the DMA registers (.dma)");
    renderDump(String(text));
    if (print) termWrite("\n" + text);
  } catch (e: any) {
    $("dma").textContent = ".dma: " + e.message;
  }
}

let dmaTimer: ReturnType<typeof setInterval> | null = null;
function stopDmaLive(): void {
  if (dmaTimer) clearInterval(dmaTimer);
  dmaTimer = null;
  var box = $<HTMLInputElement>("dma-live");
  if (box) box.checked = false;
}

function renderDump(text: string): void {
  var d = parseDump(text), box = $("dma");
  box.textContent = "";
  if (d.rows.length) {
    var table = document.createElement("table"), head = table.createTHead().insertRow();
    table.className = "dma";
    for (const h of ["stream"].concat(d.columns, ["flags"])) { var th = document.createElement("th"); th.textContent = h; head.appendChild(th); }
    var body = table.createTBody();
    for (const r of d.rows) {
      var tr = body.insertRow();
      tr.insertCell().textContent = r.name;
      for (const c of d.columns) tr.insertCell().textContent = r.fields[c] ?? "";
      tr.insertCell().textContent = r.flags.join(" ") || "-";
    }
    box.appendChild(table);
  }
  for (const n of d.notes) { var p = document.createElement("p"); p.textContent = n; box.appendChild(p); }
}

// ------------------------------------------------------------------ suite

function status(id: string, s: string): void {
  var el = $(id);
  if (el) el.textContent = s;
}

function download(id: string, name: string, type: string, text: string): void {
  var a = $<HTMLAnchorElement>(id);
  if (a.href) URL.revokeObjectURL(a.href);
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.hidden = false;
}

function resultRow(r: ScenarioResult): HTMLTableRowElement {
  var tr = document.createElement("tr");
  tr.className = r.passed ? "pass" : "fail";
  tr.dataset.scenario = r.name;
  tr.insertCell().textContent = r.name;
  tr.insertCell().textContent = r.passed ? "PASS" : "FAIL";
  tr.insertCell().textContent = String(r.ms);
  var cell = tr.insertCell(), det = document.createElement("details"), sum = document.createElement("summary");
  var failed = r.invariants.filter((c) => !c.passed).length;
  sum.textContent = r.error ? "could not run" : r.invariants.length + " checks" + (failed ? ", " + failed + " failed" : "");
  det.appendChild(sum);
  if (r.error) { var e = document.createElement("p"); e.textContent = r.error; det.appendChild(e); }
  var ul = document.createElement("ul");
  for (const c of r.invariants) {
    var li = document.createElement("li");
    li.className = c.passed ? "pass" : "fail";
    li.textContent = (c.passed ? "PASS " : "FAIL ") + (c.id ? "[" + c.id + "] " : "") + c.name + (c.detail ? ": " + c.detail : "");
    ul.appendChild(li);
  }
  det.appendChild(ul);
  if (!r.passed) det.open = true;
  cell.appendChild(det);
  return tr;
}

async function runAll(choice: Choice, names?: string[]): Promise<any> {
  busy = true;
  refreshButtons();
  window.espdmaResults = undefined;
  window.espdmaState = "running";
  var tbody = $("results").querySelector("tbody")!;
  tbody.textContent = "";
  var bar = $<HTMLProgressElement>("progress");
  bar.value = 0;
  var done: ScenarioResult[] = [];
  var boardName = choice.kind === "virtual" ? choice.board : choice.kind;
  var t0 = performance.now();
  var out: any;
  try {
    var target: LinkTarget, open: (t: LinkTarget) => Promise<OpenedLink>;
    if (choice.kind === "virtual") {
      // As `espdma test --virtual`: a fresh board per scenario, deterministic for the seed.
      target = { virtual: choice.board };
      open = (t) => openVirtualLink(t);
    } else {
      var c = conn && conn.choice.kind === choice.kind ? conn : await connect(choice);
      target = { port: c.link.transport.description };
      open = borrowLink(c);
      // The agent's event lines and the uploads' prompts are the run's, not the terminal's.
      termWrite("\n[running the scenario suite on " + target.port + "]\n");
      muted = true;
    }
    var report: RunReport = await runSuite({
      target, open, code: pageCode, seed: 1, names,
      onStart: (s, i, n) => { status("suite-status", "running " + s.name + " (" + (i + 1) + "/" + n + ")"); bar.max = n; },
      onResult: (r, i, n) => { done.push(r); tbody.appendChild(resultRow(r)); bar.value = i + 1; bar.max = n; },
      onUpload: (sent, total) => status("suite-status", "uploading driver and agent: " + sent + "/" + total + " bytes"),
    });
    out = jsonReport(report);
    lastReport = report;
    var secs = ((performance.now() - t0) / 1000).toFixed(1);
    status("suite-status", (report.failed ? "FAILED" : "OK") + ": " + report.passed + " passed, " + report.failed + " failed on " + report.board + " in " + secs + " s" +
      (report.notApplicable && report.notApplicable.length ? "; not applicable here: " + report.notApplicable.map((n) => n.name).join(", ") : "") +
      (report.skipped.length ? "; virtual board only: " + report.skipped.join(", ") : ""));
    download("dl-junit", "espdma-" + report.board + ".junit.xml", "application/xml", junitReport(report));
  } catch (e: any) {
    out = jsonError(boardName, done, e && e.message ? e.message : String(e));
    status("suite-status", "could not run: " + (e && e.message ? e.message : String(e)));
  } finally {
    if (muted) { muted = false; termWrite("[" + $("suite-status").textContent + "]\n"); }
    busy = false;
    refreshButtons();
  }
  download("dl-json", "espdma-" + out.board + ".json", "application/json", JSON.stringify(out, null, 2) + "\n");
  window.espdmaResults = out;
  window.espdmaState = "done";
  document.body.dataset.state = "done";
  return out;
}

// ------------------------------------------------------------------ flash

async function flashDriver(): Promise<void> {
  if (!conn) { status("flash-status", "connect first"); return; }
  var c = conn, fam = c.board ? c.board.family : undefined;
  var file = driverFile(fam), code = pageCode.driver(fam);
  var bar = $<HTMLProgressElement>("flash-progress");
  busy = true;
  refreshButtons();
  stopDmaLive();
  termWrite("\n[flashing " + file.name + "]\n");
  muted = true;
  try {
    status("flash-status", "flashing " + file.name + " (" + code.length + " bytes)...");
    var r = await flash({ virtual: c.board ? c.board.name : undefined }, code, {
      open: borrowLink(c), name: file.name,
      onProgress: (sent, total) => { bar.max = total; bar.value = sent; },
    });
    status("flash-status", "flashed " + r.bytes + " bytes to " + r.file + " (CRC " + r.crc.toString(16).padStart(8, "0") + ", verified), boot file " + r.boot + ", in " + (r.ms / 1000).toFixed(1) + " s");
  } catch (e: any) {
    status("flash-status", "flash failed: " + (e && e.message ? e.message : String(e)));
  } finally {
    muted = false;
    termWrite("[" + $("flash-status").textContent + "]\n>");
    busy = false;
    refreshButtons();
  }
}

// ------------------------------------------------------------------ the menu

function choiceOf(v: string): Choice {
  if (v.indexOf("virtual:") === 0) return { kind: "virtual", board: v.slice(8) };
  return { kind: v as KindName };
}

function buildMenu(): void {
  var sel = $<HTMLSelectElement>("target");
  var g = document.createElement("optgroup");
  g.label = "In-page virtual board";
  for (const name of VIRTUAL_BOARDS) {
    var b = findBoard(name)!, o = document.createElement("option");
    o.value = "virtual:" + name;
    o.textContent = "virtual " + b.title + " (" + name + ")";
    g.appendChild(o);
  }
  sel.appendChild(g);
  var g2 = document.createElement("optgroup");
  g2.label = "A real board";
  var notes: string[] = [];
  for (const k of KINDS) {
    var o2 = document.createElement("option"), why = unavailable(k);
    var entry = transportKinds[k];
    o2.value = k;
    o2.textContent = (entry ? entry.title : PLANNED_TITLES[k]) + (why ? " (unavailable: " + why + ")" : "");
    o2.disabled = !!why;
    g2.appendChild(o2);
    if (why) notes.push(PLANNED_TITLES[k] + ": " + why);
  }
  sel.appendChild(g2);
  $("transport-notes").textContent = notes.length ? "Unavailable here: " + notes.join("; ") + "." : "";
}

function refreshButtons(): void {
  var c = !!conn;
  $<HTMLButtonElement>("run").disabled = busy;
  $<HTMLButtonElement>("flash-btn").disabled = busy || !c;
  $<HTMLButtonElement>("disconnect").disabled = !c;
  $<HTMLButtonElement>("send").disabled = !c;
  $<HTMLButtonElement>("ctrlc").disabled = !c;
}

function init(): void {
  buildMenu();
  var sel = $<HTMLSelectElement>("target");
  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    connect(choiceOf(sel.value)).catch((err) => status("conn-status", "cannot connect: " + err.message));
  });
  $("disconnect").addEventListener("click", () => { disconnect(); });
  $("run").addEventListener("click", () => { runAll(choiceOf(sel.value)); });
  $("line-form").addEventListener("submit", (e) => {
    e.preventDefault();
    var inp = $<HTMLInputElement>("input"), v = inp.value;
    inp.value = "";
    sendLine(v).catch((err) => termWrite("[" + err.message + "]\n"));
  });
  $("ctrlc").addEventListener("click", () => { if (conn) conn.link.transport.write("\x03"); });
  $("dma-live").addEventListener("change", (e) => {
    if ((e.target as HTMLInputElement).checked) {
      if (!conn) { stopDmaLive(); $("dma").textContent = "connect first"; return; }
      showDma(false);
      dmaTimer = setInterval(() => { showDma(false); }, 500);
    } else stopDmaLive();
  });
  $("flash-btn").addEventListener("click", () => { flashDriver(); });
  $("scenario-count").textContent = String(scenarios.length);
  if (!realms.limits.syncGc) {
    $("gc-note").textContent = "This browser lets the page collect garbage only approximately, so the in-page virtual board frees dropped typed arrays late: " +
      "on the Original's 2,756 variables race-demo can run out of memory. For exact memory, start Chrome or Chromium with --js-flags=--expose-gc.";
  }
  refreshButtons();

  // Unattended: ?board=pico&transport=virtual&run=all
  var q = new URLSearchParams(location.search);
  var tr = q.get("transport") || "virtual", board = q.get("board") || "pico";
  var choice: Choice | null = null;
  if (tr === "virtual") {
    if (VIRTUAL_BOARDS.indexOf(board) < 0) return urlError(board, "unknown board " + JSON.stringify(board) + " in the URL: use one of " + VIRTUAL_BOARDS.join(", "));
    choice = { kind: "virtual", board };
    sel.value = "virtual:" + board;
  } else if ((KINDS as readonly string[]).indexOf(tr) >= 0) {
    choice = { kind: tr as KindName, board: q.get("board") || undefined };
    sel.value = tr;
  } else {
    return urlError(board, "unknown transport " + JSON.stringify(tr) + " in the URL: use virtual, " + KINDS.join(", "));
  }
  // &scenario=a,b runs only those (as `espdma test -s`).
  var names = (q.get("scenario") || "").split(",").filter(Boolean);
  if (choice && q.get("run") === "all") runAll(choice, names.length ? names : undefined);
}

/** A URL that cannot run: said on the page, and as the result automation waits for. */
function urlError(board: string, msg: string): void {
  status("suite-status", msg);
  window.espdmaResults = jsonError(board, [], msg);
  window.espdmaState = "done";
  document.body.dataset.state = "done";
}

init();
