// The code the host uploads: the driver bundle and the agent bundle (dist/). Builds them when
// missing: the driver with the project's rollup config (which also writes the agent), the agent
// in memory when dist/ has the driver but not the agent (a dist/ built before the agent existed).
import { existsSync } from "node:fs";
import { asciiCode, readCode } from "../link/code";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DRIVER = join(ROOT, "dist", "espdma.min.js");
/** The nRF52 boards' bundle (firmware/index-nrf52.ts). */
export const DRIVER_NRF52 = join(ROOT, "dist", "espdma-nrf52.min.js");
const AGENT = join(ROOT, "dist", "espdma-agent.min.js");

export class BuildError extends Error {}

/** Run `rollup -c` when dist/espdma.min.js is missing. */
export function ensureBuilt(log: (s: string) => void = () => {}): void {
  if (existsSync(DRIVER) && existsSync(DRIVER_NRF52)) return;
  log("dist/espdma.min.js missing: building (npm run build)...");
  var r = spawnSync(process.execPath, [join(ROOT, "node_modules", "rollup", "dist", "bin", "rollup"), "-c", "rollup.config.js"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 || !existsSync(DRIVER)) throw new BuildError("Building the firmware failed: run `npm run build` to see why.\n" + (r.stderr || "").slice(-2000));
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
