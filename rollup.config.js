// Builds the firmware: one ES5 bundle, readable (dist/espdma.js) and minified (dist/espdma.min.js),
// and, once firmware/agent/index.ts exists, the on-board test agent (dist/espdma-agent*.js).
// TypeScript 5.9 is pinned because it is the last line that emits ES5 (TS 7 removed target ES5).
import tsEs5 from "./scripts/ts-es5.mjs";
import terser from "@rollup/plugin-terser";
import { existsSync } from "node:fs";

const banner = "/* espdma: DMA driver for Espruino boards (ES5 bundle) */";
const agentBanner = "/* espdma-agent: on-board scenario agent for espdma (ES5 bundle) */";

// ES5 output, no ES2015 assumptions in the minifier either (the bundles must parse as ES5).
// On Espruino the uploaded source stays in RAM (function bodies are kept as text), so every
// byte of the minified bundle is a byte of the user's heap. Hence:
// - property names starting with "_" are internal by convention (firmware/dmaengine/channel.ts)
//   and shortened; public API, provider and platform contract names never start with "_";
// - three compress passes. Measured on the 13.9 KB bundle (2026-11): more passes, inline,
//   hoist_props/reduce_funcs, pure_getters gain 0-13 bytes; all the `unsafe*` options together
//   42 bytes and booleans_as_integers 26, and both can change semantics (NaN comparisons,
//   `true` becoming 1 in what the API returns): not worth it. `toplevel` would drop the
//   `espdma` global itself. The size is won in the source (firmware/dmaengine/channel.ts).
export const terserOptions = {
  ecma: 5, ie8: false, safari10: false,
  // hoist_vars + hoist_funs put every var and function declaration at the top of its scope,
  // so no output can use a name before its declaration (Espruino hoists neither: the default
  // options inlined a function as `e=n; ... var e;`, which wrote an outer `e`). Cost, measured
  // 2026-12: +28 bytes on the driver (14,144 -> 14,172), +3 on the agent.
  compress: { passes: 3, hoist_vars: true, hoist_funs: true },
  mangle: { properties: { regex: /^_/ } },
  // ASCII only: Storage and the REPL take bytes; "\xff" must not become a UTF-8 character.
  format: { comments: false, ascii_only: true },
};
const minify = () => terser(terserOptions);

// require("espdma") on Espruino. Modules.addCached(id, source) evaluates source inside the call
// (measured on 2v29), so it can only run once the bundle has defined the global: after the IIFE.
// Saved as a Storage module of its own (require("espdma") reads Storage file "espdma"), the
// bundle runs in the module's scope, where `module` exists and the global does not: export it
// (measured on 2v29: addCached there throws 'Unable to load module "espdma"').
const register = (name) => `if(typeof module!=="undefined")module.exports=${name};else if(typeof Modules!=="undefined")Modules.addCached("${name}","module.exports=${name}");`;

function bundle(input, base, name, head, footer) {
  return {
    input,
    plugins: [tsEs5("./tsconfig.firmware.json")],
    output: [
      { file: `dist/${base}.js`, format: "iife", name, banner: head, footer, strict: false },
      { file: `dist/${base}.min.js`, format: "iife", name, footer, strict: false, plugins: [minify()] },
    ],
  };
}

const nrfBanner = "/* espdma-nrf52: DMA driver for Espruino's nRF52 boards (ES5 bundle) */";
// The nRF52 boards get their own bundle (firmware/index-nrf52.ts says why); global `espdma` too.
const builds = [
  bundle("firmware/index.ts", "espdma", "espdma", banner, register("espdma")),
  bundle("firmware/index-nrf52.ts", "espdma-nrf52", "espdma", nrfBanner, register("espdma")),
];
if (existsSync("firmware/agent/index.ts")) builds.push(bundle("firmware/agent/index.ts", "espdma-agent", "espdmaAgent", agentBanner));

export default builds;
