// `npm run bench`: what the board and the user pay, measured the same way each time.
//   npm run bench                 a table (metric, value, target, meaning)
//   npm run bench -- --json       one JSON object {"metrics": {NAME: number|null, ...}} on stdout
//   options: --no-build (measure dist/ as it is), --skip upload,suite,race (leave those out, null)
// Counts come from the virtual board (deterministic); the upload, suite and race figures are
// wall-clock and vary from run to run. The bench never fails: a figure it cannot measure is
// null, with the reason on stderr, and the exit code is 0.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { spawn, spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Table from "cli-table3";
import { BAUD, LINE_BYTES_PER_S } from "./paced-link";
// The parts measured are imported when measured (below), so that one that is broken or
// missing costs only its own figures, not the whole bench.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DRIVER = join(ROOT, "dist", "espdma.min.js");

export type Metrics = { [name: string]: number | null };

interface Spec {
  name: string;
  /** Human-readable target, and a check of it ("" / undefined: no target, informative). */
  target?: string;
  met?: (v: number) => boolean;
  meaning: string;
}

/** Every figure, in the order printed. */
export const SPECS: Spec[] = [
  { name: "bundle_min_bytes", target: "<= 8192", met: (v) => v <= 8192, meaning: "size of dist/espdma.min.js" },
  { name: "bundle_min_gzip_bytes", meaning: "the same, gzipped (level 9): what the code really holds" },
  { name: "reg_access_start_saadc_nrf52", meaning: "nRF52 (Bangle.js 2): peek32/poke32 to prepare, submit and issue a SAADC transfer" },
  { name: "reg_access_terminate_async_nrf52", meaning: "nRF52: terminateAsync() (AMOUNT read, SHORTS = 0, STOP)" },
  { name: "reg_access_synchronize_stopped_nrf52", meaning: "nRF52: synchronize() once STOPPED has come (event read, clears, disable)" },
  { name: "reg_access_poll_idle_nrf52", meaning: "nRF52: one poll with nothing finished (ENABLE, started and end events)" },
  { name: "reg_access_start_memcpy_f4", target: "<= 8", met: (v) => v <= 8, meaning: "peek32/poke32 to prepare, submit and issue a memcpy (Pico)" },
  { name: "reg_access_start_memcpy_f1", target: "<= 8", met: (v) => v <= 8, meaning: "the same on the F1 (Original)" },
  { name: "reg_access_terminate_async_f4", target: "<= 2", met: (v) => v <= 2, meaning: "terminateAsync() of a running transfer" },
  { name: "reg_access_terminate_async_f1", target: "<= 2", met: (v) => v <= 2, meaning: "the same on the F1" },
  { name: "reg_access_synchronize_stopped_f4", target: "<= 3", met: (v) => v <= 3, meaning: "synchronize() after terminateAsync(), stream already stopped" },
  { name: "reg_access_synchronize_stopped_f1", target: "<= 3", met: (v) => v <= 3, meaning: "the same on the F1" },
  { name: "reg_access_poll_idle_f4", meaning: "one poll-timer run while a transfer moves, nothing complete" },
  { name: "reg_access_poll_idle_f1", meaning: "the same on the F1" },
  { name: "terminate_to_stopped_items", target: "<= 1", met: (v) => v <= 1, meaning: "data items moved after terminateAsync() returns (worst case, F4 and F1)" },
  { name: "idle_timers", target: "= 0", met: (v) => v === 0, meaning: "timers left running with nothing in flight (worst case, F4 and F1)" },
  { name: "completion_latency_ms_memcpy_1k", meaning: "issuePending() of a 1 KB memcpy to its callback, simulated ms (Pico)" },
  { name: "completion_latency_ms_paced", target: "<= 1", met: (v) => v <= 1, meaning: "hardware done (TCIF) to callback of a 10 kHz timer-paced transfer, simulated ms (Pico)" },
  { name: "polls_per_memcpy_1k", target: "<= 1", met: (v) => v <= 1, meaning: "provider polls for a 1 KB memcpy, issuePending() to callback (Pico)" },
  { name: "polls_per_paced_transfer", target: "<= 2", met: (v) => v <= 2, meaning: "provider polls for a 256-byte transfer at 10 kHz (known rate: polled when due to end) (Pico)" },
  { name: "polls_per_100ms_unknown_rate", target: "<= 10", met: (v) => v <= 10, meaning: "polls in the first 100 ms of a transfer of unknown rate (no running timer) (virtual F4)" },
  { name: "polls_per_s_unknown_rate", target: "<= 10", met: (v) => v <= 10, meaning: "polls in the second after its first 10 ms (back-off)" },
  { name: "allocs_per_idle_poll", target: "= 0", met: (v) => v === 0, meaning: "objects (literals, closures, new, new arrays, timers) a poll that finds nothing allocates, steady state (instrumented bundle, virtual F4)" },
  { name: "allocs_per_idle_poll_first_200ms", meaning: "the same over the first 200 ms (the back-off re-arms a timeout per poll)" },
  { name: "timers_in_flight_max", target: "<= 1", met: (v) => v <= 1, meaning: "engine timers pending at once while a memcpy and a paced transfer run on two channels" },
  { name: "sg_segment_gap_ms_max", target: "<= 1.1", met: (v) => v <= 1.1, meaning: "scatter-gather 150/50/150/50 items at 1 kHz: longest wait from a segment's TCIF to the next one's start, simulated ms (Pico); at most one item period (the first request's phase) + 0.05" },
  { name: "sg_total_ms", meaning: "the same transfer, issuePending() to callback (400 ms on the wire)" },
  { name: "espruino_vars_before_load", meaning: "variable blocks used on the virtual Pico before loading the bundle" },
  { name: "espruino_vars_after_load", meaning: "variable blocks used after loading dist/espdma.min.js (of 5100)" },
  { name: "real_pico_vars_text_load", target: "<= 1000", met: (v) => v <= 1000, meaning: "real interpreter ($ESPRUINO_PICO, Pico layout): blocks kept after typing dist/espdma.min.js into the REPL (null: out of memory, or no $ESPRUINO_PICO)" },
  { name: "real_pico_vars_text_peak", target: "<= 2000", met: (v) => v <= 2000, meaning: "real, Pico layout: blocks in use right after the bundle's line ran, its text still held by the REPL (null: out of memory)" },
  { name: "real_pico_vars_storage_load", meaning: "real, Pico layout: blocks kept after eval(require(\"Storage\").read(f)) of the bundle (as flashed; code stays in flash)" },
  { name: "real_pico_vars_storage_first_request", meaning: "real, Pico layout: blocks the first setup() + requestChannel() adds (from Storage)" },
  { name: "real_pico_vars_storage_memcpy", meaning: "real, Pico layout: blocks after one 64-byte memcpy and its callback (buffers apart)" },
  { name: "real_pico_vars_flashed_total", target: "<= 500", met: (v) => v <= 500, meaning: "real, Pico layout: from Storage, load + first requestChannel + one memcpy" },
  { name: "real_pico_vars_text_first_request", meaning: "real, Pico layout: the first setup() + requestChannel() after loading as text" },
  { name: "real_pico_vars_text_memcpy", meaning: "real, Pico layout: one 64-byte memcpy and its callback after loading as text (buffers apart)" },
  { name: "real_pico_vars_require_load", meaning: "real, Pico layout: blocks kept after require(\"espdma\") of the bundle saved as Storage file \"espdma\"" },
  { name: "real_pico_vars_require_first_request", meaning: "real, Pico layout: the first requestChannel() after require()" },
  { name: "real_pico_vars_require_memcpy", meaning: "real, Pico layout: one 64-byte memcpy after require()" },
  { name: "virtual_pico_vars_text_load", meaning: "the same figures on the virtual Pico (its own memory model): kept after loading as text (null: out of memory)" },
  { name: "virtual_pico_vars_text_peak", meaning: "virtual Pico: blocks in use right after the bundle's line ran (text still held)" },
  { name: "virtual_pico_vars_text_first_request", meaning: "virtual Pico: first requestChannel() after text" },
  { name: "virtual_pico_vars_text_memcpy", meaning: "virtual Pico: one memcpy after text" },
  { name: "virtual_pico_vars_storage_load", meaning: "virtual Pico: load from Storage" },
  { name: "virtual_pico_vars_storage_first_request", meaning: "virtual Pico: first requestChannel() after Storage" },
  { name: "virtual_pico_vars_storage_memcpy", meaning: "virtual Pico: one memcpy after Storage" },
  { name: "virtual_pico_vars_flashed_total", target: "<= 500", met: (v) => v <= 500, meaning: "virtual Pico: from Storage, load + first requestChannel + one memcpy" },
  { name: "virtual_pico_vars_require_load", meaning: "virtual Pico: require(\"espdma\") from Storage" },
  { name: "virtual_pico_vars_require_first_request", meaning: "virtual Pico: first requestChannel() after require()" },
  { name: "virtual_pico_vars_require_memcpy", meaning: "virtual Pico: one memcpy after require()" },
  { name: "real_original_vars_flashed_total", meaning: "real interpreter ($ESPRUINO_ORIGINAL: 2,756 variables of 13 bytes): from Storage, load + first requestChannel + one memcpy" },
  { name: "real_original_vars_free_after_flashed", meaning: "real, Original layout: blocks still free after that" },
  { name: "real_original_vars_driver_agent_load", meaning: "real, Original layout: blocks kept by driver + test agent loaded from Storage, as espdma test loads them there" },
  { name: "real_original_vars_free_after_agent", target: ">= 689", met: (v) => v >= 689, meaning: "real, Original layout: blocks free after the agent's memcpy scenario (DMA stand-in from Storage too); target: a quarter of the board spare" },
  { name: "real_original_agent_ok", target: "= 1", met: (v) => v === 1, meaning: "real, Original layout: the agent reported that run done and ok (1) or not (0)" },
  { name: "real_cost_peek32_us", meaning: "real interpreter ($ESPRUINO, 64-bit Linux build): one bare peek32 call of the DMA stand-in, us (best of 7 rounds of 1000)" },
  { name: "real_cost_terminate_async_peek32", meaning: "real: terminateAsync() of an idle channel, in peek32 calls (same loop, same run)" },
  { name: "real_cost_synchronize_stopped_peek32", target: "<= 10", met: (v) => v <= 10, meaning: "real: synchronize() on a stopped stream, in peek32 calls (another channel in flight)" },
  { name: "real_cost_poll_peek32", meaning: "real: one provider poll that finds nothing, in peek32 calls" },
  { name: "upload_bytes_per_s", meaning: "bundle bytes / link time of `espdma flash` at " + BAUD + " baud" },
  { name: "upload_line_rate_ratio", target: ">= 0.9", met: (v) => v >= 0.9, meaning: "upload_bytes_per_s / line rate (" + LINE_BYTES_PER_S + " bytes/s, 8N1)" },
  { name: "upload_wire_bytes_ratio", meaning: "bytes espdma flash sends on the line / bundle bytes (protocol overhead)" },
  { name: "espruino_cli_bytes_per_s", meaning: "bundle bytes / link time of the `espruino` CLI, same line" },
  { name: "upload_vs_espruino_cli", target: "> 1", met: (v) => v > 1, meaning: "espruino CLI link time / espdma flash link time (>1: we are faster)" },
  { name: "scenario_suite_s", meaning: "wall time of `espdma test --virtual pico`" },
  { name: "race_schedules_per_min", meaning: "race search throughput (host/race, pico, no mutants), wall clock" },
];

