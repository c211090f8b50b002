// The code the host uploads: the driver bundle and the agent bundle (dist/). Builds them when
// missing: the driver with the project's rollup config (which also writes the agent), the agent
// in memory when dist/ has the driver but not the agent (a dist/ built before the agent existed).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { asciiCode } from "../link/code";
import { readCode } from "../link/code-file";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { basename, dirname, join, sep } from "node:path";

/** The package's root (where dist/ and package.json are): two levels up from this file in
 * the sources (host/scenarios/), three in the compiled host (build/host/scenarios/). */
export const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(dir: string): string {
  for (var d = dir; ; d = dirname(d)) {
    var pj = join(d, "package.json");
    if (existsSync(pj) && /"name"\s*:\s*"espdma"/.test(readFileSync(pj, "utf8"))) return d;
    if (dirname(d) === d) return join(dir, "..", "..");
  }
}
export const DRIVER = join(ROOT, "dist", "espdma.min.js");
/** The nRF52 boards' bundle (firmware/index-nrf52.ts). */
export const DRIVER_NRF52 = join(ROOT, "dist", "espdma-nrf52.min.js");
const AGENT = join(ROOT, "dist", "espdma-agent.min.js");

export class BuildError extends Error {}

/** What the bundles are built from: when one is newer than dist/, dist/ is stale. */
const SOURCES = ["firmware", "boards", "rollup.config.js", "tsconfig.firmware.json"];

/** The newest source file (path relative to ROOT, mtime), or null without sources (an
 * installed package ships dist/ only). */
export function newestSource(root = ROOT): { path: string; mtimeMs: number } | null {
  var best: { path: string; mtimeMs: number } | null = null;
  var visit = (rel: string): void => {
    var p = join(root, rel), st;
    try { st = statSync(p); } catch (e) { return; }
    if (st.isDirectory()) { for (const n of readdirSync(p)) visit(join(rel, n)); return; }
    if (!/\.(ts|js|json)$/.test(rel)) return;
    if (!best || st.mtimeMs > best.mtimeMs) best = { path: rel, mtimeMs: st.mtimeMs };
  };
  if (!existsSync(join(root, "firmware"))) return null;
  for (const s of SOURCES) visit(s);
  return best;
}

/** Why dist/ must be (re)built, or null when it is up to date. */
export function staleReason(root = ROOT): string | null {
  var outs = [join(root, "dist", "espdma.min.js"), join(root, "dist", "espdma.js")];
  if (existsSync(join(root, "firmware", "index-nrf52.ts"))) outs.push(join(root, "dist", "espdma-nrf52.min.js"));
  if (existsSync(join(root, "firmware", "agent", "index.ts"))) outs.push(join(root, "dist", "espdma-agent.min.js"));
  var oldest = Infinity;
  for (const o of outs) {
    if (!existsSync(o)) return "dist/" + basename(o) + " missing";
    oldest = Math.min(oldest, statSync(o).mtimeMs);
  }
  var src = newestSource(root);
  return src && src.mtimeMs > oldest ? "dist/ is older than " + src.path.split(sep).join("/") : null;
}

/** Run `rollup -c` when dist/ is missing or older than a firmware or board source, and say so
 * (`test`, `flash`, `repl`, `start` never run a stale bundle). */
export function ensureBuilt(log: (s: string) => void = () => {}): void {
  var why = staleReason();
  if (!why) return;
  if (!existsSync(join(ROOT, "firmware"))) throw new BuildError(why + ", and this copy of espdma has no firmware sources to build it from: reinstall the package.");
  var rollup = join(ROOT, "node_modules", "rollup", "dist", "bin", "rollup");
  if (!existsSync(rollup)) throw new BuildError(why + ", and rollup (a devDependency) is not installed: run `npm install`, then `npm run build`.");
  log(why + ": building (npm run build)...");
  var r = spawnSync(process.execPath, [rollup, "-c", "rollup.config.js"], { cwd: ROOT, encoding: "utf8" });
  // Only missing output is a failure: a source dated in the future (clock skew) stays "newer".
  if (r.status !== 0 || staleReason()?.endsWith(" missing")) throw new BuildError("Building the firmware failed: run `npm run build` to see why.\n" + (r.stderr || "").slice(-2000));
}

var agentCache: string | null = null;

/** The agent bundle: dist/espdma-agent.min.js, or built in memory from firmware/agent/index.ts. */
export async function agentSource(): Promise<string> {
  if (existsSync(AGENT)) return readCode(AGENT);
  if (agentCache) return agentCache;
  var { rollup } = await import("rollup");
  var ts = (await import("@rollup/plugin-typescript")).default;
  var terser = (await import("@rollup/plugin-terser")).default;
  // The same minifier settings as `npm run build` (internal `_` names shortened).
  var { terserOptions } = await import(pathToFileURL(join(ROOT, "rollup.config.js")).href);
  var b = await rollup({
    input: join(ROOT, "firmware", "agent", "index.ts"),
    plugins: [ts({ tsconfig: join(ROOT, "tsconfig.firmware.json"), noEmitOnError: true, include: ["firmware/agent/**/*.ts"] }) as any],
    logLevel: "silent",
  });
  var out = await b.generate({ format: "iife", name: "espdmaAgent", strict: false, plugins: [terser(terserOptions) as any] });
  await b.close();
  agentCache = asciiCode(out.output[0].code);
  return agentCache;
}

/** The driver bundle for a board family (the nRF52 boards have their own). */
export function driverSource(family?: string): string {
  return readCode(family === "NRF52" ? DRIVER_NRF52 : DRIVER);
}
