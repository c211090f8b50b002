// conformance: numbers within 10%
// Variable blocks the bundle takes, uploaded as text (here: in the program's own text), and
// what the first requestChannel() adds. Printed: usage before, after loading, after
// requestChannel, and the two differences.
// @include test/conformance/dma-stand-in.js
function used() { return process.memory().usage; }
var u0 = used();
// @include dist/espdma.min.js
var u1 = used();
var ch = espdma.requestChannel({ request: "mem2mem" });
var u2 = used();
print("text", u0, u1, u2, u1 - u0, u2 - u1);
