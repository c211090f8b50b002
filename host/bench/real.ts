// The bench's real-interpreter figures: RAM on the Pico layout ($ESPRUINO_PICO: Espruino 2v29
// built with the Pico's 5,100 variables of 13 bytes) and interpreter cost in peek32 calls
// ($ESPRUINO). Both run the built bundle over the DMA stand-in (test/real-interpreter); without
// the variable the figures are null and the bench says why.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

// The measuring code lives with the real-interpreter tests, which the npm package leaves out:
// loaded by path at run time (a static import would break the package's build).
var RI = ["..", "..", "test", "real-interpreter"];
async function ri(name: string): Promise<any> {
  return import(join(HERE, ...RI, name + ".ts"));
}

var HERE = dirname(fileURLToPath(import.meta.url));
var STANDIN = join(HERE, ...RI, "dma-standin.js");

/** Blocks on the Pico layout, per way of loading (memory.ts says what each step is): on the
 * real interpreter named by bin, or on the virtual Pico when bin is null. */
export async function realMemory(bin: string | null, bundle: string): Promise<{ [k: string]: number | null }> {
  var r: { [k: string]: number | null } = {}, { memoryWays, parseFigures } = await ri("memory"), { runOnEspruino, runOnVirtual } = await ri("run");
  for (var w of memoryWays(bundle) as any[]) {
    var lines: string[] = bin ? runOnEspruino(bin, w).lines : await runOnVirtual(w), f: any = null;
    if (!lines.some((l) => /MEMORY/.test(l))) {
      try { f = parseFigures(lines); } catch (e) { f = null; }
    }
    var key = w.name === "as text" ? "text" : w.name === "from Storage" ? "storage" : "require";
    r[key + "_load"] = f ? f.loaded - f.before : null;
    if (key === "text") r.text_peak = f && f.peak !== undefined ? f.peak - f.before : null;
    r[key + "_first_request"] = f ? f.requested - f.ready : null;
    r[key + "_memcpy"] = f && f.copied !== undefined ? f.copied - f.bufs : null;
  }
  return r;
}

/** Cost of terminateAsync(), synchronize() on a stopped stream and a poll, in peek32 calls. */
export async function realCost(bin: string, bundle: string, native: boolean): Promise<any> {
  var { runOnEspruino } = await ri("run");
  var stdin = "echo(0);\nvar nativePeek = peek32;\n" + (native ? "var NATIVE = 1;\n" : "") + readFileSync(STANDIN, "utf8") + "\n" + bundle + "\n" + readFileSync(join(HERE, "real-cost.js"), "utf8") + "\n";
  var lines: string[] = runOnEspruino(bin, { name: "cost", runs: [{ stdin }] }).lines;
  var l = lines.find((x) => x.indexOf("COST ") === 0);
  if (!l) throw new Error("no COST line: " + lines.filter((x: string) => !/^\s/.test(x) && !/^USED VAR/.test(x)).slice(0, 8).join(" | "));
  return JSON.parse(l.slice(5));
}

/** The Original's layout ($ESPRUINO_ORIGINAL: 2,756 variables of 13 bytes): the driver as
 * flashed (load + first requestChannel + one memcpy), and driver + test agent from Storage
 * running the agent's memcpy scenario (memory.ts agentWay): blocks free after it, and whether
 * the agent reported the run ok. */
export async function realOriginal(bin: string, bundle: string, agent: string): Promise<{ [k: string]: number | null }> {
  var { memoryWays, parseFigures, agentWay, agentFigures } = await ri("memory"), { runOnEspruino } = await ri("run");
  var r: { [k: string]: number | null } = { flashed: null, free_after_flashed: null, agent_loaded: null, free_after_agent: null, agent_ok: null };
  var w = (memoryWays(bundle) as any[]).filter((x) => x.name === "from Storage")[0], f: any = null;
  try { f = parseFigures(runOnEspruino(bin, w).lines); } catch (e) { f = null; }
  if (f && f.copied !== undefined) {
    // (the stand-in, typed in between load and first use, is left out, as on the Pico)
    r.flashed = f.loaded - f.before + (f.requested - f.ready) + (f.copied - f.bufs);
    r.free_after_flashed = f.total - f.copied;
  }
  var a = agentFigures(runOnEspruino(bin, agentWay(bundle, agent)).lines);
  if (a) {
    r.agent_loaded = a.loaded - a.before;
    r.free_after_agent = a.total - a.ran;
    r.agent_ok = a.ok ? 1 : 0;
  }
  return r;
}
