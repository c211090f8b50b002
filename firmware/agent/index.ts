// The on-board agent: runs one scenario program (a list of steps sent by the host as one JSON
// line) in one go, because a serial round trip is far longer than a DMA transfer, and records
// what happened: API calls with their returns or DmaError codes, callbacks with their results,
// register dumps, buffer checks, timestamps. Events are kept in RAM while the program runs and
// printed at the end as framed lines (host/link/frame.ts), so printing does not disturb timing.
//
//   espdmaAgent.run({ run: "r1", steps: [ {op: "alloc", buf: "src", len: 256}, ... ] })
//
// ES5 for Espruino: see /work/shared/espruino-compat.md.
import { crc32, hex8 } from "./crc32";
import { GUARD, CANARY, fill, firstNot } from "./patterns";

declare var espdma: any;
declare var E: any;
declare var print: (s: string) => void;
declare var getTime: () => number;
declare var setTimeout: (fn: () => void, ms: number) => any;
declare var global: any;
declare var process: any;

export var version = "0.1.0";

// Internal names start with "_" (shortened by the build); event and step fields are the
// host protocol and keep their names.
interface Buf {
  _raw: any;
  _view: any;
  _guard: number;
}

interface Env {
  _run: string;
  _t0: number;
  _events: any[];
  _bufs: { [name: string]: Buf };
  _chans: { [name: string]: any };
  _txs: { [name: string]: any };
  _cookies: { [name: string]: any };
  _cbs: { [name: string]: number };
  /** Steps to run inside a descriptor's callback, by descriptor name. */
  _onCb: { [name: string]: any[] };
  _inCb: number;
  _finished: boolean;
}

var env: Env | null = null;

function now(): number {
  return getTime() * 1000;
}

function ev(e: Env, o: any): void {
  o.ts = Math.round((now() - e._t0) * 1000) / 1000;
  if (e._inCb) o.inCb = true;
  e._events.push(o);
}

function errInfo(err: any): any {
  return { code: err && err.code ? String(err.code) : "", msg: String(err && err.message ? err.message : err) };
}

function buf(e: Env, name: string): Buf {
  var b = e._bufs[name];
  if (!b) throw { code: "AGENT", message: "no buffer " + name };
  return b;
}

function chan(e: Env, name: string): any {
  var c = e._chans[name];
  if (!c) throw { code: "AGENT", message: "no channel " + name };
  return c;
}

/** The hardware name of a channel ("DMA2 stream 0"). */
function chanName(c: any): string {
  return c && c.name ? String(c.name) : "";
}

function addrOf(x: any): number {
  return E && E.getAddressOf ? E.getAddressOf(x, true) : 0;
}

/** Espruino's register access (global peek32/poke32; E.* on some builds). */
function peek(a: number): number {
  return (global.peek32 || E.peek32)(a) >>> 0;
}
function poke(a: number, v: number): void {
  (global.poke32 || E.poke32)(a, v);
}

function makeCallback(e: Env, name: string): (r: any) => void {
  return function (r: any) {
    e._cbs[name] = (e._cbs[name] || 0) + 1;
    ev(e, { t: "cb", tx: name, result: r ? r.result : undefined, residue: r ? r.residue : undefined, n: e._cbs[name] });
    var steps = e._onCb[name];
    if (!steps || e._finished) return;
    e._inCb++;
    try {
      // A step with `at` runs only in the callback of that number (cyclic: the n-th period).
      for (var i = 0; i < steps.length; i++) if (steps[i].at === undefined || steps[i].at === e._cbs[name]) exec(e, steps[i]);
    } finally {
      e._inCb--;
    }
  };
}

/** Call an API function and record its return or its error code. */
function call(e: Env, op: string, s: any, fn: () => any): any {
  var rec: any = { t: "call", op: op };
  if (s.ch) rec.ch = s.ch;
  if (s.tx) rec.tx = s.tx;
  // The host marks calls that are meant to fail (wrong context); others failing is a finding.
  if (s.fails) rec.fails = true;
  try {
    var r = fn();
    rec.ok = true;
    if (r !== undefined && (typeof r !== "object" || op === "status")) rec.ret = r;
    ev(e, rec);
    return r;
  } catch (err) {
    rec.ok = false;
    rec.err = errInfo(err);
    ev(e, rec);
    return undefined;
  }
}

/** A prep call: the descriptor it returns is kept under the step's tx name. */
function prepTx(e: Env, op: string, s: any, fn: () => any): void {
  var tx = call(e, op, s, fn);
  if (tx) e._txs[s.tx] = tx;
}

function prepOpts(e: Env, s: any): any {
  var o: any = {};
  if (s.cb !== false) o.callback = makeCallback(e, s.tx);
  if (s.onCb) e._onCb[s.tx] = s.onCb;
  return o;
}

function lenOf(b: Buf, s: any): number {
  return s.len !== undefined ? s.len : b._view.length;
}

