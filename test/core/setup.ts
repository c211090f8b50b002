// Shared set-up for the core tests: an engine over the fake platform and provider.
import { createEngine } from "../../firmware/index";
import { rig } from "../helpers/fake-provider";

export function setup() {
  var r = rig(createEngine);
  var ch = r.engine.requestChannel({ request: "mem2mem" });
  return {
    ...r,
    ch,
    /** A filled source and a zeroed destination of n bytes. */
    pair(n: number) {
      var src = r.engine.alloc(n), dst = r.engine.alloc(n);
      for (var i = 0; i < n; i++) src[i] = (i * 7 + 1) & 0xff;
      return { src, dst };
    },
  };
}

/** Record callback results. */
export function recorder() {
  var calls: any[] = [];
  var cb = function (r: any) { calls.push(r); };
  return { calls, cb };
}

/** Assert fn throws a DmaError with this code; returns it. */
export function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e: any) {
    if (e && e.name === "DmaError") return e.code;
    throw e;
  }
  return "no error";
}
