// === compares ArrayBuffers (and typed arrays) by content.
var a = new ArrayBuffer(16), b = new ArrayBuffer(16);
print(a === b, a == b, a !== b);
new Uint8Array(b)[3] = 7;
print(a === b, a !== b);
print(new Uint8Array(4) === new Uint8Array(4), new Uint8Array([1, 2]) === new Uint8Array([1, 3]));
print([1] === [1], {} === {});
var list = [new ArrayBuffer(8)];
print(list.indexOf(new ArrayBuffer(8)));