interface Options {
  json: boolean;
  build: boolean;
  skip: string[];
}

function parseArgs(argv: string[]): Options {
  var o: Options = { json: false, build: true, skip: [] };
  for (var i = 0; i < argv.length; i++) {
    var a = argv[i];
    if (a === "--json") o.json = true;
    else if (a === "--no-build") o.build = false;
    else if (a === "--skip") o.skip = o.skip.concat(String(argv[++i] || "").split(",").filter(Boolean));
    else if (a === "-h" || a === "--help") {
      process.stderr.write("usage: npm run bench [-- --json] [--no-build] [--skip upload,suite,race]\n");
      process.exit(0);
    } else process.stderr.write("bench: ignoring unknown argument " + a + "\n");
  }
  return o;
}

/** Run one measurement; on failure its figures stay null and the reason goes to stderr. */
async function measure(m: Metrics, names: string[], what: string, fn: () => Promise<Metrics | void> | Metrics | void): Promise<void> {
  try {
    var got = await fn();
    if (got) for (const k in got) m[k] = got[k];
  } catch (e: any) {
    for (const n of names) m[n] = null;
    process.stderr.write("bench: " + names.join(", ") + " = null: " + what + " failed: " + (e && e.message ? e.message : String(e)) + "\n");
  }
}

