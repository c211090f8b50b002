// Flat buffers start on a word boundary (what DMA of words needs), whatever their size and
// whatever was allocated between them.
var out = [], keep = [];
for (var i = 0; i < 12; i++) {
  var a = new Uint8Array(20 + i * 7);
  keep.push(a, "pad" + i + "pad" + i);
  out.push(E.getAddressOf(a, true) % 4);
}
print(out.join(" "));
var w = new Uint32Array(40);
print(E.getAddressOf(w, true) % 4, E.getAddressOf(new Float64Array(10), true) % 4);
var first = E.getAddressOf(keep[0], true), second = E.getAddressOf(keep[2], true);
print((second - first) % 13);
