// Broken providers and cores, as controls: the search must catch each of them, or our checks
// would not notice the bug the seed fixes. Each mutant wraps or hooks the real objects at test
// time (no hook in the core or the drivers is needed):
// - no-device-sync:        provider.synchronize() returns at once (no EN poll, no flag clear).
// - sync-ignores-en:       the provider's synchronize runs, but its reads of the stream's control
//                          register see EN=0, so it does not wait for the stream to stop.
// - terminate-keeps-callback: terminateAsync() leaves a completed descriptor's callback
//                          scheduled (it still runs, as if terminate forgot the completed list).
// - early-unpin:           the core drops its references to a terminated descriptor's buffers at
//                          terminate instead of after synchronize: the (emulated) garbage
//                          collector frees buffers the client already let go of while the
//                          stream may still run.
// - sync-callbacks-last:   synchronize() decides whether to wait for the hardware before it
//                          runs the callbacks already due, as the core did before issue 11:
//                          a callback that terminates the next, running transfer is then not
//                          waited for (EN may still read 1, its buffers are let go).
// - stale-flags:           writes to the flag-clear registers (LIFCR/HIFCR, IFCR) made while
//                          synchronizing or starting a transfer are lost: flags of an earlier
//                          transfer are still set when the stream is enabled again.
import type { Provider, ProviderChan, HwDesc } from "../../firmware/dmaengine/provider";
import { flagClearAddrs } from "./hw-inspect";
import type { World } from "./world";

export interface Mutant {
  name: string;
  description: string;
  /** Wrap the provider before the engine is created. */
  wrapProvider?(p: Provider, w: World): Provider;
  /** Patch a channel object returned by engine.requestChannel(). */
  wrapChannel?(ch: any, w: World): void;
  /** Why the hazard this mutant plants cannot occur on a board family, per its reference
   * manual: the mutant is then equivalent to the real stack there and is not expected to be
   * caught (it still runs, and is reported as not caught). */
  equivalentOn?(family: string): string | null;
}

/** Why waiting for the stop cannot matter on the F1 channel DMA. RM0008 13.4.3: CCRx.EN is
 * set and cleared by software, with no stop latency, and the channel set-up (13.3.3) has no
 * "wait until EN reads 0" step; an F2/F4 stream instead finishes its current item and EN reads 1
 * until then (RM0090 10.3.14, 10.5.5, 10.3.17 step 1). The channel stops inside
 * terminateAsync(), so there is no late access for these mutants to let through. */
export const F1_STOPS_AT_ONCE =
  "RM0008 13.4.3, 13.3.3: an F1 channel stops when EN is written 0 (no stop latency, no wait for EN=0, " +
  "unlike RM0090 10.3.14, 10.3.17): no late access to let through";

function f1Equivalent(family: string): string | null {
  return family === "F1" ? F1_STOPS_AT_ONCE : null;
}

/** A provider that forwards everything to `p`, with some methods replaced. */
function forward(p: Provider, over: Partial<Provider>): Provider {
  var out: any = {};
  var names = ["reachable", "maxSegmentLen", "allocChan", "freeChan", "config", "prep", "start", "terminateAll", "synchronize", "residue", "pause", "resume", "poll", "dump"];
  names.forEach(function (n) {
    var own = (over as any)[n];
    var orig = (p as any)[n];
    out[n] = own || (typeof orig === "function" ? function () { return orig.apply(p, arguments as any); } : orig);
  });
  // Anything else the provider offers (additive members), unchanged.
  for (var k in p) if (!(k in out)) out[k] = typeof (p as any)[k] === "function" ? (p as any)[k].bind(p) : (p as any)[k];
  return out as Provider;
}

const noDeviceSync: Mutant = {
  name: "no-device-sync",
  description: "provider synchronize returns at once",
  equivalentOn: f1Equivalent,
  wrapProvider: function (p) {
    return forward(p, { synchronize: function () {} });
  },
};

const syncIgnoresEn: Mutant = {
  name: "sync-ignores-en",
  description: "synchronize does not wait for EN to read 0",
  equivalentOn: f1Equivalent,
  wrapProvider: function (p, w) {
    var cr: { [a: number]: boolean } = {};
    for (var i = 0; i < w.streams.length; i++) cr[w.streams[i].crAddr] = true;
    var inSync = false;
    w.hooks.peek = function (addr, v) {
      return inSync && cr[addr] ? (v & ~1) >>> 0 : v;
    };
    return forward(p, {
      synchronize: function (pc: ProviderChan, timeoutMs: number) {
        inSync = true;
        try { p.synchronize(pc, timeoutMs); } finally { inSync = false; }
      },
    });
  },
};

const staleFlags: Mutant = {
  name: "stale-flags",
  description: "flags not cleared before re-enabling",
  wrapProvider: function (p, w) {
    var clr: { [a: number]: boolean } = {};
    flagClearAddrs(w.board).forEach(function (a) { clr[a] = true; });
    var swallow = false;
    w.hooks.poke = function (addr) {
      return !(swallow && clr[addr]);
    };
    function muted<T>(f: () => T): T {
      swallow = true;
      try { return f(); } finally { swallow = false; }
    }
    return forward(p, {
      synchronize: function (pc: ProviderChan, t: number) { muted(function () { p.synchronize(pc, t); }); },
      start: function (pc: ProviderChan, hw: HwDesc) { muted(function () { p.start(pc, hw); }); },
    });
  },
};

