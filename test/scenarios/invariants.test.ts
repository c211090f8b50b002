// The invariant checks on hand-written traces: each fails on the breach it exists for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pico } from "../../boards/pico";
import { original } from "../../boards/original";
import { inv1, inv2, inv3, inv4, inv6, inv7, inv8 } from "../../host/scenarios/invariants";
import { controlRegisters } from "../../host/scenarios/steps";
import type { Trace } from "../../host/scenarios/types";

const call = (op: string, extra: any = {}) => ({ t: "call", op, ch: "c", ok: true, ...extra });
const base = [call("prepMemcpy", { tx: "a" }), call("submit", { tx: "a", ch: undefined }), call("issuePending")];
const tr = (events: any[], extra: Partial<Trace> = {}): Trace => ({ board: pico, events, text: [], ...extra });
const scen: any = { corruptOk: [] };

test("1: a callback after synchronize fails, before passes", () => {
  assert.equal(inv1(tr([...base, { t: "cb", tx: "a" }, call("synchronize")])).passed, true);
  assert.equal(inv1(tr([...base, call("terminateAsync"), call("synchronize"), { t: "cb", tx: "a" }])).passed, false);
});

test("2: an overwritten canary or an MCU violation fails", () => {
  assert.equal(inv2(tr([{ t: "canary", buf: "x", ok: true }]), scen).passed, true);
  assert.equal(inv2(tr([{ t: "canary", buf: "x", ok: false, bad: 3, count: 4 }]), scen).passed, false);
  assert.equal(inv2(tr([], { violations: [{ kind: "write_to_freed", addr: 0x20001000, source: "DMA2 stream 0" }] }), scen).passed, false);
  assert.equal(inv2(tr([{ t: "canary", buf: "legacy1", ok: false }]), { corruptOk: ["legacy"] } as any).passed, true);
});

test("3: two callbacks, a callback after terminate, or no end at all fail", () => {
  assert.equal(inv3(tr([...base, { t: "cb", tx: "a" }])).passed, true);
  assert.equal(inv3(tr([...base, { t: "cb", tx: "a" }, { t: "cb", tx: "a" }])).passed, false);
  assert.equal(inv3(tr([...base, call("terminateAsync"), { t: "cb", tx: "a" }])).passed, false);
  assert.equal(inv3(tr([...base])).passed, false);
  assert.equal(inv3(tr([...base, call("terminateAsync"), call("status", { tx: "a", ret: { status: "complete" } })])).passed, false);
  assert.equal(inv3(tr([...base, call("terminateAsync"), call("status", { tx: "a", ret: { status: "aborted" } })])).passed, true);
});

test("4: synchronize returning while the channel's EN reads 1 fails", () => {
  for (const board of [pico, original]) {
    var names = controlRegisters(board).map((r) => r.name);
    var en = names.map(() => 0);
    var k = names.length - 1;
    var on = en.slice(); on[k] = 1;
    assert.equal(inv4(tr([call("synchronize"), { t: "en", en, name: names[k] }], { board })).passed, true);
    assert.equal(inv4(tr([call("synchronize"), { t: "en", en: on, name: names[k] }], { board })).passed, false);
    assert.equal(inv4(tr([call("synchronize"), { t: "en", en: on, name: names[0] }], { board })).passed, true, "another stream may run");
    assert.equal(inv4(tr([call("synchronize")], { board })).passed, false, "no snapshot: nothing proven");
  }
});

test("6: a timer left while idle fails", () => {
  assert.equal(inv6(tr([{ t: "timers", n: 0 }])).passed, true);
  assert.equal(inv6(tr([{ t: "timers", n: 1 }])).passed, false);
  assert.equal(inv6(tr([{ t: "timers", n: -1 }], { timersAfter: 2 })).passed, false);
});

test("7: a wrong byte or a touched guard fails", () => {
  assert.equal(inv7(tr([{ t: "copy", buf: "d", ok: true, guardOk: true }])).passed, true);
  assert.equal(inv7(tr([{ t: "copy", buf: "d", ok: false, count: 1, bad: 7, guardOk: true }])).passed, false);
  assert.equal(inv7(tr([{ t: "copy", buf: "d", ok: true, guardOk: false, guardBad: 1 }])).passed, false);
});

test("8: a transfer after synchronize that never completes fails", () => {
  var after = [call("prepMemcpy", { tx: "b" }), call("submit", { tx: "b", ch: undefined }), call("issuePending")];
  assert.equal(inv8(tr([...base, call("terminateSync"), ...after, { t: "cb", tx: "b", result: "ok" }])).passed, true);
  assert.equal(inv8(tr([...base, call("terminateSync"), ...after])).passed, false);
});
