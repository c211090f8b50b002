#!/usr/bin/env node
// The `espdma` command: loads the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";
register();
await import("../host/cli/main.ts");
