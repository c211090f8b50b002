// Compiles the host tool (CLI, link, scenarios, virtual board, boards) to JavaScript in build/,
// one .js per .ts, same layout, so the published `espdma` runs on Node with production
// dependencies only (no tsx). Run by `npm run build:host` and before `npm pack` (prepack).
import typescript from "@rollup/plugin-typescript";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";

// Files the host loads by path at run time, not by import: the worker threads' plain-ESM
// entries, copied as they are, and the board thread's module (worker-board.ts), compiled.
const copies = ["host/virtual-board/transports/tcp-worker.mjs", "host/virtual-board/transports/board-worker.mjs", "host/virtual-board/transports/pty-worker.mjs",
  "host/virtual-board/transports/interrupt-raise.mjs"];

export default {
  input: { "host/cli/main": "host/cli/main.ts", "host/virtual-board/transports/board-thread": "host/virtual-board/transports/board-thread.ts" },
  // Packages and Node built-ins stay imports (dependencies in package.json).
  external: (id) => !id.startsWith(".") && !isAbsolute(id) && !id.startsWith("\0"),
  plugins: [
    typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "build", declaration: false, noEmitOnError: true, include: ["host/**/*.ts", "boards/**/*.ts", "firmware/**/*.ts", "scripts/**/*.ts"] }),
    {
      name: "copy-runtime-files",
      writeBundle() {
        for (const f of copies) {
          mkdirSync(dirname("build/" + f), { recursive: true });
          copyFileSync(f, "build/" + f);
        }
      },
    },
  ],
  output: { dir: "build", format: "es", preserveModules: true, preserveModulesRoot: ".", entryFileNames: "[name].js", sourcemap: false },
  onwarn(w, warn) {
    // Dynamic imports of a computed path (rollup.config.js) are meant to stay as they are.
    if (w.code === "UNRESOLVED_IMPORT") return;
    warn(w);
  },
};
