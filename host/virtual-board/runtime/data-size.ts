// Blocks the program's data takes, as Espruino would store it: every object, array and string
// reachable from the program's globals (not the interpreter's own), walked once each. An
// object is one block (a function is charged when created: code-cost.ts); each property its name (4 characters in the name block,
// 9 in each further one; an array element's index one block); an integer, boolean, null or
// undefined value sits in the name, any other number takes a block, a string 8 characters in
// its first block and 9 in each further one (Pico layout). Measured on 2v29, Pico layout
// (test/conformance/golden/memory-data.out): 10 integer properties 14 blocks, 10 string ones
// 24, the same for arrays. Functions are charged when created (instrument.ts); their own properties are
// walked. Flat buffers are on the heap already: only their view and ArrayBuffer count here.
// Data only a closure can reach is not visible to this walk.

import { stringBlocks, type VarLayout } from "./layout";
import { nameBlocks } from "./instrument";

export function dataBlocks(roots: unknown[], skip: Set<unknown>, l: VarLayout, isFlat: (x: unknown) => boolean, limit = 100000): number {
  var seen = new Set<unknown>(skip), n = 0, stack: unknown[] = roots.slice();
  function value(v: unknown): number {
    var t = typeof v;
    if (t === "string") return stringBlocks((v as string).length, l);
    if (t === "number") return (v as number) % 1 === 0 && Math.abs(v as number) < 2147483648 ? 0 : 1;
    if (t === "boolean" || v === null || v === undefined) return 0;
    if ((t === "object" || t === "function") && !seen.has(v)) stack.push(v);
    return 0;
  }
  while (stack.length && seen.size < limit) {
    var x: any = stack.pop();
    if (x === null || (typeof x !== "object" && typeof x !== "function") || seen.has(x)) continue;
    seen.add(x);
    if (ArrayBuffer.isView(x) || Object.prototype.toString.call(x) === "[object ArrayBuffer]") {
      n += 2;
      if (!isFlat(x)) n += stringBlocks((x as any).byteLength, l);
      continue;
    }
    if (typeof x !== "function") n += 1;
    var keys: string[];
    try { keys = Object.getOwnPropertyNames(x); } catch { continue; }
    var arr = Array.isArray(x);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (arr && k === "length") continue;
      if (typeof x === "function" && (k === "length" || k === "name" || k === "arguments" || k === "caller")) continue;
      var d = Object.getOwnPropertyDescriptor(x, k);
      if (!d || !("value" in d)) continue;
      if (typeof x === "function" && k === "prototype" && d.value && Object.getOwnPropertyNames(d.value).length <= 1) continue;
      n += (arr ? 1 : nameBlocks(k.length)) + value(d.value);
    }
    var proto = Object.getPrototypeOf(x);
    if (proto && !seen.has(proto)) stack.push(proto);
  }
  return n;
}

/** Every object reachable from `root` (the interpreter's own objects, before user code). */
export function reachable(root: unknown): Set<unknown> {
  var seen = new Set<unknown>(), stack: unknown[] = [root];
  while (stack.length) {
    var x: any = stack.pop();
    if (x === null || (typeof x !== "object" && typeof x !== "function") || seen.has(x)) continue;
    seen.add(x);
    var keys: string[];
    try { keys = Object.getOwnPropertyNames(x); } catch { continue; }
    for (var i = 0; i < keys.length; i++) {
      var d = Object.getOwnPropertyDescriptor(x, keys[i]);
      if (!d) continue;
      if ("value" in d) stack.push(d.value);
      else { stack.push(d.get); stack.push(d.set); }
    }
    stack.push(Object.getPrototypeOf(x));
  }
  return seen;
}