function skipped(m: Metrics, names: string[], why: string): void {
  for (const n of names) m[n] = null;
  process.stderr.write("bench: " + names.join(", ") + " = null: " + why + "\n");
}

function build(): void {
  var r = spawnSync(process.execPath, [join(ROOT, "node_modules", "rollup", "dist", "bin", "rollup"), "-c", "rollup.config.js"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error("npm run build failed: " + (r.stderr || "").trim().split("\n").slice(-3).join(" | "));
}

/** Upload runs per tool: the fastest counts (wall-clock noise only ever slows a run down). */
var UPLOAD_RUNS = 2;

async function bestOf<T extends { ms: number }>(n: number, fn: () => Promise<T>): Promise<T> {
  var best: T | null = null;
  for (var i = 0; i < n; i++) {
    var r = await fn();
    if (!best || r.ms < best.ms) best = r;
  }
  return best as T;
}

function round(v: number, digits: number): number {
  var f = Math.pow(10, digits);
  return Math.round(v * f) / f;
}

/** `espdma test --virtual pico` as a user runs it (a child process), timed. */
function scenarioSuite(): Promise<number> {
  return new Promise((resolve, reject) => {
    var t0 = performance.now();
    var cp = spawn(process.execPath, [join(ROOT, "bin", "espdma.js"), "test", "--virtual", "pico", "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    var out = "", err = "";
    cp.stdout.on("data", (d) => { out += d; });
    cp.stderr.on("data", (d) => { err += d; });
    cp.on("error", reject);
    cp.on("close", (code) => {
      var s = (performance.now() - t0) / 1000;
      if (code === 0) return resolve(s);
      if (code === 1) {
        // Some scenario failed: the time is still the suite's; say which failed.
        try {
          var j = JSON.parse(out);
          process.stderr.write("bench: scenario suite ran with " + j.failed + " failing scenario(s): " + j.scenarios.filter((x: any) => !x.passed).map((x: any) => x.name).join(", ") + "\n");
        } catch (e) { /* not JSON: reported below as a failure */ }
        if (out) return resolve(s);
      }
      reject(new Error("espdma test exited with " + code + ": " + (err || out).trim().split("\n").slice(-2).join(" | ")));
    });
  });
}

/** Fill m (every figure starts null) with what can be measured. */
export async function runBench(o: Options, m: Metrics): Promise<Metrics> {
  for (const s of SPECS) m[s.name] = null;
  var log = (s: string) => { if (!o.json) process.stderr.write(s + "\n"); };

  var code: string | null = null;
  await measure(m, ["bundle_min_bytes", "bundle_min_gzip_bytes"], "building and reading dist/espdma.min.js", () => {
    if (o.build) { log("building..."); build(); }
    if (!existsSync(DRIVER)) throw new Error("no " + DRIVER + ": run npm run build");
    var raw = readFileSync(DRIVER);
    code = raw.toString("latin1");
    return { bundle_min_bytes: raw.length, bundle_min_gzip_bytes: gzipSync(raw, { level: 9 }).length };
  });

  log("counting register accesses...");
  for (const [board, sfx] of [["pico", "f4"], ["original", "f1"]]) {
    var names = ["start_memcpy", "terminate_async", "synchronize_stopped", "poll_idle"].map((n) => "reg_access_" + n + "_" + sfx);
    await measure(m, names, "the register count on " + board, async () => {
      var c = (await import("./driver")).registerCounts(board);
      var r: Metrics = {};
      r["reg_access_start_memcpy_" + sfx] = c.start_memcpy;
      r["reg_access_terminate_async_" + sfx] = c.terminate_async;
      r["reg_access_synchronize_stopped_" + sfx] = c.synchronize_stopped;
      r["reg_access_poll_idle_" + sfx] = c.poll_idle;
      return r;
    });
  }
  var nn = ["start_saadc", "terminate_async", "synchronize_stopped", "poll_idle"];
  await measure(m, nn.map((n) => "reg_access_" + n + "_nrf52"), "the register count on banglejs2", async () => {
    var c: any = (await import("./nrf52")).nrf52RegisterCounts("banglejs2"), r: Metrics = {};
    for (const n of nn) r["reg_access_" + n + "_nrf52"] = c[n];
    return r;
  });
  await measure(m, ["terminate_to_stopped_items"], "the terminate run", async () => {
    var d = await import("./driver");
    return { terminate_to_stopped_items: Math.max(d.terminateToStoppedItems("pico"), d.terminateToStoppedItems("original")) };
  });
  await measure(m, ["idle_timers"], "the idle-timer run", async () => {
    var d = await import("./driver");
    return { idle_timers: Math.max(d.idleTimers("pico"), d.idleTimers("original")) };
  });
  await measure(m, ["completion_latency_ms_memcpy_1k", "completion_latency_ms_paced"], "the latency run", async () => {
    var l = (await import("./driver")).completionLatency("pico");
    return { completion_latency_ms_memcpy_1k: round(l.memcpy1k, 3), completion_latency_ms_paced: round(l.paced, 3) };
  });

  await measure(m, ["polls_per_memcpy_1k", "polls_per_paced_transfer", "timers_in_flight_max"], "the poll count run", async () => {
    var p = (await import("./driver")).pollFigures("pico");
    return { polls_per_memcpy_1k: p.memcpyPolls, polls_per_paced_transfer: p.pacedPolls, timers_in_flight_max: p.timersInFlight };
  });
  await measure(m, ["sg_segment_gap_ms_max", "sg_total_ms"], "the scatter-gather run", async () => {
    var g = (await import("./driver")).sgFigures("pico");
    return { sg_segment_gap_ms_max: round(g.maxGapMs, 3), sg_total_ms: round(g.totalMs, 2) };
  });
  var idle = ["allocs_per_idle_poll", "allocs_per_idle_poll_first_200ms", "polls_per_100ms_unknown_rate", "polls_per_s_unknown_rate"];
  await measure(m, idle, "the idle-poll run (instrumented dist/espdma.js)", async () => {
    var src = join(ROOT, "dist", "espdma.js");
    if (!existsSync(src)) throw new Error("no " + src + ": run npm run build");
    var f = (await import("./allocs")).idlePollFigures(readFileSync(src, "latin1"));
    return { allocs_per_idle_poll: round(f.allocsPerIdlePoll, 3), allocs_per_idle_poll_first_200ms: round(f.allocsPerIdlePollFirst200ms, 3), polls_per_100ms_unknown_rate: f.pollsFirst100ms, polls_per_s_unknown_rate: f.pollsPerSecondAfter10ms };
  });

  await measure(m, ["espruino_vars_before_load", "espruino_vars_after_load"], "loading the bundle on the virtual Pico", async () => {
    if (code === null) throw new Error("no bundle");
    var { createVirtualBoard } = await import("../virtual-board/index");
    var empty = createVirtualBoard({ board: "pico" });
    var before = empty.eval("process.memory().usage") as number;
    empty.close();
    var vb = createVirtualBoard({ board: "pico", bundle: code });
    var after = vb.eval("process.memory().usage") as number;
    vb.close();
    if (typeof after !== "number") throw new Error("process.memory() gave no usage");
    return { espruino_vars_before_load: before, espruino_vars_after_load: after };
  });

  // The same memory figures on the real interpreter (prefix real_pico_) and the virtual Pico
  // (virtual_pico_), from the same programs (test/real-interpreter/memory.ts).
  var memKeys = (p: string) => ["text_peak", "text_load", "text_first_request", "text_memcpy", "storage_load", "storage_first_request", "storage_memcpy", "flashed_total", "require_load", "require_first_request", "require_memcpy"]
    .map((k) => p + k).filter((k) => SPECS.some((s) => s.name === k));
  var memFigures = async (bin: string | null, p: string): Promise<Metrics> => {
    if (code === null) throw new Error("no bundle");
    var f = await (await import("./real")).realMemory(bin, code), r: Metrics = {};
    f.flashed_total = f.storage_load === null || f.storage_first_request === null || f.storage_memcpy === null ? null : (f.storage_load as number) + (f.storage_first_request as number) + (f.storage_memcpy as number);
    for (var k of memKeys(p)) r[k] = f[k.slice(p.length)] === undefined ? null : f[k.slice(p.length)];
    return r;
  };
  var rm = memKeys("real_pico_vars_");
  if (!process.env.ESPRUINO_PICO) skipped(m, rm, "set ESPRUINO_PICO to an Espruino Linux build with the Pico's 5,100 variables (README: Benchmarks)");
  else await measure(m, rm, "the real interpreter's memory run ($ESPRUINO_PICO)", () => memFigures(process.env.ESPRUINO_PICO as string, "real_pico_vars_"));
  await measure(m, memKeys("virtual_pico_vars_"), "the virtual Pico's memory run", () => memFigures(null, "virtual_pico_vars_"));
  var ro = ["real_original_vars_flashed_total", "real_original_vars_free_after_flashed", "real_original_vars_driver_agent_load", "real_original_vars_free_after_agent", "real_original_agent_ok"];
  if (!process.env.ESPRUINO_ORIGINAL) skipped(m, ro, "set ESPRUINO_ORIGINAL to an Espruino Linux build with the Original's 2,756 variables (README: Benchmarks)");
  else await measure(m, ro, "the real interpreter's Original run ($ESPRUINO_ORIGINAL)", async () => {
    if (code === null) throw new Error("no bundle");
    var agent = join(ROOT, "dist", "espdma-agent.min.js");
    if (!existsSync(agent)) throw new Error("no " + agent + ": run npm run build");
    var f = await (await import("./real")).realOriginal(process.env.ESPRUINO_ORIGINAL as string, code, readFileSync(agent, "latin1"));
    return { real_original_vars_flashed_total: f.flashed, real_original_vars_free_after_flashed: f.free_after_flashed, real_original_vars_driver_agent_load: f.agent_loaded,
      real_original_vars_free_after_agent: f.free_after_agent, real_original_agent_ok: f.agent_ok };
  });
  var rc = ["real_cost_peek32_us", "real_cost_terminate_async_peek32", "real_cost_synchronize_stopped_peek32", "real_cost_poll_peek32"];
  if (!process.env.ESPRUINO) skipped(m, rc, "set ESPRUINO to an Espruino Linux build (README: Benchmarks)");
  else await measure(m, rc, "the real interpreter's cost run ($ESPRUINO)", async () => {
    if (code === null) throw new Error("no bundle");
    var c = await (await import("./real")).realCost(process.env.ESPRUINO as string, code, false);
    return { real_cost_peek32_us: round(c.us.peek32 - c.us.empty, 2), real_cost_terminate_async_peek32: round(c.x.terminateAsync, 1),
      real_cost_synchronize_stopped_peek32: round(c.x.synchronize, 1), real_cost_poll_peek32: round(c.x.poll, 1) };
  });

  var up = ["upload_bytes_per_s", "upload_line_rate_ratio", "upload_wire_bytes_ratio", "espruino_cli_bytes_per_s", "upload_vs_espruino_cli"];
  if (o.skip.indexOf("upload") >= 0) skipped(m, up, "--skip upload");
  else {
    log("uploading over a virtual line at " + BAUD + " baud (espdma flash, then the espruino CLI)...");
    var ours: { bytes: number; ms: number; wireBytes: number } | null = null;
    await measure(m, up.slice(0, 3), "espdma flash", async () => {
      if (code === null) throw new Error("no bundle");
      var u = await import("./upload");
      ours = await bestOf(UPLOAD_RUNS, () => u.uploadEspdma(code as string));
      var bps = ours.bytes / (ours.ms / 1000);
      return { upload_bytes_per_s: Math.round(bps), upload_line_rate_ratio: round(bps / LINE_BYTES_PER_S, 3), upload_wire_bytes_ratio: round(ours.wireBytes / ours.bytes, 3) };
    });
    await measure(m, up.slice(3), "the espruino CLI upload", async () => {
      if (code === null) throw new Error("no bundle");
      var u = await import("./upload");
      var theirs = await bestOf(UPLOAD_RUNS, () => u.uploadEspruinoCli(DRIVER, (code as string).length));
      var r: Metrics = { espruino_cli_bytes_per_s: Math.round(theirs.bytes / (theirs.ms / 1000)) };
      if (ours) r.upload_vs_espruino_cli = round(theirs.ms / (ours as { ms: number }).ms, 3);
      else skipped(m, ["upload_vs_espruino_cli"], "espdma flash was not measured");
      return r;
    });
  }

  if (o.skip.indexOf("suite") >= 0) skipped(m, ["scenario_suite_s"], "--skip suite");
  else {
    log("running the scenario suite...");
    await measure(m, ["scenario_suite_s"], "espdma test --virtual pico", async () => ({ scenario_suite_s: round(await scenarioSuite(), 2) }));
  }

  if (o.skip.indexOf("race") >= 0) skipped(m, ["race_schedules_per_min"], "--skip race");
  else {
    log("running a short race search...");
    await measure(m, ["race_schedules_per_min"], "the race search", async () => {
      var r = (await import("../race/run")).runRace({ board: "pico", schedules: 1000, mutant: "none", shrink: false });
      if (r.violations) process.stderr.write("bench: the race search found " + r.violations + " violation(s): run `espdma race` to see them\n");
      if (!(r.ms > 0)) throw new Error("the search took no measurable time");
      return { race_schedules_per_min: Math.round(r.schedules / (r.ms / 60000)) };
    });
  }
  return m;
}

export function table(m: Metrics): string {
  var t = new Table({ head: ["metric", "value", "target", "met", "what it is"], style: { head: [], border: [], compact: true }, wordWrap: true, colWidths: [35, 9, 9, 5, 64] });
  for (const s of SPECS) {
    var v = m[s.name];
    var met = v === null || v === undefined || !s.met ? "" : s.met(v) ? "yes" : "NO";
    t.push([s.name, v === null || v === undefined ? "null" : String(v), s.target || "", met, s.meaning]);
  }
  return t.toString();
}

async function main(): Promise<void> {
  var o = parseArgs(process.argv.slice(2));
  var m: Metrics = {};
  try {
    await runBench(o, m);
  } catch (e: any) {
    // Never fail the build: whatever broke, report what was measured before it.
    process.stderr.write("bench: " + (e && e.stack ? e.stack : String(e)) + "\n");
  }
  if (o.json) process.stdout.write(JSON.stringify({ metrics: m }) + "\n");
  else process.stdout.write(table(m) + "\n");
  process.exitCode = 0;
}

if (process.argv[1] && /bench\.ts$/.test(process.argv[1])) {
  main().then(() => process.exit(0), () => process.exit(0));
}
