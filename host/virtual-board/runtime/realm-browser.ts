// The page's realm: a hidden same-origin iframe (about:blank), whose window is a global
// environment of its own, with the iframe's own eval to run code in it. What it cannot do,
// compared with node:vm (realm-node.ts), and what follows:
// - no timeout: the runtime's own watchdog (runtime.ts, armWatchdog) stops code that polls
//   registers or getTime() after 20 s with "Execution Interrupted", as node:vm's timeout
//   does; a loop that touches nothing at all freezes the tab;
// - a WeakRef's target lives until the page's task ends: the REPL runs each timer callback
//   in a task of its own (repl.ts, pump), so what one callback dropped can go in the next;
// - no SIGINT: Ctrl-C reaches running code only at its next peek/poke/getTime (as on the
//   in-process board in Node);
// - no job queue of its own: promise jobs run when the page's current task ends, not after
//   each command and timer callback (the driver and agent use no promises);
// - garbage collection only where the page has window.gc (chromium --js-flags=--expose-gc):
//   elsewhere the SRAM of a dropped typed array is freed once the browser collects it.
// This file replaces realm-node.ts in the page's bundle (scripts/build-web.ts).
import type { Realm, RealmHost, RunOptions } from "./realm";

/** The global names of ECMAScript itself (ES2024, plus console): kept in the realm. */
const ECMASCRIPT_GLOBALS = ("globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt decodeURI decodeURIComponent " +
  "encodeURI encodeURIComponent escape unescape Object Function Boolean Symbol Error AggregateError EvalError RangeError " +
  "ReferenceError SyntaxError TypeError URIError Number BigInt Math Date String RegExp Array Int8Array Uint8Array " +
  "Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array " +
  "Map Set WeakMap WeakSet ArrayBuffer SharedArrayBuffer DataView Atomics JSON WeakRef FinalizationRegistry Iterator " +
  "Promise Reflect Proxy Intl WebAssembly console").split(" ");

class FrameRealm implements Realm {
  readonly global: any;
  private frame: HTMLIFrameElement;
  private evalIn: (code: string) => unknown;
  private callName: string;
  constructor(name: string) {
    var f = document.createElement("iframe");
    f.style.display = "none";
    f.setAttribute("aria-hidden", "true");
    f.title = name;
    document.body.appendChild(f);
    this.frame = f;
    var w: any = f.contentWindow;
    if (!w) throw new Error("Cannot create the virtual board's JavaScript realm: the page has no iframe window");
    this.global = w;
    // A window is more than a JavaScript global (document, fetch, alert...): take away what
    // it can give up, so board code sees about what Espruino offers (the runtime then removes
    // what Espruino lacks). window, document, location and top cannot be removed.
    for (const k of Object.getOwnPropertyNames(w)) {
      if (ECMASCRIPT_GLOBALS.indexOf(k) >= 0) continue;
      try { delete w[k]; } catch (e) { /* unforgeable: stays */ }
    }
    // The realm's own eval, taken before the runtime replaces `eval` in it: an indirect call
    // runs code in the iframe's global scope.
    this.evalIn = w.eval;
    this.callName = "__espdmaCall" + Math.floor(Math.random() * 1e9);
    // A function of the realm, so a call runs on its side as a timer of Node's realm does.
    Object.defineProperty(w, this.callName, { value: this.evalIn.call(w, "(function (f, a) { return f.apply(undefined, a); })"), enumerable: false });
  }
  run(code: string, filename: string, _o?: RunOptions): unknown {
    // sourceURL names the code in stack traces (runtime/stack.ts maps frames by that name).
    return this.evalIn.call(this.global, code + "\n//# sourceURL=" + filename.replace(/\s/g, "_"));
  }
  call(fn: (...a: any[]) => void, args: any[]): void {
    this.global[this.callName](fn, args);
  }
  drainJobs(): void {}
  dispose(): void {
    this.frame.remove();
  }
}

/** Without window.gc: fill the young generation with garbage, so the scavenges that follow
 * clear the WeakRefs of views dropped lately (young ones; older ones wait for the browser's
 * own major GC). About 2 ms in Chromium. */
var sink: unknown = null;
function provokeScavenge(): void {
  for (var i = 0; i < 200000; i++) sink = { i };
  sink = null;
}

export function fullGc(): void {
  var g = (globalThis as any).gc;
  if (typeof g === "function") g();
}

export const realms: RealmHost = {
  limits: { timeout: false, sigint: false, ownJobQueue: false, syncGc: typeof (globalThis as any).gc === "function", weakRefsHeldPerTask: true },
  create: (name) => new FrameRealm(name),
  gc: () => {
    var g = (globalThis as any).gc;
    if (typeof g === "function") { g(); return true; }
    provokeScavenge();
    return false;
  },
};