function guard(): number {
  return GUARD;
}

function checkBuf(e: Env, name: string, kind: string, expect: (i: number) => number, from: number, to: number): void {
  var b = buf(e, name), v = b._view, cnt = [0];
  var first = firstNot(v, from, to, expect, cnt), count = cnt[0];
  var g1 = firstNot(b._raw, 0, b._guard, guard, cnt), c1 = cnt[0];
  var g2 = firstNot(b._raw, b._guard + v.length, b._raw.length, guard, cnt), c2 = cnt[0];
  ev(e, { t: kind, buf: name, ok: first < 0, bad: first, count: count, from: from, to: to, guardOk: g1 < 0 && g2 < 0, guardBad: c1 + c2 });
}

/** One step. Returns a wait ({ms} or {until, timeoutMs, what}) or undefined to go on at once. */
function exec(e: Env, s: any): any {
  var op = s.op;
  switch (op) {
    case "alloc": {
      // align: the view's address a multiple of it (EasyDMA's 16-bit items), guard bytes or more.
      var g = s.guard !== undefined ? s.guard : 16, al = s.align || 1, n = s.len + 2 * g + al - 1;
      var raw = typeof espdma !== "undefined" && espdma.alloc ? espdma.alloc(n) : new Uint8Array(n);
      for (var i = 0; i < n; i++) raw[i] = GUARD;
      g += (al - ((addrOf(raw) + g) % al)) % al;
      // A view of the middle (subarray, not raw.buffer: holding the ArrayBuffer itself would
      // keep the block alive on the virtual board even after the program frees it).
      var view = raw.subarray(g, g + s.len);
      fill(view, "zero", 0);
      e._bufs[s.buf] = { _raw: raw, _view: view, _guard: g };
      ev(e, { t: "alloc", buf: s.buf, len: s.len, addr: addrOf(view) });
      return;
    }
    case "fill":
      fill(buf(e, s.buf)._view, s.pattern, s.seed || 0);
      if (s.log) ev(e, { t: "fill", buf: s.buf, pattern: s.pattern });
      return;
    case "free":
      delete e._bufs[s.buf];
      ev(e, { t: "free", buf: s.buf });
      return;
    case "checkCopy": {
      var src = buf(e, s.src)._view, off = s.from || 0, to = s.to !== undefined ? s.to : off + lenOf(buf(e, s.dst), s);
      checkBuf(e, s.dst, "copy", function (k: number) { return src[k]; }, off, to);
      return;
    }
    case "checkCanary":
    case "checkZero":
    case "checkValue": {
      // The event kind is the op without "check", lower case: canary, zero, value.
      var want = op === "checkCanary" ? CANARY : op === "checkZero" ? 0 : s.value;
      checkBuf(e, s.buf, op.charAt(5).toLowerCase() + op.substr(6), function () { return want; }, s.from || 0, s.to !== undefined ? s.to : buf(e, s.buf)._view.length);
      return;
    }
    case "request": {
      var c = call(e, "requestChannel", s, function () { return espdma.requestChannel(s.req || { dir: "mem2mem" }); });
      if (c) {
        e._chans[s.ch] = c;
        ev(e, { t: "chan", ch: s.ch, name: chanName(c) });
      }
      return;
    }
    case "config":
      call(e, "config", s, function () { return chan(e, s.ch).config(s.cfg); });
      return;
    case "memcpy": {
      var d = buf(e, s.dst), sr = buf(e, s.src);
      prepTx(e, "prepMemcpy", s, function () { return chan(e, s.ch).prepMemcpy(d._view, sr._view, lenOf(d, s), prepOpts(e, s)); });
      return;
    }
    case "cyclic": {
      var cb = buf(e, s.buf);
      prepTx(e, "prepCyclic", s, function () { return chan(e, s.ch).prepCyclic(cb._view, s.period, s.dir || "dev2mem", prepOpts(e, s)); });
      return;
    }
    case "sg": {
      var list: any[] = [];
      for (var j = 0; j < s.bufs.length; j++) list.push(buf(e, s.bufs[j])._view);
      prepTx(e, "prepSlaveSg", s, function () { return chan(e, s.ch).prepSlaveSg(list, s.dir || "dev2mem", prepOpts(e, s)); });
      return;
    }
    case "submit": {
      var t = e._txs[s.tx];
      var ck = call(e, "submit", s, function () { return t.submit(); });
      e._cookies[s.tx] = ck;
      return;
    }
    case "issue":
      call(e, "issuePending", s, function () { return chan(e, s.ch).issuePending(); });
      return;
    case "status":
      call(e, "status", s, function () {
        var st = chan(e, s.ch).txStatus(e._cookies[s.tx]);
        return { status: st.status, residue: st.residue };
      });
      return;
    case "terminateAsync":
    case "synchronize":
    case "terminateSync":
    case "terminateAll":
    case "pause":
    case "resume":
    case "release":
      call(e, op, s, function () { return chan(e, s.ch)[op](); });
      return;
    case "dump":
      ev(e, { t: "dump", text: typeof espdma !== "undefined" && espdma.dump ? String(espdma.dump()) : "" });
      return;
    case "poke":
      poke(s.addr, s.value);
      return;
    case "setBits":
      poke(s.addr, (peek(s.addr) | s.mask) >>> 0);
      return;
    case "spin":
      // Busy CPU without an event-loop turn: no timer (so no completion callback) can run.
      for (var q = 0; q < s.n; q++) peek(s.addr);
      return;
    case "en": {
      // EN of every stream/channel (host sends the SxCR/CCRx addresses), right now.
      var en: number[] = [];
      for (var a = 0; a < s.addrs.length; a++) en.push(peek(s.addrs[a]) & 1);
      ev(e, { t: "en", ch: s.ch, en: en, name: chanName(chan(e, s.ch)) });
      return;
    }
    case "peek":
      ev(e, { t: "peek", name: s.name, addr: s.addr, value: peek(s.addr) });
      return;
    case "addr":
      ev(e, { t: "addr", buf: s.buf, addr: addrOf(buf(e, s.buf)._view) });
      return;
    case "defrag":
      call(e, "defrag", s, function () {
        E.defrag();
      });
      return;
    case "gc":
      // process.memory() collects garbage, after an event-loop turn: the buffers this program
      // step dropped are then free, as Espruino's reference counting frees them at once (the
      // virtual board can only see a buffer unreachable once the current job has ended).
      return { ms: 0, gc: true };
    case "timers": {
      var root = global["\xff"], tm = root && root.timers, cntT = -1;
      if (tm) { cntT = 0; for (var k in tm) if (tm[k]) cntT++; }
      ev(e, { t: "timers", n: cntT });
      return;
    }
    case "mark":
      ev(e, { t: "mark", label: s.label });
      return;
    case "wait":
      return { ms: s.ms };
    case "waitCb":
      return { until: function () { return (e._cbs[s.tx] || 0) >= (s.n || 1); }, timeoutMs: s.timeoutMs || 1000, what: "callback of " + s.tx };
    case "waitStatus":
      return {
        until: function () {
          var st = chan(e, s.ch).txStatus(e._cookies[s.tx]);
          return st.status === (s.status || "complete");
        },
        timeoutMs: s.timeoutMs || 1000,
        what: "status " + (s.status || "complete") + " of " + s.tx,
      };
    default:
      throw { code: "AGENT", message: "unknown step " + op };
  }
}

