// The few EventEmitter methods the link uses (on, off, once, emit), without node:events, so
// the same ReplClient and FrameParser run in Node and in a browser page.
type Fn = (...a: any[]) => void;

export class Emitter {
  private fns = new Map<string, Fn[]>();
  on(ev: string, fn: Fn): this {
    var l = this.fns.get(ev);
    if (l) l.push(fn); else this.fns.set(ev, [fn]);
    return this;
  }
  off(ev: string, fn: Fn): this {
    var l = this.fns.get(ev);
    if (l) {
      // The last one added goes first, as Node's removeListener does with duplicates.
      var i = l.lastIndexOf(fn);
      if (i < 0) i = l.findIndex((f: any) => f.listener === fn);
      if (i >= 0) l.splice(i, 1);
    }
    return this;
  }
  removeListener(ev: string, fn: Fn): this { return this.off(ev, fn); }
  once(ev: string, fn: Fn): this {
    var self = this;
    var w: any = function (this: any, ...a: any[]) { self.off(ev, w); fn.apply(this, a); };
    w.listener = fn;
    return this.on(ev, w);
  }
  emit(ev: string, ...a: any[]): boolean {
    var l = this.fns.get(ev);
    if (!l || !l.length) {
      // As Node: an "error" nobody listens to is thrown, not lost.
      if (ev === "error") throw a[0] instanceof Error ? a[0] : new Error("Unhandled error: " + String(a[0]));
      return false;
    }
    for (const f of l.slice()) f.apply(this, a);
    return true;
  }
  listenerCount(ev: string): number { var l = this.fns.get(ev); return l ? l.length : 0; }
}
