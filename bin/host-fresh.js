// Is build/ (the host compiled by `npm run build:host`) newer than every source it was
// compiled from? bin/espdma.js then runs it instead of the sources through tsx, and `npm test`
// (scripts/run-tests.js) compiles it when it is not.
import { existsSync, readdirSync, statSync } from "node:fs";

const ROOT = new URL("../", import.meta.url);
const BUILT = new URL("build/host/cli/main.js", ROOT);
// What rollup.host.config.js compiles (its `include`) and copies.
const SOURCES = ["host", "boards", "firmware", "scripts"];

/** The newest modification time of the TypeScript (and .mjs) files under dir. */
function newest(dir) {
  var t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    var p = new URL(e.name + (e.isDirectory() ? "/" : ""), dir);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|mjs)$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** True when build/ exists and no source is newer (always, where there are no sources: the
 * published package). */
export function builtHostIsFresh() {
  if (!existsSync(BUILT)) return false;
  var at = statSync(BUILT).mtimeMs;
  return SOURCES.every((d) => { var u = new URL(d + "/", ROOT); return !existsSync(u) || newest(u) <= at; });
}
