// The ES5 / Espruino gate for built bundles: they must parse as ECMAScript 5 (acorn,
// ecmaVersion 5), and must not contain the patterns /work/shared/espruino-compat.md names as
// failing on Espruino: ES2015 built-ins, prototype member access on built-ins (undefined there),
// TypeScript's __extends/__spreadArray helpers, two-argument Object.create, any name used before
// its var or function declaration in the same scope, and a Modules.addCached whose source runs
// before the names it uses exist (scripts/declaration-order.ts: Espruino hoists neither).
// Usage: node --import tsx scripts/check-bundle.ts [files...]   (default: dist/*.js)
// The rules are in bundle-rules.ts (no fs: `espdma flash` in the page checks with them too).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export { checkBundle } from "./bundle-rules";
export type { Problem } from "./bundle-rules";
import { checkBundle } from "./bundle-rules";

/** The bundles `npm run build` writes. */
export function distBundles(dir = "dist"): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".js")).sort().map((f) => join(dir, f));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  var files = process.argv.slice(2);
  if (!files.length) files = distBundles();
  if (!files.length) {
    console.error("check-bundle: no bundles: run `npm run build` first");
    process.exit(2);
  }
  var bad = 0;
  for (var f of files) {
    var problems = checkBundle(readFileSync(f, "utf8"));
    for (var p of problems) console.error(f + ":" + p.line + ":" + p.column + ": " + p.what);
    if (problems.length) bad++;
    else console.log(f + ": ES5 and Espruino-safe");
  }
  process.exit(bad ? 1 : 0);
}
