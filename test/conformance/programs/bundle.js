// The shipped bundle on the interpreter: loaded from Storage as `espdma flash` leaves it
// (bundle, stand-in and this code as one 19 KB upload run out of memory on the Pico layout:
// see memory-bundle-text.js for the bundle alone as text), then a memcpy, a terminate +
// synchronize, and the misuse errors. The registers are served by a stand-in for
// the Pico's DMA2 written in JavaScript, in this same interpreter (the Linux build has no
// DMA): it maps each flat buffer to an address in the Pico's SRAM and copies on EN.
// @include test/conformance/dma-stand-in.js
// @include-json BUNDLE dist/espdma.min.js
require("Storage").write("espdma.js", BUNDLE);
BUNDLE = undefined;
eval(require("Storage").read("espdma.js"));
print(typeof espdma, require("espdma") === espdma, typeof espdma.requestChannel);
var src = espdma.alloc(64), dst = espdma.alloc(64);
for (var i = 0; i < 64; i++) src[i] = i * 3;
var ch = espdma.requestChannel({ request: "mem2mem" });
var tx = ch.prepMemcpy(dst, src, 64, { callback: function (r) {
  print("memcpy", r.result, r.residue, dst[1], dst[63]);
  setTimeout(second, 10); // synchronize() is not allowed inside a callback (EDEADLK)
} });
var cookie = tx.submit();
ch.issuePending();
print("status", ch.txStatus(cookie).status);
function second() {
  var c2 = ch.prepMemcpy(src, dst, 32, { callback: function (r) { print("never called", r.result); } }).submit();
  ch.issuePending();
  ch.terminateAsync();
  ch.synchronize();
  var st = ch.txStatus(c2);
  print("terminated", st.status, st.residue);
  misuse();
}
function misuse() {
  var tries = [
    function () { ch.prepMemcpy(dst, dst, 16); },
    function () { ch.pause(); },
    function () { ch.synchronize("soon"); },
    function () { espdma.alloc(0); },
    function () { espdma.requestChannel({ request: "NO_SUCH_LINE" }); },
  ];
  for (var k = 0; k < tries.length; k++) {
    try { tries[k](); print("no error"); } catch (e) { print(e.code, e.message); }
  }
  ch.release();
  print("released", standIn.bufs.length > 0);
}
