// Where the browser tests find Chromium (never downloaded: Debian's, or one named by the
// environment), and what they say when there is none.
import { existsSync } from "node:fs";

export function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM, process.env.CHROME, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (p && existsSync(p)) return p;
  return null;
}

export const NO_CHROMIUM = "no Chromium on this machine: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome to run the browser tests";
