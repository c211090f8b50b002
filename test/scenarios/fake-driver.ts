// A software stand-in for the driver bundle (ES5, runs on the virtual board): the client API of
// design.md with memcpy done by the CPU, so the agent, the runner and the invariant checks can
// be tested apart from the real driver. `broken` keeps callbacks of terminated descriptors.
export function fakeDriver(opts: { broken?: boolean; noDeadlockCheck?: boolean } = {}): string {
  return `var espdma = (function () {
  var BROKEN = ${!!opts.broken}, NODL = ${!!opts.noDeadlockCheck}, warned = false;
  function err(code, msg) { var e = new Error(msg); e.code = code; return e; }
  function requestChannel(req) {
    var ch = { name: "fake", q: [], done: [], cookie: 0, st: {}, inCb: false, terminated: false };
    ch.prepMemcpy = function (dst, src, len, o) {
      var tx = { len: len, cb: o && o.callback };
      tx.submit = function () { tx.c = ++ch.cookie; ch.st[tx.c] = "in_progress"; ch.q.push(tx); return tx.c; };
      tx.run = function () { for (var i = 0; i < len; i++) dst[i] = src[i]; };
      return tx;
    };
    ch.issuePending = function () {
      if (ch.terminated) throw err("EBUSY", "synchronize first");
      var q = ch.q; ch.q = [];
      setTimeout(function () {
        for (var i = 0; i < q.length; i++) { q[i].run(); if (ch.st[q[i].c] !== "aborted") { ch.st[q[i].c] = "complete"; ch.done.push(q[i]); } }
        setTimeout(notify, 0);
      }, 1);
    };
    function notify() {
      while (ch.done.length) {
        var d = ch.done.shift();
        if (!BROKEN && ch.st[d.c] === "aborted") continue;
        if (d.cb) { ch.inCb = true; try { d.cb({ result: "ok", residue: 0 }); } finally { ch.inCb = false; } }
      }
    }
    ch.terminateAsync = function () {
      ch.terminated = true;
      var all = ch.q.concat(ch.done);
      for (var i = 0; i < all.length; i++) ch.st[all[i].c] = "aborted";
      ch.q = [];
      if (!BROKEN) ch.done = [];
    };
    ch.terminateAll = function () { if (!warned) { warned = true; print("espdma: terminateAll is deprecated, use terminateAsync + synchronize"); } ch.terminateAsync(); };
    ch.synchronize = function () { if (ch.inCb && !NODL) throw err("EDEADLK", "not inside a callback"); ch.terminated = false; if (!BROKEN) ch.done = []; };
    ch.terminateSync = function () { if (ch.inCb && !NODL) throw err("EDEADLK", "not inside a callback"); ch.terminateAsync(); ch.synchronize(); };
    ch.release = function () { ch.synchronize(); };
    ch.txStatus = function (c) { var s = ch.st[c] || "error"; return { status: s, residue: s === "complete" ? 0 : 1 }; };
    return ch;
  }
  return { alloc: function (n) { return new Uint8Array(n); }, requestChannel: requestChannel, dump: function () { return "fake"; } };
})();
`;
}
