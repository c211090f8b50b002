// A run as data: the `espdma test --json` object and JUnit XML. Shared by the CLI
// (host/cli/report.ts adds the text tables) and the page (download, window.espdmaResults).
import type { RunReport } from "./runner";

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
