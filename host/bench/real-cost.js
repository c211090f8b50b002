// Runs INSIDE a real Espruino interpreter, after the DMA stand-in (test/real-interpreter/
// dma-standin.js) and dist/espdma.min.js: the same loop of N calls timed for a bare peek32 (the
// stand-in's, and Espruino's own on a buffer's address where NATIVE is set: a 32-bit build),
// terminateAsync() of an idle channel, synchronize() of a stopped one, and one provider poll
// that finds nothing (a paced transfer the stand-in never moves), each the best of 7 rounds,
// minus the empty loop. Prints one line: COST {json}. ES5, defined before use.
espdma.setup({board: "pico"});
var N = 1000, e = espdma.defaultEngine(), prov, k, R = {};
for (k in e) if (e[k] && typeof e[k].poll === "function") prov = e[k];
var nb = new Uint8Array(64), na = E.getAddressOf(nb, true), P32 = typeof NATIVE !== "undefined";
var ch = espdma.requestChannel({request: "mem2mem"});
ch.terminateAsync(); ch.synchronize();
var p = espdma.requestChannel({request: "TIM2_UP", dir: "mem2dev"}), buf = espdma.alloc(256);
p.config({periphAddr: 0x4000002c, periphWidth: 1});
p.prepSlaveSg([buf], "mem2dev").submit(); p.issuePending();
var pcs = [];
for (k in p) if (p[k] && typeof p[k] === "object" && p[k].name === p.name) pcs = [p[k]];
var L = {
  empty: function () { for (var i = 0; i < N; i++); },
  peek32: function () { for (var i = 0; i < N; i++) peek32(0x40026410); },
  native: function () { if (P32) for (var i = 0; i < N; i++) nativePeek(na); },
  terminateAsync: function () { for (var i = 0; i < N; i++) ch.terminateAsync(); },
  synchronize: function () { for (var i = 0; i < N; i++) ch.synchronize(); },
  poll: function () { for (var i = 0; i < N; i++) prov.poll(pcs); },
};
for (var r = 0; r < 7; r++) for (k in L) { var t = getTime(); L[k](); t = (getTime() - t) * 1e6 / N; if (!(R[k] <= t)) R[k] = t; }
var b = R.peek32 - R.empty;
print("COST " + JSON.stringify({us: R, pcs: pcs.length, x: { terminateAsync: (R.terminateAsync - R.empty) / b, synchronize: (R.synchronize - R.empty) / b, poll: (R.poll - R.empty) / b }, xNative: P32 ? { terminateAsync: (R.terminateAsync - R.empty) / (R.native - R.empty), synchronize: (R.synchronize - R.empty) / (R.native - R.empty), poll: (R.poll - R.empty) / (R.native - R.empty) } : null}));
p.terminateSync();
quit();
