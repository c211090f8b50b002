#!/usr/bin/env node
// The `espdma` command. In a development checkout (TypeScript sources and tsx installed) it
// runs the sources through tsx, so edits take effect at once; otherwise (the published
// package, or `npm ci --omit=dev`) the host compiled to JavaScript in build/ (`npm run
// build:host`, run before `npm pack`), which needs production dependencies only.
import { existsSync } from "node:fs";

const source = new URL("../host/cli/main.ts", import.meta.url);
const built = new URL("../build/host/cli/main.js", import.meta.url);

async function tsx() {
  if (!existsSync(source)) return null;
  try {
    return await import("tsx/esm/api");
  } catch (e) {
    return null;
  }
}

const loader = await tsx();
if (loader) {
  loader.register();
  await import(source.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  console.error("espdma: the host tool is not compiled (build/ is missing) and tsx is not installed: run `npm install`, or `npm run build:host` with the devDependencies installed.");
  process.exit(2);
}
