// Checks of an event trace against the invariants of /work/shared/design.md. Each check reads
// only the agent's events (and, on the virtual board, the MCU's violations and timers), so the
// same checks judge a real board and the virtual one.
import type { Check, Scenario, Trace } from "./types";
import { controlRegisters } from "./steps";

const INVARIANT_NAMES: { [id: number]: string } = {
  0: "scenario",
  1: "no callback after synchronize",
  2: "no DMA write after synchronize",
  3: "every descriptor ends exactly once",
  4: "synchronize returns after the stream is disabled",
  5: "wrong context fails and changes nothing",
  6: "no timer while idle",
  7: "exact bytes, guards intact",
  8: "channel carries a new transfer after terminate",
};

const SYNC_OPS = ["synchronize", "terminateSync", "release"];
const TERM_OPS = ["terminateAsync", "terminateSync", "terminateAll", "release"];
const PREP_OPS = ["prepMemcpy", "prepCyclic", "prepSlaveSg"];

/** Indexed facts about a trace that several checks need. */
class TraceFacts {
  /** tx name -> channel name (from the prep call). */
  txCh = new Map<string, string>();
  txKind = new Map<string, string>();
  /** tx name -> index of its successful submit. */
  submitAt = new Map<string, number>();
  cbs = new Map<string, number[]>();

  constructor(readonly events: any[]) {
    events.forEach((e, i) => {
      if (e.t === "call" && PREP_OPS.includes(e.op) && e.ok) { this.txCh.set(e.tx, e.ch); this.txKind.set(e.tx, e.op); }
      if (e.t === "call" && e.op === "submit" && e.ok) this.submitAt.set(e.tx, i);
      if (e.t === "cb") { if (!this.cbs.has(e.tx)) this.cbs.set(e.tx, []); this.cbs.get(e.tx)!.push(i); }
    });
  }

  calls(ops: string[], okOnly = true): { i: number; e: any }[] {
    var out: { i: number; e: any }[] = [];
    this.events.forEach((e, i) => { if (e.t === "call" && ops.includes(e.op) && (!okOnly || e.ok)) out.push({ i, e }); });
    return out;
  }

  /** Descriptors on channel ch submitted before index i. */
  submittedBefore(ch: string, i: number): string[] {
    var out: string[] = [];
    for (const [tx, at] of this.submitAt) if (at < i && this.txCh.get(tx) === ch) out.push(tx);
    return out;
  }

  /** The last status reported for tx after event index `after`. */
  lastStatus(tx: string, after = -1): any {
    var st: any;
    this.events.forEach((e, i) => { if (i > after && e.t === "call" && e.op === "status" && e.tx === tx && e.ok) st = e.ret; });
    return st;
  }
}

function result(id: number, problems: string[]): Check {
  return { id, name: INVARIANT_NAMES[id], passed: problems.length === 0, detail: problems.length ? problems.slice(0, 3).join("; ") + (problems.length > 3 ? " (+" + (problems.length - 3) + " more)" : "") : undefined };
}

export function inv1(t: Trace): Check {
  var f = new TraceFacts(t.events), bad: string[] = [];
  var terms = f.calls(TERM_OPS);
  for (const s of f.calls(SYNC_OPS)) {
    // The earlier descriptors: those submitted before the last terminate on this channel that
    // precedes the synchronize (a descriptor submitted after it is a new, live one).
    var lastTerm = -1;
    for (const x of terms) if (x.e.ch === s.e.ch && x.i <= s.i) lastTerm = x.i;
    if (lastTerm < 0) continue;
    for (const tx of f.submittedBefore(s.e.ch, lastTerm)) {
      for (const ci of f.cbs.get(tx) || []) if (ci > s.i) bad.push("callback of " + tx + " ran after " + s.e.op + " (event " + s.i + " -> " + ci + ")");
    }
  }
  return result(1, bad);
}

