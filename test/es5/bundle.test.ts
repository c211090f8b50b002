// The ES5 gate: the built bundles parse as ES5 and contain none of the patterns that fail on
// Espruino (scripts/check-bundle.ts, proven here on a bad sample per pattern), and the bundle
// really runs one memcpy in two ES5 engines, duktape and mujs, through a fake platform and
// provider written in plain ES5 below.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { checkBundle } from "../../scripts/check-bundle";

var BUNDLES = ["dist/espdma.js", "dist/espdma.min.js"];
if (existsSync("firmware/agent/index.ts")) BUNDLES.push("dist/espdma-agent.js", "dist/espdma-agent.min.js");
BUNDLES.push("dist/espdma-nrf52.js", "dist/espdma-nrf52.min.js");

describe("bundle scan", () => {
  for (var f of BUNDLES) {
    let file = f;
    test(file + " parses as ES5 and has no Espruino-breaking pattern", () => {
      assert.ok(existsSync(file), file + " missing: run npm run build");
      assert.deepEqual(checkBundle(readFileSync(file, "utf8")), []);
    });
  }

  var bad: [string, string, RegExp][] = [
    ["arrow function", "var f = (x) => x;", /not ECMAScript 5/],
    ["let", "let x = 1;", /not ECMAScript 5/],
    ["class", "class A {}", /not ECMAScript 5/],
    ["Map", "var m = new Map();", /Map is not available/],
    ["Set", "var s = new Set();", /Set is not available/],
    ["Symbol", "var s = Symbol('x');", /Symbol is not available/],
    ["Promise", "Promise.resolve(1);", /Promise is not available/],
    ["WeakMap", "var w = new WeakMap();", /WeakMap is not available/],
    ["Object.assign", "var o = Object.assign({}, {a: 1});", /Object\.assign/],
    ["Array.from", "var a = Array.from('ab');", /Array\.from/],
    ["Object.freeze", "var o = Object.freeze({});", /Object\.freeze/],
    ["Number.isInteger", "var b = Number.isInteger(1);", /Number\.isInteger/],
    ["lastIndexOf", "var i = [1].lastIndexOf(1);", /\.lastIndexOf/],
    ["Array.prototype", "var s = Array.prototype.slice.call([1]);", /Array\.prototype\.slice/],
    ["Function.prototype", "var b = Function.prototype.bind;", /Function\.prototype\.bind/],
    ["String.prototype", "var c = String.prototype.charAt.call('a', 0);", /String\.prototype\.charAt/],
    ["__extends", "var B = (function (_super) { __extends(B, _super); function B() {} return B; })(A);", /__extends/],
    ["__spreadArray", "var a = __spreadArray([], b, true);", /__spreadArray/],
    ["Object.create with two arguments", "var o = Object.create(p, { x: { value: 1 } });", /Object\.create/],
    ["call before declaration", "var x = later();\nfunction later() { return 1; }", /later used before its declaration/],
    ["call before declaration in a function body", "(function () { go(); function go() {} })();", /go used before its declaration/],
    // terser's output that broke dev2mem on a board: an inlined parameter assigned before its var.
    ["var assigned before its declaration (inlined function)", 'var e = "dev2mem";\nfunction d(n) { return L(e = n, e);\n var e; }', /e used before its declaration at 3:5/],
    ["var read before its declaration at the top level", "print(x);\nvar x = 1;", /x used before its declaration at 2:4/],
    ["use inside an immediately called function", "(function () { y(); })();\nfunction y() {}", /y used before its declaration/],
    ["use inside f(){}.call()", "(function () { y(); }).call(this);\nvar y = 1;", /y used before its declaration/],
    ["var in a catch block before use", "function f() { try {} catch (e) { v = 1; } var v; }", /v used before its declaration/],
    ["Modules.addCached inside the IIFE that defines the global", 'var m = function (x) { Modules.addCached("m", "module.exports=m"); return x; }({});', /addCached\("m"\) runs its source at once, before m is defined/],
    ["Modules.addCached before the global", 'Modules.addCached("m", "module.exports=m");\nvar m = {};', /before m is defined/],
    ["Modules.addCached with a function", 'var m = {};\nModules.addCached("m", function () { module.exports = m; });', /without its closure/],
  ];
  for (var b of bad) {
    let [name, src, why] = b;
    test("catches " + name, () => {
      var problems = checkBundle(src);
      assert.ok(problems.some((p) => why.test(p.what)), JSON.stringify(problems));
    });
  }

  test("accepts what Espruino runs: instance methods, one-arg Object.create, define-before-use, property names", () => {
    var ok = "function f() { return 1; }\nvar x = f();\nvar o = Object.create(null);\nvar a = [1, 2].slice(1);\n" +
      "var p = { Map: 1, Set: 2 };\nvar q = p.Map + p.Set;\nfunction C() {}\nC.prototype.go = function () { return later(); };\nfunction later() { return x; }";
    assert.deepEqual(checkBundle(ok), []);
  });

  test("accepts declaration orders Espruino runs: later use in a nested function, parameters, catch names, addCached after the global", () => {
    var ok = "function f() { return z; }\nvar z = 1;\nf();\n" +
      "function g(e) { e = 2; var e; return e; }\n" +
      "function h() { try { k(); } catch (e) { e = 1; } }\nfunction k() {}\n" +
      "var w = (function (n) { return function () { return v; }; var v; })(1);\n" +
      'var m = function (x) { return x; }({});\nif (typeof Modules !== "undefined") Modules.addCached("m", "module.exports=m");\n' +
      "setTimeout(function () { later(); }, 0);\nfunction later() {}";
    assert.deepEqual(checkBundle(ok), []);
  });

  test("the command names file, line and column and exits 1 for a hoisting bundle (npm test runs it on dist/)", () => {
    var dir = mkdtempSync(join(tmpdir(), "espdma-check-"));
    var bad = join(dir, "bad.js"), good = join(dir, "good.js");
    writeFileSync(bad, 'var e = "dev2mem";\nvar espdma = function (n) { e = n;\n var e; Modules.addCached("espdma", "module.exports=espdma"); return n; }({});\n');
    writeFileSync(good, 'var espdma = function (n) { var e; e = n; return n; }({});\nModules.addCached("espdma", "module.exports=espdma");\n');
    var r = spawnSync(process.execPath, ["--import", "tsx", "scripts/check-bundle.ts", bad, good], { encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(bad.replace(/\W/g, ".") + ":2:28: var e used before its declaration at 3:5"));
    assert.match(r.stderr, /bad\.js:3:8: Modules\.addCached\("espdma"\) runs its source at once, before espdma is defined/);
    assert.doesNotMatch(r.stderr, /good\.js/);
    assert.match(r.stdout, /good\.js: ES5 and Espruino-safe/);
  });
});

// The ES5 harness: a fake platform (timer queue, addresses for buffers) and a fake provider
// that copies bytes on start and reports completion on the next poll. Buffers come from
// espdma's alloc(): a Uint8Array from the core where the engine has typed arrays (duktape), or
// plain arrays carrying byteLength from the platform's alloc(n) where it has none (mujs,
// JerryScript's es5.1 profile), as an embedding would supply them.
var HARNESS = `
var timers = [], seq = 0, now = 0, mem = [], nextAddr = 0x20000000;
function place(b) {
  mem.push({ buf: b, addr: nextAddr });
  nextAddr += (b.byteLength + 19) & ~3;
  return nextAddr - ((b.byteLength + 19) & ~3);
}
function plainBuf(n) {
  var b = [];
  for (var i = 0; i < n; i++) b.push(0);
  b.byteLength = n;
  return b;
}
function find(addr) {
  for (var i = 0; i < mem.length; i++) if (mem[i].addr === addr) return mem[i].buf;
  throw new Error("no buffer at " + addr);
}
var platform = {
  peek32: function () { return 0; }, poke32: function () {},
  addressOf: function (b) { for (var i = 0; i < mem.length; i++) if (mem[i].buf === b) return mem[i].addr; return place(b); },
  setTimeout: function (fn, ms) { var t = { fn: fn, at: now + ms, id: ++seq }; timers.push(t); return t.id; },
  clearTimeout: function (id) { for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { timers.splice(i, 1); return; } },
  now: function () { return now; },
  report: function (e) { print("Uncaught " + e.message); },
  warn: function (m) { print("WARNING: " + m); },
  boardName: function () { return "ES5"; }
};
var events = [];
var provider = {
  reachable: function (a, n) { return a >= 0x20000000; },
  maxSegmentLen: function () { return 65535; },
  allocChan: function (req) { return { name: "es5 chan" }; },
  freeChan: function () {}, config: function () {},
  prep: function (pc, req) { return { len: req.segments[0].len, expectedMs: 0, src: req.src, dst: req.dst }; },
  start: function (pc, hw) {
    var s = find(hw.src), d = find(hw.dst);
    for (var i = 0; i < hw.len; i++) d[i] = s[i];
    events.push({ chan: pc, kind: "complete" });
  },
  terminateAll: function () {}, synchronize: function () {},
  residue: function () { return 0; }, pause: function () {}, resume: function () {},
  poll: function (chans) { var e = events; events = []; return e; },
  dump: function () { return "es5 chan idle"; }
};
var how = "Uint8Array";
if (typeof Uint8Array === "undefined") {
  try { espdma.createEngine(platform, provider).alloc(8); how = "none"; } catch (e) { how = "platform, without it " + e.code; }
  platform.alloc = plainBuf;
}
var engine = espdma.createEngine(platform, provider);
var ch = engine.requestChannel({ request: "mem2mem" });
var src = engine.alloc(8), dst = engine.alloc(8);
print("alloc " + how + " " + src.byteLength);
for (var i = 0; i < 8; i++) src[i] = i * 3 + 1;
var got = "none";
var cookie = ch.prepMemcpy(dst, src, 8, { callback: function (r) { got = r.result + " residue " + r.residue; } }).submit();
ch.issuePending();
for (var guard = 0; timers.length && guard < 100; guard++) {
  timers.sort(function (a, b) { return a.at - b.at || a.id - b.id; });
  var t = timers.shift(); now = t.at; t.fn();
}
var out = [];
for (var j = 0; j < 8; j++) out.push(dst[j]);
print("memcpy " + got + " status " + ch.txStatus(cookie).status + " dst " + out.join(","));
try { ch.issuePending(); ch.terminateAsync(); ch.issuePending(); } catch (e) { print("after terminateAsync: " + e.code); }
ch.synchronize();
ch.release();
print("timers left " + timers.length + " version " + espdma.version);
`;

var RESULT = "memcpy ok residue 0 status complete dst 1,4,7,10,13,16,19,22\nafter terminateAsync: EBUSY\ntimers left 0 version 0.1.0\n";

/** The ES5 engines: the command, whether it has typed arrays, and why a test is skipped when
 * it is missing (the tests never fail on a machine with only Node). */
function onPath(cmd: string): boolean {
  var r = spawnSync(cmd, ["-e-not-a-file-"], { encoding: "utf8", timeout: 5000 });
  return !(r.error && (r.error as any).code === "ENOENT");
}
function debian(cmd: string, pkg: string): string {
  return cmd + " is not installed: install the Debian package " + pkg + " (apt-get install " + pkg + ", or run .ci/run) to run this test";
}
var ENGINES: { name: string; bin: string | undefined; typed: boolean; skip: string }[] = [
  { name: "duk", bin: onPath("duk") ? "duk" : undefined, typed: true, skip: debian("duk", "duktape") },
  { name: "mujs", bin: onPath("mujs") ? "mujs" : undefined, typed: false, skip: debian("mujs", "mujs") },
  { name: "JerryScript es5.1", bin: process.env.JERRY, typed: false, skip: "set JERRY to a JerryScript 2.4 binary built with the es5.1 profile to run this (README: ES5 and Espruino)" },
];

describe("runs in ES5 engines", () => {
  var dir = mkdtempSync(join(tmpdir(), "espdma-es5-"));
  for (var engine of ENGINES) {
    for (var f of ["dist/espdma.js", "dist/espdma.min.js"]) {
      let eng = engine, file = f;
      test(eng.name + " loads " + file + " and runs one memcpy" + (eng.typed ? "" : " with buffers from the platform"), { skip: eng.bin ? false : eng.skip }, () => {
        var script = join(dir, eng.name.replace(/\W/g, "_") + "-" + file.replace(/\W/g, "_") + ".js");
        writeFileSync(script, readFileSync(file, "utf8") + "\n" + HARNESS);
        var r = spawnSync(eng.bin as string, [script], { encoding: "utf8", timeout: 20000 });
        assert.equal(r.error, undefined, eng.name + ": " + r.error);
        var how = eng.typed ? "Uint8Array" : "platform, without it ENOSYS";
        assert.equal(r.stdout, "alloc " + how + " 8\n" + RESULT, "stderr: " + r.stderr);
        assert.equal(r.status, 0);
      });
    }
  }
});

describe("module definition", () => {
  for (var f of ["dist/espdma.js", "dist/espdma.min.js"]) {
    let file = f;
    test(file + " defines the global espdma and registers require(\"espdma\") with Modules.addCached", async () => {
      var vm = await import("node:vm");
      var cached: { [id: string]: string } = {};
      var ctx: any = { Modules: { addCached: (id: string, src: string) => { cached[id] = src; } } };
      vm.runInNewContext(readFileSync(file, "utf8"), ctx);
      assert.equal(typeof ctx.espdma, "object");
      assert.equal(typeof ctx.espdma.requestChannel, "function");
      assert.deepEqual(Object.keys(cached), ["espdma"]);
      // What Espruino's require() does with a cached module's source: run it with `module`.
      var mod: any = { exports: {} };
      vm.runInNewContext(cached.espdma, { module: mod, espdma: ctx.espdma });
      assert.equal(mod.exports, ctx.espdma);
    });
  }
});

describe("minification keeps the public API", () => {
  // The build shortens "_"-prefixed property names only (rollup.config.js): every public name
  // must survive in the minified bundle, on the module, the engine, a channel and a tx.
  for (var f of ["dist/espdma.js", "dist/espdma.min.js"]) {
    let file = f;
    test(file + ": module, engine, channel and tx methods keep their names", async () => {
      var vm = await import("node:vm");
      var ctx: any = {};
      vm.runInNewContext(readFileSync(file, "utf8"), ctx);
      var m = ctx.espdma;
      for (var k of ["version", "codes", "dmaError", "isDmaError", "createEngine", "defaultEngine", "requestChannel", "alloc", "dump"]) assert.ok(k in m, "espdma." + k);
      var provider = {
        reachable: () => true, maxSegmentLen: () => 65535, allocChan: () => ({ name: "c0" }), freeChan() {}, config() {},
        prep: (_pc: any, req: any) => ({ len: req.segments[0].len, expectedMs: 0 }), start() {}, terminateAll() {}, synchronize() {},
        residue: () => 0, pause() {}, resume() {}, poll: () => [], dump: () => "",
      };
      var platform = {
        // (distinct addresses per buffer length: memcpy refuses overlapping buffers)
        peek32: () => 0, poke32() {}, addressOf: (b: any) => 0x20000000 + b.length * 16, setTimeout: () => 1, clearTimeout() {}, now: () => 0,
        report() {}, warn() {}, boardName: () => "X",
      };
      var engine = m.createEngine(platform, provider);
      for (var e of ["requestChannel", "alloc", "dump"]) assert.equal(typeof engine[e], "function", "engine." + e);
      var ch = engine.requestChannel({ request: "mem2mem" });
      assert.equal(ch.name, "c0");
      for (var c of ["config", "prepMemcpy", "prepSlaveSg", "prepCyclic", "issuePending", "txStatus", "pause", "resume", "terminateAsync", "terminateAll", "synchronize", "terminateSync", "release"]) {
        assert.equal(typeof ch[c], "function", "channel." + c);
      }
      var buf = new Uint8Array(8), src = new Uint8Array(16);
      var tx = ch.prepMemcpy(buf, src, 8);
      assert.equal(typeof tx.submit, "function");
      assert.equal(JSON.stringify(ch.txStatus(tx.submit())), '{"status":"in_progress","residue":8}'); // another realm: compare as JSON
    });
  }
});
