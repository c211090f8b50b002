// Where the browser tests find Chromium (never downloaded: Debian's, or one named by the
// environment), and what they say when there is none.
import { existsSync } from "node:fs";

export function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM, process.env.CHROME, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (p && existsSync(p)) return p;
  return null;
}

export const NO_CHROMIUM = "no Chromium on this machine: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome to run the browser tests";

/** What must match between a run in the page and the same run in Node (times differ). */
export function comparableResults(r: any): any {
  return {
    board: r.board,
    scenarios: r.scenarios.map((s: any) => ({ name: s.name, passed: s.passed, error: s.error, invariants: s.invariants.map((c: any) => [c.id, c.name, c.passed]) })),
    passed: r.passed, failed: r.failed, notApplicable: r.notApplicable,
  };
}
