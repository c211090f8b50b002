// The Node realm: a node:vm context with its own microtask queue (drained after every
// evaluation and timer callback, as Espruino runs promise jobs from its idle loop), a
// wall-clock timeout and breakOnSigint. The page's bundle replaces this file with
// realm-browser.ts.
import v8 from "node:v8";
import vm from "node:vm";
import type { Realm, RealmHost, RunOptions } from "./realm";

/** Calls f(a...) in a context of its own (Realm.call). */
const CALL = new vm.Script("f.apply(undefined, a)", { filename: "timer" });

class NodeRealm implements Realm {
  readonly global: any;
  private ctx: vm.Context;
  private callContext: any = null;
  constructor(name: string) {
    this.ctx = vm.createContext({}, { name, microtaskMode: "afterEvaluate" });
    this.global = vm.runInContext("this", this.ctx);
  }
  run(code: string, filename: string, o: RunOptions = {}): unknown {
    if (o.timeoutMs === undefined && !o.breakOnSigint) return vm.runInContext(code, this.ctx, { filename });
    return vm.runInContext(code, this.ctx, { filename, timeout: o.timeoutMs, displayErrors: false, breakOnSigint: !!o.breakOnSigint });
  }
  call(fn: (...a: any[]) => void, args: any[], o: RunOptions = {}): void {
    var c = this.callContext || (this.callContext = vm.createContext({ f: null, a: null }));
    c.f = fn;
    c.a = args;
    try {
      CALL.runInContext(c, { breakOnSigint: !!o.breakOnSigint, timeout: o.timeoutMs, displayErrors: false });
    } finally { c.f = c.a = null; }
  }
  drainJobs(): void {
    vm.runInContext("undefined", this.ctx); // a microtask checkpoint for the context
  }
  dispose(): void {}
}

/** A full, synchronous garbage collection, without requiring node --expose-gc: the flag set at
 * run time exposes `gc` in contexts created afterwards. */
let gcFn: (() => void) | undefined;
export function fullGc(): void {
  if (!gcFn) {
    if (typeof (globalThis as any).gc === "function") gcFn = (globalThis as any).gc;
    else {
      v8.setFlagsFromString("--expose-gc");
      gcFn = vm.runInNewContext("gc") as () => void;
    }
  }
  gcFn!();
}

export const realms: RealmHost = {
  limits: { timeout: true, sigint: true, ownJobQueue: true, syncGc: true, weakRefsHeldPerTask: false },
  create: (name) => new NodeRealm(name),
  gc: () => { fullGc(); return true; },
};
