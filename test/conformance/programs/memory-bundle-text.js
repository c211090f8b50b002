// conformance: numbers within 10%
// The bundle uploaded as text, in one piece (it is one line: Espruino holds the whole line
// while it runs), on the Pico layout. Printed: usage before, after loading, the difference.
// The 14 KB bundle fitted (it kept 1,602 blocks); the 17 KB one runs out of memory.
// memory-bundle-storage.js has requestChannel().
function used() { return process.memory().usage; }
var u0 = used();
// @include dist/espdma.min.js
var u1 = used();
print("text", u0, u1, u1 - u0);
