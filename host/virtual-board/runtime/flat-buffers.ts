// Which buffers are flat data in the virtual SRAM. A flat typed array on the virtual board is a
// view on a HeapBlock's `data`, so a DMA write into the block's range is visible to JS at once
// and E.getAddressOf answers block.addr + byteOffset. Shared by the sandbox runtime and by the
// direct (no sandbox) platform used by driver tests.
//
// Liveness. Espruino frees a flat string when its last reference goes. Here the heap holds each
// block's bytes strongly (the DMA model must reach them), so the ArrayBuffer can never be
// collected; instead we watch the *views* the sandbox was handed (typed arrays, DataViews) with
// WeakRefs. A managed block is freed by sweep() once none of its views is reachable. A block
// whose raw ArrayBuffer the program got hold of (`new ArrayBuffer(n)`, `.buffer`,
// E.toArrayBuffer) cannot be watched that way and becomes pinned: it lives until reset().
// sweep() runs after a forced full GC at deterministic points (idle REPL, process.memory(),
// E.defrag(), allocation failure), never from a finalizer, so frees happen at known times.

import type { Heap, HeapBlock } from "../contract";

interface Tracked {
  block: HeapBlock;
  views: WeakRef<object>[];
  pinned: boolean;
}

// Host-realm getters work on views of any realm (they check internal slots, not prototypes), and
// do not go through the sandbox's own (instrumented) `buffer` getter.
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const taBuffer = Object.getOwnPropertyDescriptor(typedArrayProto, "buffer")!.get!;
const taOffset = Object.getOwnPropertyDescriptor(typedArrayProto, "byteOffset")!.get!;
const dvBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, "buffer")!.get!;
const dvOffset = Object.getOwnPropertyDescriptor(DataView.prototype, "byteOffset")!.get!;
// %TypedArray%.prototype[@@toStringTag] (ECMA-262) reads the internal slot: the type name for a
// typed array of any realm, undefined for anything else, and it never throws. Telling views
// apart by a getter that throws cost a quarter of the race tests' time.
const taTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get!;
const isTypedArray = (x: any) => taTag.call(x) !== undefined;

/** The ArrayBuffer and byte offset behind x (view or buffer), without touching sandbox getters. */
export function bufferOf(x: any): { buffer: ArrayBufferLike; offset: number } | undefined {
  if (x == null || typeof x !== "object") return undefined;
  if (ArrayBuffer.isView(x)) {
    if (isTypedArray(x)) return { buffer: taBuffer.call(x), offset: taOffset.call(x) };
    return { buffer: dvBuffer.call(x), offset: dvOffset.call(x) };
  }
  if (x instanceof ArrayBuffer || Object.prototype.toString.call(x) === "[object ArrayBuffer]") return { buffer: x, offset: 0 };
  return undefined;
}

export class FlatBuffers {
  private byBuffer = new WeakMap<ArrayBufferLike, Tracked>();
  private tracked: Tracked[] = [];
  /** Managed blocks allocated since the last sweep (a sweep is only worth a GC if > 0). */
  allocsSinceSweep = 0;

  constructor(readonly heap: Heap) {}

  /** Allocate `bytes` of flat SRAM; null when the heap is full. `managed`: freed by sweep()
   * when its views are unreachable; otherwise the caller frees it (directFree, reset). */
  allocBlock(bytes: number, region?: string, managed = false): HeapBlock | null {
    var blk = this.heap.alloc(bytes, region);
    if (!blk) return null;
    var t: Tracked = { block: blk, views: [], pinned: !managed };
    if (managed) this.allocsSinceSweep++;
    this.byBuffer.set(blk.data.buffer, t);
    this.tracked.push(t);
    return blk;
  }

  /** Record a view the program holds on a flat buffer (keeps a managed block alive). */
  addView(view: object): void {
    var b = bufferOf(view);
    var t = b && this.byBuffer.get(b.buffer);
    if (t && t.block.live && !t.pinned) t.views.push(new WeakRef(view));
  }

  /** The program holds the raw ArrayBuffer: its block can no longer be watched, keep it. */
  pin(x: any): void {
    var b = bufferOf(x);
    var t = b && this.byBuffer.get(b.buffer);
    if (t) t.pinned = true;
  }

  /** The block behind a typed array / ArrayBuffer / DataView, if it is flat heap data. */
  blockOf(x: any): HeapBlock | undefined {
    var b = bufferOf(x);
    var t = b && this.byBuffer.get(b.buffer);
    return t ? t.block : undefined;
  }

  /** E.getAddressOf(x, true): address of the first data byte, 0 when x is not flat SRAM data. */
  addressOf(x: any): number {
    var b = bufferOf(x);
    var t = b && this.byBuffer.get(b.buffer);
    if (!t || !t.block.live) return 0;
    return t.block.addr + b!.offset - t.block.data.byteOffset;
  }

  /** Free a block now (explicit release). */
  free(blk: HeapBlock): void {
    if (blk.live) this.heap.free(blk);
  }

  /** Free every managed block none of whose views is reachable any more. Call after a full GC.
   * Note WeakRef targets created or dereferenced in the current synchronous job stay alive
   * until the job ends (ECMA-262 KeepDuringJob), so sweep from a later job. Returns frees. */
  sweep(): number {
    this.allocsSinceSweep = 0;
    var n = 0, keep: Tracked[] = [];
    for (var i = 0; i < this.tracked.length; i++) {
      var t = this.tracked[i];
      if (!t.block.live) continue;
      if (!t.pinned) {
        var alive: WeakRef<object>[] = [];
        for (var j = 0; j < t.views.length; j++) if (t.views[j].deref() !== undefined) alive.push(t.views[j]);
        t.views = alive;
        if (alive.length === 0) { this.heap.free(t.block); n++; continue; }
      }
      keep.push(t);
    }
    this.tracked = keep;
    return n;
  }

  /** Is any block waiting to be found unreachable? (Otherwise a sweep has nothing to do.) */
  hasManaged(): boolean {
    for (var i = 0; i < this.tracked.length; i++) if (!this.tracked[i].pinned && this.tracked[i].block.live) return true;
    return false;
  }

  /** Free every block (reset()). */
  freeAll(): void {
    for (var i = 0; i < this.tracked.length; i++) this.free(this.tracked[i].block);
    this.tracked = [];
  }

  /** Live blocks and their total bytes (data, not counting headers). */
  live(): { count: number; bytes: number } {
    var c = 0, b = 0;
    for (var i = 0; i < this.tracked.length; i++) if (this.tracked[i].block.live) { c++; b += this.tracked[i].block.size; }
    return { count: c, bytes: b };
  }
}
