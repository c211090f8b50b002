// Broken providers and cores, as controls: the search must catch each of them, or our checks
// would not notice the bug the seed fixes. Each mutant wraps or hooks the real objects at test
// time (no hook in the core or the drivers is needed):
// - no-device-sync:        provider.synchronize() returns at once (no EN poll, no flag clear).
// - sync-ignores-en:       the provider's synchronize runs, but its reads of the stream's control
//                          register see EN=0, so it does not wait for the stream to stop.
// - terminate-keeps-callback: terminateAsync() leaves a completed descriptor's callback
//                          scheduled (it still runs, as if terminate forgot the completed list).
// - early-unpin:           the core drops its references to a terminated descriptor's buffers at
//                          terminate instead of after synchronize: the garbage collector frees
//                          buffers the client already let go of while the stream still runs.
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
  /** The core drops pins at terminateAsync (the harness's garbage collector sees it). */
  earlyUnpin?: boolean;
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
  wrapProvider: function (p) {
    return forward(p, { synchronize: function () {} });
  },
};

const syncIgnoresEn: Mutant = {
  name: "sync-ignores-en",
  description: "synchronize does not wait for EN to read 0",
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

/** Wraps prep*() so it knows each submitted descriptor's callback, and terminateAsync() so
 * that callbacks of descriptors already complete still run afterwards. */
const terminateKeepsCallback: Mutant = {
  name: "terminate-keeps-callback",
  description: "terminate leaves a completed descriptor's callback scheduled",
  wrapChannel: function (ch, w) {
    var known: { cookie: any; cb: (r: any) => void; ran: boolean }[] = [];
    ["prepMemcpy", "prepSlaveSg", "prepCyclic"].forEach(function (name) {
      var orig = ch[name];
      if (typeof orig !== "function") return;
      ch[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        var opts = args[args.length - 1];
        var entry = { cookie: null as any, cb: null as any, ran: false };
        if (opts && typeof opts.callback === "function") {
          var user = opts.callback;
          entry.cb = user;
          args[args.length - 1] = Object.assign({}, opts, { callback: function (r: any) { entry.ran = true; return user(r); } });
        }
        var tx = orig.apply(ch, args);
        var submit = tx.submit;
        tx.submit = function () {
          entry.cookie = submit.apply(tx, arguments);
          if (entry.cb) known.push(entry);
          return entry.cookie;
        };
        return tx;
      };
    });
    var terminate = ch.terminateAsync;
    ch.terminateAsync = function () {
      var done = known.filter(function (e) {
        if (e.ran) return false;
        var s = ch.txStatus(e.cookie);
        return s && s.status === "complete";
      });
      var r = terminate.apply(ch, arguments);
      done.forEach(function (e) {
        w.loop.setTimeout(function () { e.ran = true; e.cb({ result: "ok", residue: 0 }); }, 0);
      });
      return r;
    };
  },
};

const earlyUnpin: Mutant = {
  name: "early-unpin",
  description: "buffers released before the stream stopped (core drops pins at terminate)",
  earlyUnpin: true,
};

export const mutants: Mutant[] = [noDeviceSync, syncIgnoresEn, terminateKeepsCallback, earlyUnpin, staleFlags];

export function findMutant(name: string): Mutant | undefined {
  for (var i = 0; i < mutants.length; i++) if (mutants[i].name === name) return mutants[i];
  return undefined;
}