/** A submitted transfer as a mutant sees it: the core's tx object, its cookie, and the client's
 * callback (wrapped, so the mutant knows whether it ran). */
interface Tracked {
  tx: any;
  cookie: any;
  cb: ((r: any) => void) | null;
  ran: boolean;
}

/** Wraps a channel's prep*() so that every submitted tx is known to the mutant. */
function trackTx(ch: any): Tracked[] {
  var known: Tracked[] = [];
  ["prepMemcpy", "prepSlaveSg", "prepCyclic"].forEach(function (name) {
    var orig = ch[name];
    if (typeof orig !== "function") return;
    ch[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      var opts = args[args.length - 1];
      var entry: Tracked = { tx: null, cookie: null, cb: null, ran: false };
      if (opts && typeof opts.callback === "function") {
        var user = opts.callback;
        entry.cb = user;
        args[args.length - 1] = Object.assign({}, opts, { callback: function (r: any) { entry.ran = true; return user(r); } });
      }
      var tx = orig.apply(ch, args);
      entry.tx = tx;
      var submit = tx.submit;
      tx.submit = function () {
        entry.cookie = submit.apply(tx, arguments);
        known.push(entry);
        return entry.cookie;
      };
      return tx;
    };
  });
  return known;
}

function statusOf(ch: any, cookie: any): string {
  try {
    var s = ch.txStatus(cookie);
    return s && s.status;
  } catch (e) {
    return "";
  }
}

/** Wraps terminateAsync() so that callbacks of descriptors already complete (their callback not
 * run yet) still run afterwards, from the event loop, as a core that forgot its completed list
 * in terminate would run them. */
const terminateKeepsCallback: Mutant = {
  name: "terminate-keeps-callback",
  description: "terminate leaves a completed descriptor's callback scheduled",
  wrapChannel: function (ch, w) {
    var known = trackTx(ch);
    var terminate = ch.terminateAsync;
    ch.terminateAsync = function () {
      var done = known.filter(function (e) { return e.cb && !e.ran && statusOf(ch, e.cookie) === "complete"; });
      var r = terminate.apply(ch, arguments);
      done.forEach(function (e) {
        w.loop.setTimeout(function () { e.ran = true; e.cb!({ result: "ok", residue: 0 }); }, 0);
      });
      return r;
    };
  },
};

/** A core that unpins at terminate: right after terminateAsync() every aborted tx lets go of its
 * buffers (each of its fields holding typed arrays is cleared), so the garbage collector may
 * take buffers the client dropped while the stream has not stopped yet. The harness's collector
 * frees exactly what nothing in the core still references (Executor.gcSweep). */
const earlyUnpin: Mutant = {
  name: "early-unpin",
  description: "buffers released before the stream stopped (core drops pins at terminate)",
  equivalentOn: f1Equivalent,
  wrapChannel: function (ch) {
    var known = trackTx(ch);
    var terminate = ch.terminateAsync;
    ch.terminateAsync = function () {
      var r = terminate.apply(ch, arguments);
      known.forEach(function (e) {
        if (statusOf(ch, e.cookie) !== "aborted") return;
        for (var k in e.tx) {
          var v = e.tx[k];
          if (Array.isArray(v) && v.some(function (x) { return ArrayBuffer.isView(x); })) e.tx[k] = null;
        }
      });
      return r;
    };
  },
};

/** synchronize() with the old order: whether the stop is waited for is decided on entry (the
 * channel was terminated, or holds aborted descriptors), before the due callbacks run; a
 * terminate inside one of them is then not waited for, though its buffers are unpinned. */
const syncCallbacksLast: Mutant = {
  name: "sync-callbacks-last",
  description: "synchronize waits for the hardware only if terminated before its callbacks ran",
  equivalentOn: f1Equivalent,
  wrapProvider: function (p, w) {
    return forward(p, {
      synchronize: function (pc: ProviderChan, t: number) {
        if (!(w as any).skipStop) p.synchronize(pc, t);
      },
    });
  },
  wrapChannel: function (ch, w) {
    var sync = ch.synchronize;
    ch.synchronize = function () {
      var needed = !!ch._needSync || ch._q.some(function (d: any) { return !!d._bufs && d._final === "aborted"; });
      (w as any).skipStop = !needed;
      try {
        return sync.apply(ch, arguments);
      } finally {
        (w as any).skipStop = false;
      }
    };
  },
};

export const mutants: Mutant[] = [noDeviceSync, syncIgnoresEn, terminateKeepsCallback, earlyUnpin, staleFlags, syncCallbacksLast];

export function findMutant(name: string): Mutant | undefined {
  for (var i = 0; i < mutants.length; i++) if (mutants[i].name === name) return mutants[i];
  return undefined;
}
