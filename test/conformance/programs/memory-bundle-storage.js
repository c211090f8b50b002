// conformance: numbers within 10%
// The same from Storage, as `espdma flash` leaves it: the functions' code stays in flash.
// @include test/conformance/dma-stand-in.js
function used() { return process.memory().usage; }
// @include-json BUNDLE dist/espdma.min.js
require("Storage").write("espdma.js", BUNDLE);
BUNDLE = undefined;
var u0 = used();
eval(require("Storage").read("espdma.js"));
var u1 = used();
var ch = espdma.requestChannel({ request: "mem2mem" });
var u2 = used();
print("storage", u0, u1, u2, u1 - u0, u2 - u1);
