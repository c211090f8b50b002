// Typed arrays in the sandbox, stored as Espruino stores them (jswrap_arraybuffer.c): data of
// up to JSVAR_DATA_STRING_LEN bytes sits in the ArrayBuffer's own string block (contiguous, so
// E.getAddressOf(x, true) gives its address); longer data up to JSV_FLAT_STRING_BREAK_EVEN is a
// chain of string blocks (no address: E.getAddressOf(x, true) is 0); above that a flat string
// (contiguous, addressable), or a chain when no contiguous run of free variables is left.
// On the Pico layout: 0..8 addressable, 9..17 not, 18 and up flat
// (test/conformance/golden/flat-typed-arrays.out). Addressable kinds are HeapBlocks here.

import type { FlatBuffers } from "./flat-buffers";
import type { VarLayout } from "./layout";

export const TYPED_NAMES = ["Uint8Array", "Uint8ClampedArray", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array"];
const SIZES: { [k: string]: number } = { Uint8Array: 1, Uint8ClampedArray: 1, Int8Array: 1, Uint16Array: 2, Int16Array: 2, Uint32Array: 4, Int32Array: 4, Float32Array: 4, Float64Array: 8 };

export interface TypedArrayHooks {
  flat: FlatBuffers;
  layout: VarLayout;
  /** Runs the collector and sweeps (called once before giving up on an allocation). */
  collect(): void;
  /** Make an error of the sandbox's realm. */
  error(msg: string): Error;
}

/** Replace the sandbox's ArrayBuffer and typed array constructors with flat-aware ones. */
export function installTypedArrays(g: any, hooks: TypedArrayHooks): void {
  var flat = hooks.flat;
  var RealAB = g.ArrayBuffer;
  var breakEven = hooks.layout.flatBreakEven, inBlock = hooks.layout.stringLen;

  /** An addressable block of n bytes whose buffer belongs to the sandbox realm, or null. */
  function flatBuffer(n: number, managed: boolean): ArrayBuffer | null {
    if (!(n > breakEven || n <= inBlock)) return null;
    var blk = flat.allocBlock(n, undefined, managed);
    if (!blk) { hooks.collect(); blk = flat.allocBlock(n, undefined, managed); }
    if (!blk) return null;
    var buf = blk.data.buffer as ArrayBuffer;
    Object.setPrototypeOf(buf, RealAB.prototype);
    return buf;
  }

  function FlatArrayBuffer(this: any, n: unknown) {
    if (!(this instanceof FlatArrayBuffer)) throw hooks.error("Constructor should be called with 'new'");
    var len = Math.max(0, Math.floor(Number(n)) || 0);
    // The program holds the raw buffer: pinned (see flat-buffers.ts).
    return flatBuffer(len, false) || new RealAB(len);
  }
  FlatArrayBuffer.prototype = RealAB.prototype;
  FlatArrayBuffer.isView = RealAB.isView;
  Object.defineProperty(RealAB.prototype, "constructor", { value: FlatArrayBuffer, writable: true, configurable: true });
  g.ArrayBuffer = FlatArrayBuffer;

  TYPED_NAMES.forEach(function (name) {
    var Real = g[name], size = SIZES[name];
    var Ctor = function (this: any, a?: any, b?: any, c?: any) {
      if (!(this instanceof Ctor)) throw hooks.error("Constructor should be called with 'new'");
      var view: any;
      if (a !== null && typeof a === "object" && !isArrayLike(a)) {
        // new X(buffer, byteOffset, length): a view on an existing buffer.
        view = c === undefined ? (b === undefined ? new Real(a) : new Real(a, b)) : new Real(a, b, c);
      } else {
        var len = isArrayLike(a) ? a.length >>> 0 : Math.max(0, Math.floor(Number(a)) || 0);
        var buf = flatBuffer(len * size, true);
        view = buf ? new Real(buf, 0, len) : new Real(len);
        if (isArrayLike(a)) for (var i = 0; i < len; i++) view[i] = a[i];
      }
      flat.addView(view);
      return view;
    } as any;
    Ctor.prototype = Real.prototype;
    Object.defineProperty(Real.prototype, "constructor", { value: Ctor, writable: true, configurable: true });
    // slice/map/filter/subarray build their result through the species constructor: ours, so
    // a large slice is flat as on Espruino and a subarray is a tracked view.
    Object.defineProperty(Ctor, Symbol.species, { get: function () { return Ctor; }, configurable: true });
    g[name] = Ctor;
  });

  // Views made by the engine itself must keep their block alive too; handing out the raw
  // buffer pins it (flat-buffers.ts explains why).
  var TAProto = Object.getPrototypeOf(g.Uint8Array.prototype);
  var sub = TAProto.subarray;
  Object.defineProperty(TAProto, "subarray", {
    value: function (this: any, s?: number, e?: number) { var r = sub.call(this, s, e); flat.addView(r); return r; },
    writable: true, configurable: true,
  });
  pinOnBuffer(TAProto, flat);
  pinOnBuffer(g.DataView.prototype, flat);
  var RealDV = g.DataView;
  var DV = function (this: any, buf: any, off?: number, len?: number) {
    var v = len === undefined ? (off === undefined ? new RealDV(buf) : new RealDV(buf, off)) : new RealDV(buf, off, len);
    flat.addView(v);
    return v;
  } as any;
  DV.prototype = RealDV.prototype;
  Object.defineProperty(RealDV.prototype, "constructor", { value: DV, writable: true, configurable: true });
  g.DataView = DV;
}

function pinOnBuffer(proto: any, flat: FlatBuffers): void {
  var d = Object.getOwnPropertyDescriptor(proto, "buffer");
  if (!d || !d.get) return;
  var get = d.get;
  Object.defineProperty(proto, "buffer", {
    get: function (this: any) { var b = get.call(this); flat.pin(b); return b; },
    configurable: true,
  });
}

function isArrayLike(a: any): boolean {
  if (a === null || typeof a !== "object") return false;
  if (Array.isArray(a)) return true;
  if (ArrayBuffer.isView(a) && typeof (a as any).length === "number") return true;
  var t = Object.prototype.toString.call(a);
  return t !== "[object ArrayBuffer]" && t !== "[object DataView]" && typeof a.length === "number";
}
