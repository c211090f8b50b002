// Which typed arrays get a flat block (an address): small ones do not.
var out = [];
for (var n = 8; n <= 48; n++) {
  var a = new Uint8Array(n);
  out.push(n + (E.getAddressOf(a, true) ? "F" : "-"));
}
print(out.join(" "));
print(E.getAddressOf(new Uint32Array(8), true) !== 0, E.getAddressOf(new Uint16Array(6), true) !== 0);
var big = new Uint8Array(100);
var addr = E.getAddressOf(big, true);
print(addr !== 0, addr === E.getAddressOf(big.buffer, true));
print(E.getAddressOf(new Uint8Array(big.buffer, 4, 10), true) - addr);
print(E.getAddressOf("short string", true), E.getAddressOf(E.toFlatString("a string long enough to be flat, surely"), true) !== 0);