function frame(run: string, seq: number, o: any): string {
  var body = run + "|" + seq + "|" + JSON.stringify(o);
  return "#ED|" + body + "|" + hex8(crc32(body));
}

function finish(e: Env, ok: boolean, err?: any): void {
  if (e._finished) return;
  e._finished = true;
  var d: any = { t: "done", ok: ok, n: e._events.length + 1, ms: Math.round((now() - e._t0) * 1000) / 1000 };
  if (err) d.err = errInfo(err);
  e._events.push(d);
  for (var i = 0; i < e._events.length; i++) print(frame(e._run, i, e._events[i]));
  env = null;
}

/** Run one program. Returns at once; the steps that wait continue from timers. */
export function run(prog: any): void {
  var e: Env = {
    _run: String(prog.run), _t0: now(), _events: [], _bufs: {}, _chans: {}, _txs: {}, _cookies: {}, _cbs: {}, _onCb: {},
    _inCb: 0, _finished: false,
  };
  env = e;
  var steps: any[] = prog.steps || [];
  var i = 0;
  var deadline = e._t0 + (prog.timeoutMs || 5000);
  function next(): void {
    try {
      while (i < steps.length) {
        if (now() > deadline) throw { code: "ETIMEDOUT", message: "program ran longer than " + (prog.timeoutMs || 5000) + " ms" };
        var w = exec(e, steps[i++]);
        if (w && w.ms !== undefined) {
          setTimeout(w.gc ? function () { process.memory(); next(); } : next, w.ms);
          return;
        }
        if (w && w.until) {
          waitUntil(w, next);
          return;
        }
      }
      finish(e, true);
    } catch (err) {
      finish(e, false, err);
    }
  }
  function waitUntil(w: any, then: () => void): void {
    var end = now() + w.timeoutMs;
    function poll(): void {
      try {
        if (w.until()) {
          then();
          return;
        }
      } catch (err) {
        finish(e, false, err);
        return;
      }
      if (now() > end) {
        ev(e, { t: "timeout", what: w.what });
        then();
        return;
      }
      setTimeout(poll, 1);
    }
    poll();
  }
  next();
}

/** The program in progress, if any (for debugging from the REPL). */
export function current(): any {
  return env;
}
