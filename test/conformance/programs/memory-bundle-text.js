// conformance: numbers within 10%
// Variable blocks the bundle keeps uploaded as text (here: in the program's own text, which
// is held while it runs). Printed: usage before, after loading, the difference. (With the
// DMA stand-in in the same upload, 2v29 runs out of memory inside the bundle: see
// memory-bundle-storage.js for requestChannel().)
function used() { return process.memory().usage; }
var u0 = used();
// @include dist/espdma.min.js
var u1 = used();
print("text", u0, u1, u1 - u0);
