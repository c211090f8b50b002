// How a test run is shown: a table per scenario and invariant, the --json object, JUnit XML.
import Table from "cli-table3";
import type { RunReport } from "../scenarios/runner";

/** The --json object: exactly the documented shape. */
export function jsonReport(r: RunReport): object {
  return {
    board: r.board,
    scenarios: r.scenarios.map((s) => ({
      name: s.name,
      passed: s.passed,
      invariants: s.invariants.map((c) => ({ id: c.id, name: c.name, passed: c.passed, ...(c.detail ? { detail: c.detail } : {}) })),
      ms: s.ms,
      ...(s.error ? { error: s.error } : {}),
    })),
    passed: r.passed,
    failed: r.failed,
    ...(r.notApplicable && r.notApplicable.length ? { notApplicable: r.notApplicable } : {}),
  };
}

/** The --json object of a run that could not start or go on: the same keys, then "error". */
export function jsonError(board: string, done: RunReport["scenarios"], error: string): object {
  return {
    ...jsonReport({ board, scenarios: done, passed: done.filter((r) => r.passed).length, failed: done.filter((r) => !r.passed).length, skipped: [] }),
    error,
  };
}

export function tableReport(r: RunReport, color: boolean): string {
  var ok = (b: boolean) => (color ? (b ? "\x1b[32mPASS\x1b[0m" : "\x1b[31mFAIL\x1b[0m") : b ? "PASS" : "FAIL");
  var t = new Table({ head: ["scenario", "inv", "check", "result", "detail"], style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [] }, wordWrap: true, colWidths: [30, 5, 46, 8, 48],
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" } });
  for (const s of r.scenarios) {
    if (s.error) t.push([s.name, "", "could not run", ok(false), s.error]);
    s.invariants.forEach((c, i) => {
      t.push([i === 0 ? s.name + " (" + s.ms + " ms)" : "", c.id ? String(c.id) : "-", c.name, ok(c.passed), c.detail || ""]);
    });
  }
  var lines = [t.toString()];
  if (r.skipped.length) lines.push("not run on this target (virtual board only): " + r.skipped.join(", "));
  for (const n of r.notApplicable || []) lines.push("does not apply on " + r.board + ": " + n.name + " (" + n.why + ")");
  lines.push((r.failed ? "FAILED" : "OK") + ": " + r.passed + " passed, " + r.failed + " failed on " + r.board);
  return lines.join("\n");
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function junitReport(r: RunReport): string {
  var out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  var total = r.scenarios.reduce((n, s) => n + Math.max(1, s.invariants.length), 0);
  var failures = r.scenarios.reduce((n, s) => n + (s.error ? 1 : s.invariants.filter((c) => !c.passed).length), 0);
  out.push('<testsuites name="espdma" tests="' + total + '" failures="' + failures + '">');
  for (const s of r.scenarios) {
    out.push('  <testsuite name="' + esc(r.board + "." + s.name) + '" tests="' + Math.max(1, s.invariants.length) + '" failures="' + (s.error ? 1 : s.invariants.filter((c) => !c.passed).length) + '" time="' + (s.ms / 1000).toFixed(3) + '">');
    if (s.error) out.push('    <testcase name="run" classname="' + esc(s.name) + '"><failure message="' + esc(s.error) + '"/></testcase>');
    for (const c of s.invariants) {
      var name = (c.id ? "invariant " + c.id + ": " : "") + c.name;
      if (c.passed) out.push('    <testcase name="' + esc(name) + '" classname="' + esc(s.name) + '"/>');
      else out.push('    <testcase name="' + esc(name) + '" classname="' + esc(s.name) + '"><failure message="' + esc(c.detail || "failed") + '"/></testcase>');
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