export function inv2(t: Trace, s: Scenario): Check {
  var bad: string[] = [];
  var ok = s.corruptOk || [];
  for (const e of t.events) if (e.t === "canary" && !e.ok && !ok.some((p) => e.buf.indexOf(p) === 0)) bad.push("canary of " + e.buf + " overwritten at byte " + e.bad + " (" + e.count + " bytes)");
  for (const v of t.violations || []) bad.push("MCU model: " + v.kind + " by " + v.source + " at 0x" + (v.addr >>> 0).toString(16) + (v.detail ? " (" + v.detail + ")" : ""));
  return result(2, bad);
}

export function inv3(t: Trace): Check {
  var f = new TraceFacts(t.events), bad: string[] = [];
  var terms = f.calls(TERM_OPS);
  for (const [tx, at] of f.submitAt) {
    var ch = f.txCh.get(tx)!, cyclic = f.txKind.get(tx) === "prepCyclic";
    var cbs = f.cbs.get(tx) || [];
    var term = terms.find((x) => x.e.ch === ch && x.i > at);
    if (!cyclic && cbs.length > 1) bad.push(tx + " got " + cbs.length + " callbacks");
    // terminate moves every descriptor not yet notified to terminated: no callback may follow.
    if (term && cbs.some((ci) => ci > term!.i)) bad.push(tx + " got a callback after " + term.e.op + " (event " + term.i + ")");
    if (!cbs.length && !term) bad.push(tx + " never ended: no callback and no terminate");
    var st = term ? f.lastStatus(tx, term.i) : undefined;
    if (st && !cbs.length && st.status !== "aborted" && st.status !== "error") bad.push(tx + " was terminated without a callback but reports " + st.status);
  }
  return result(3, bad);
}

export function inv4(t: Trace): Check {
  var bad: string[] = [], names = controlRegisters(t.board).map((r) => r.name);
  var seen = 0;
  t.events.forEach((e, i) => {
    if (e.t !== "call" || !SYNC_OPS.includes(e.op) || e.op === "release") return;
    var next = t.events[i + 1];
    if (!next || next.t !== "en") return;
    seen++;
    if (!e.ok) return; // refused (ETIMEDOUT): it did not claim the stream stopped
    var k = names.indexOf(next.name);
    if (k >= 0) { if (next.en[k]) bad.push(e.op + " on " + e.ch + " returned while " + next.name + " reads EN=1"); }
    else if (next.en.some((x: number) => x)) bad.push(e.op + " on " + e.ch + " returned while a stream reads EN=1 (channel name unknown)");
  });
  if (!seen) bad.push("no EN snapshot after a synchronize in the trace");
  return result(4, bad);
}

export function inv6(t: Trace): Check {
  var bad: string[] = [];
  var tm = t.events.filter((e) => e.t === "timers");
  for (const e of tm) {
    if (e.n > 0) bad.push(e.n + " timer(s) pending while idle");
    if (e.n < 0 && t.timersAfter === undefined) bad.push("cannot see the board's timers (no global[\"\\xff\"].timers)");
  }
  if (t.timersAfter !== undefined && t.timersAfter > 0) bad.push(t.timersAfter + " timer(s) still pending after the run");
  if (!tm.length && t.timersAfter === undefined) bad.push("no idle timer check in the trace");
  return result(6, bad);
}

export function inv7(t: Trace): Check {
  var bad: string[] = [], n = 0;
  for (const e of t.events) {
    if (e.t === "copy" || e.t === "value") { n++; if (!e.ok) bad.push(e.buf + ": " + e.count + " wrong byte(s) from " + e.bad); }
    if ((e.t === "copy" || e.t === "value" || e.t === "canary" || e.t === "zero") && !e.guardOk) bad.push(e.buf + ": " + e.guardBad + " guard byte(s) overwritten");
    if (e.t === "zero" && !e.ok) bad.push(e.buf + ": " + e.count + " byte(s) written that should not be");
  }
  if (!n && !t.events.some((e) => e.t === "canary" || e.t === "zero")) bad.push("no buffer check in the trace");
  return result(7, bad);
}

