// Measures what the drivers and the board data add to the minified bundle: the real build
// (rollup + TypeScript + terser with rollup.config.js's options) of firmware/index.ts, once as
// is and once with firmware/drivers/index.ts replaced by a stub; and the drivers alone (what
// createBoardProvider pulls in, the core left out), which does not move when the core changes.
// As a script it prints both (and with --show the drivers' minified code):
//   node --import tsx test/drivers/size.ts [--show]
import { rollup, Plugin } from "rollup";
// @ts-ignore: a plain .mjs module of the build
import tsEs5 from "../../scripts/ts-es5.mjs";
import { minify } from "terser";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

var ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
var DRIVERS = resolve(ROOT, "firmware/drivers/index.ts");
var STUB = "export function createBoardProvider(p, n) { throw new Error('no drivers'); }\nexport function boardRow(p, n) { throw new Error('no drivers'); }\nexport function pace(p, t, h) { throw new Error('no drivers'); }";

async function terserOptions(): Promise<any> {
  var cfg: any = await import(pathToFileURL(resolve(ROOT, "rollup.config.js")).href);
  // A deep copy per build: terser keeps state in the nested option objects (the property
  // mangler's names), which would make one measurement depend on the one before.
  return structuredClone(cfg.terserOptions || { ecma: 5, compress: { passes: 2 }, format: { comments: false } });
}

/** Replaces the drivers entry point by a stub exporting the name the core uses. */
function stubDrivers(): Plugin {
  return { name: "stub-drivers", load: (id) => (id === DRIVERS ? STUB : null) };
}

/** An entry module "\0drivers-only" that re-exports only what the core imports of the drivers. */
function driversOnly(): Plugin {
  var id = "\0drivers-only";
  return {
    name: "drivers-only",
    resolveId: (s) => (s === id ? id : null),
    load: (s) => (s === id ? "export { createBoardProvider } from " + JSON.stringify(DRIVERS) + ";" : null),
  };
}

async function build(input: string, plugins: Plugin[], external?: RegExp[]): Promise<string> {
  var b = await rollup({
    input: input[0] === "\0" ? input : resolve(ROOT, input),
    external,
    plugins: [...plugins, tsEs5(resolve(ROOT, "tsconfig.firmware.json")) as Plugin],
    onwarn() {},
  });
  var out = await b.generate({ format: external ? "esm" : "iife", name: "espdma", strict: false });
  await b.close();
  var m = await minify(out.output[0].code, { ...(await terserOptions()), module: !!external });
  return m.code!;
}

/** Minified bytes of the whole bundle (firmware/index.ts built as dist/espdma.min.js is, give
 * or take the final newline). */
export async function bundleBytes(): Promise<number> {
  return (await build("firmware/index.ts", [])).length;
}

/** Minified bytes of the whole bundle, of the bundle without the drivers, and their difference
 * (the drivers + the board data they pull in). */
export async function driverBundleBytes(): Promise<{ total: number; withoutDrivers: number; drivers: number }> {
  var full = (await build("firmware/index.ts", [])).length, bare = (await build("firmware/index.ts", [stubDrivers()])).length;
  return { total: full, withoutDrivers: bare, drivers: full - bare };
}

/** Minified bytes of the drivers and board data alone (the core's modules left external). */
export async function driversOnlyBytes(show?: boolean): Promise<number> {
  var code = await build("\0drivers-only", [driversOnly()], [/dmaengine/]);
  if (show) console.log(code + "\n");
  // The import of the core's errors module and the export statement are not driver code.
  return code.replace(/^import[^;]*;/, "").replace(/export\{[^}]*\};?$/, "").length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  (async () => {
    console.log(`minified: drivers + boards alone ${await driversOnlyBytes(process.argv.includes("--show"))} B`);
    var r = await driverBundleBytes().catch((e) => ({ error: e.message }) as any);
    if (r.error) console.log("bundle: does not build now (" + r.error.split("\n")[0] + ")");
    else console.log(`minified: bundle ${r.total} B, without drivers ${r.withoutDrivers} B, drivers + boards ${r.drivers} B`);
  })();
}
