// The fake devices as one script for a page (host/web/fakes/inject.ts), built with the page's
// own browser swaps (scripts/build-web.ts: the virtual board's realm is an iframe there).
import { build } from "esbuild";
import { join } from "node:path";
import { ROOT } from "../../host/scenarios/bundle";
import { browserSwaps } from "../../scripts/build-web";

export async function fakesScript(): Promise<string> {
  var r = await build({
    entryPoints: [join(ROOT, "host", "web", "fakes", "inject.ts")],
    bundle: true, write: false, platform: "browser", format: "iife", target: "es2022", logLevel: "warning",
    plugins: [browserSwaps],
  });
  return r.outputFiles[0].text;
}