/** After a terminate + synchronize on a channel, a later transfer on it completes and copies right. */
export function inv8(t: Trace): Check {
  var f = new TraceFacts(t.events), bad: string[] = [];
  var syncs = f.calls(["synchronize", "terminateSync"]);
  if (!syncs.length) bad.push("no synchronize in the trace");
  for (const s of syncs) {
    var after = Array.from(f.submitAt).filter(([tx, at]) => at > s.i && f.txCh.get(tx) === s.e.ch).map(([tx]) => tx);
    for (const tx of after) {
      var cbs = f.cbs.get(tx) || [];
      var cb = cbs.length ? t.events[cbs[0]] : null;
      if (!cb) bad.push(tx + " (after " + s.e.op + ") never completed");
      else if (cb.result !== "ok") bad.push(tx + " (after " + s.e.op + ") ended with " + cb.result);
    }
  }
  return result(8, bad);
}

/** The agent itself: every event arrived, the program ran to its end, no wait timed out. */
export function agentCheck(t: Trace, allowTimeouts = false): Check {
  var bad: string[] = [];
  var done = t.events.find((e) => e.t === "done");
  if (!done) bad.push("no done event");
  else if (!done.ok) bad.push("program stopped: " + (done.err ? done.err.code + " " + done.err.msg : "?"));
  if (!allowTimeouts) for (const e of t.events) if (e.t === "timeout") bad.push("timed out waiting for " + e.what);
  for (const e of t.events) if (e.t === "call" && !e.ok && !e.fails) bad.push(e.op + (e.ch ? " on " + e.ch : "") + " threw " + (e.err ? e.err.code + ": " + e.err.msg : "?"));
  return { id: 0, name: "program ran to its end", passed: !bad.length, detail: bad.join("; ") || undefined };
}

export function genericCheck(id: number, t: Trace, s: Scenario): Check {
  switch (id) {
    case 1: return inv1(t);
    case 2: return inv2(t, s);
    case 3: return inv3(t);
    case 4: return inv4(t);
    case 6: return inv6(t);
    case 7: return inv7(t);
    case 8: return inv8(t);
    default: return { id, name: INVARIANT_NAMES[id] || "invariant " + id, passed: true, detail: "checked by the scenario's expectations" };
  }
}

// ------------------------------------------------------------------ helpers for expectations

function findCall(t: Trace, op: string, pred: (e: any) => boolean = () => true): any[] {
  return t.events.filter((e) => e.t === "call" && e.op === op && pred(e));
}

export function expectCall(id: number, t: Trace, op: string, want: { ok?: boolean; code?: string; inCb?: boolean; nth?: number }, name?: string): Check {
  var calls = findCall(t, op, (e) => want.inCb === undefined || !!e.inCb === want.inCb);
  var c = calls[want.nth ?? 0];
  var label = name || op + (want.inCb ? " inside a callback" : "") + (want.code ? " fails with " + want.code : want.ok === false ? " fails" : " succeeds");
  if (!c) return { id, name: label, passed: false, detail: "no " + op + " call in the trace" };
  var passed = want.code ? !c.ok && c.err && c.err.code === want.code : want.ok === false ? !c.ok : c.ok;
  return { id, name: label, passed, detail: passed ? undefined : c.ok ? "it succeeded" : "it threw " + (c.err ? c.err.code + ": " + c.err.msg : "?") };
}

export function expectThat(id: number, name: string, cond: boolean, detail?: string): Check {
  return { id, name, passed: cond, detail: cond ? undefined : detail };
}

export function cbCount(t: Trace, tx: string): number {
  return t.events.filter((e) => e.t === "cb" && e.tx === tx).length;
}

export function statusOf(t: Trace, tx: string, nth = -1): any {
  var s = findCall(t, "status", (e) => e.tx === tx && e.ok);
  var c = nth < 0 ? s[s.length + nth] : s[nth];
  return c ? c.ret : undefined;
}
