// How a test run is shown: a table per scenario and invariant, the --json object, JUnit XML.
import Table from "cli-table3";
import type { RunReport } from "../scenarios/runner";
// The JSON and JUnit forms are shared with the page (host/web): they live with the runner.
export { jsonReport, jsonError, junitReport } from "../scenarios/report-json";

export interface TextOptions {
  color: boolean;
  /** Terminal width the table must fit (default 80). */
  columns?: number;
}

function verdict(b: boolean, color: boolean): string {
  return color ? (b ? "\x1b[32mPASS\x1b[0m" : "\x1b[31mFAIL\x1b[0m") : b ? "PASS" : "FAIL";
}

function summary(r: RunReport): string[] {
  var lines: string[] = [];
  if (r.skipped.length) lines.push("not run on this target (virtual board only): " + r.skipped.join(", "));
  for (const n of r.notApplicable || []) lines.push("does not apply on " + r.board + ": " + n.name + " (" + n.why + ")");
  lines.push((r.failed ? "FAILED" : "OK") + ": " + r.passed + " passed, " + r.failed + " failed on " + r.board);
  return lines;
}

/** The default report: one line per scenario; under a failed one, what failed and why. */
export function compactReport(r: RunReport, o: TextOptions): string {
  var width = Math.max(...r.scenarios.map((s) => s.name.length), 8);
  var lines: string[] = [];
  for (const s of r.scenarios) {
    var failed = s.invariants.filter((c) => !c.passed);
    lines.push(verdict(s.passed, o.color) + " " + s.name.padEnd(width) + " " + (s.ms + " ms").padStart(8) +
      (s.error ? "  could not run" : "  " + s.invariants.length + " check" + (s.invariants.length === 1 ? "" : "s") + (failed.length ? ", " + failed.length + " failed" : "")));
    if (s.error) lines.push("     " + s.error);
    for (const c of failed) lines.push("     " + (c.id ? "invariant " + c.id + ": " : "") + c.name + (c.detail ? ": " + c.detail : ""));
  }
  return lines.concat(summary(r)).join("\n");
}

/** --verbose: every scenario and invariant (its number in brackets) in a table that fits the
 * terminal. */
export function tableReport(r: RunReport, o: TextOptions): string {
  var color = o.color;
  // Five borders; cli-table3 column widths include one space of padding each side.
  var cols = Math.max(60, o.columns || 80), res = 8;
  // The longest scenario name whole (it is what one searches for), within reason.
  var name = Math.min(30, Math.max(12, ...r.scenarios.map((s) => s.name.length + 2)));
  var rest = cols - 5 - name - res, check = Math.floor(rest / 2), detail = rest - check;
  var t = new Table({ head: ["scenario", "check [invariant]", "result", "detail"], style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [] }, wordWrap: true, colWidths: [name, check, res, detail],
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } });
  for (const s of r.scenarios) {
    if (s.error) t.push([s.name, "could not run", verdict(false, color), s.error]);
    s.invariants.forEach((c, i) => {
      t.push([i === 0 ? s.name + " (" + s.ms + " ms)" : "", c.name + (c.id ? " [" + c.id + "]" : ""), verdict(c.passed, color), c.detail || ""]);
    });
  }
  return [t.toString()].concat(summary(r)).join("\n");
}
