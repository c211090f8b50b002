// The README's examples on the interpreter (every function defined before the code that calls
// it: pasted as text, Espruino runs timers between the lines it receives), over the DMA stand-in (dma-standin.js, loaded
// first) and the bundle (loaded second). Prints one line per result; the golden file
// readme-examples.out holds what real Espruino printed. Nothing printed depends on the build
// (addresses, memory figures), so the Pico layout, the 64-bit build and the virtual board
// must all print the same lines.
function codeOf(fn) {
  try { fn(); return "no error"; } catch (e) { return e.code || String(e); }
}
function messageOf(fn) {
  try { fn(); return "no error"; } catch (e) { return e.message.indexOf(e.code + ": ") === 0 ? e.message : "no code in the message: " + e.code + " " + e.message; }
}
print("require(\"espdma\") === espdma:", require("espdma") === espdma);
print("setup unknown board:", messageOf(function () { espdma.setup({ board: "nope" }); }));
espdma.setup({ board: "pico" });

// alloc: every n is exactly n bytes, flat (a real address) and 4-byte aligned.
var bad = [];
for (var n = 1; n <= 80; n++) {
  var b = espdma.alloc(n), a = standin.realAddressOf(b, true);
  if (b.byteLength !== n || !a || (a & 3)) bad.push(n);
}
b = null;
standin.forget();
print("alloc 1..80 flat, aligned, exact:", bad.length ? "no: " + bad.join(",") : "yes");
print("alloc(0):", codeOf(function () { espdma.alloc(0); }));
var big = messageOf(function () { espdma.alloc(1e7); });
print("alloc(1e7):", big.split(":").slice(0, 2).join(":"), /bytes free/.test(big) ? "(says what is free)" : big);
print("setup after first use:", codeOf(function () { espdma.setup({ board: "pico" }); }));

// The timer-paced capture example: it starts and configures; the stand-in moves nothing.
function paced() {
  ch.release();
  print("after release:", codeOf(function () { ch.issuePending(); }));
  var p = espdma.pace("TIM1", 10000);
  var cap = espdma.requestChannel({ request: p.request, dir: "dev2mem" });
  cap.config({ periphAddr: 0x40020010, periphWidth: 1, memWidth: 1 });
  var buf = espdma.alloc(64);
  var c = cap.prepSlaveSg([buf], "dev2mem", { callback: function (r) { print("capture callback (must not run):", r.result); } }).submit();
  cap.issuePending();
  print("pace:", p.request, p.hz, "Hz; TIM1 CR1", standin.peek(0x40010000), "DIER", standin.peek(0x4001000c));
  print("capture:", JSON.stringify(cap.txStatus(c)));
  print("dump:", espdma.dump().split("\n")[1].split(" PAR")[0]);
  print("memcpy on a slave channel:", codeOf(function () { cap.prepMemcpy(buf, buf, 4); }));
  print("a plain array:", codeOf(function () { cap.prepSlaveSg([[1, 2, 3]], "dev2mem"); }));

  // terminate + synchronize.
  cap.terminateAsync();
  print("after terminateAsync:", JSON.stringify(cap.txStatus(c)), "issuePending:", codeOf(function () { cap.issuePending(); }));
  cap.synchronize();
  print("after synchronize:", espdma.dump().split("\n")[1]);
  p.stop();
  cap.release();
  print("bad direction:", codeOf(function () { espdma.requestChannel({ request: "mem2mem", dir: "dev2mem" }); }));
  print("done", process.memory().usage > 0);
  if (typeof quit === "function") quit();
}

// The memcpy example.
var src = espdma.alloc(1024), dst = espdma.alloc(1024);
for (var i = 0; i < 1024; i++) src[i] = (i * 7 + 3) & 255;
var ch = espdma.requestChannel({ request: "mem2mem" });
var cookie = ch.prepMemcpy(dst, src, 1024, { callback: function (r) {
  var same = true;
  for (var j = 0; j < 1024; j++) if (dst[j] !== src[j]) same = false;
  print("memcpy callback:", r.result, r.residue, "bytes equal:", same);
  print("memcpy txStatus:", JSON.stringify(ch.txStatus(cookie)));
  print("synchronize in a callback:", codeOf(function () { ch.synchronize(); }));
  setTimeout(paced, 0);
} }).submit();
print("memcpy before issuePending:", JSON.stringify(ch.txStatus(cookie)));
ch.issuePending();
