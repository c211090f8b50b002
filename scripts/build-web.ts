// Builds the page (dist/web/: index.html, style.css, app.js) with esbuild: the host core
// (runner, invariants, REPL client, flash, the virtual board) for the browser. Two swaps make
// it a browser build, and nothing else differs from what Node runs:
// - the virtual board's realm: realm-node.ts (node:vm) becomes realm-browser.ts (an iframe);
// - "espdma:bundles" is the three firmware files of dist/ as text, byte for byte as built.
// Any node: import left in what the page reaches fails the build (platform "browser").
// Usage: node --import tsx scripts/build-web.ts  (after rollup -c: it needs dist/*.min.js)
import { build, type Plugin } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");
const BUNDLES = { driver: "dist/espdma.min.js", driverNrf52: "dist/espdma-nrf52.min.js", agent: "dist/espdma-agent.min.js" };

export const browserSwaps: Plugin = {
  name: "espdma-browser",
  setup(b) {
    b.onResolve({ filter: /\/realm-node$/ }, (a) => ({ path: join(a.resolveDir, a.path.replace(/realm-node$/, "realm-browser.ts")) }));
    b.onResolve({ filter: /^espdma:bundles$/ }, () => ({ path: "bundles", namespace: "espdma" }));
    b.onLoad({ filter: /.*/, namespace: "espdma" }, () => {
      var lines: string[] = [];
      for (const [k, f] of Object.entries(BUNDLES)) {
        var p = join(root, f);
        if (!existsSync(p)) throw new Error(f + " is missing: run `npm run build` (rollup builds the firmware before the page)");
        lines.push("export const " + k + " = " + JSON.stringify(readFileSync(p, "utf8")) + ";");
      }
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

export async function buildWeb(): Promise<string> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, "host", "web", "app.ts")],
    outfile: join(out, "app.js"),
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    legalComments: "none",
    logLevel: "warning",
    plugins: [browserSwaps],
  });
  for (const f of ["index.html", "style.css"]) copyFileSync(join(root, "host", "web", f), join(out, f));
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb().then((d) => console.log("page written to " + d), (e) => { console.error("build-web: " + (e && e.message || e)); process.exit(1); });
}
