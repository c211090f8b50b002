// CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320): the checksum of framed event lines and of
// flashed files. The agent computes the same function on the board (firmware/agent/crc32.ts).

var table: Uint32Array | null = null;

function makeTable(): Uint32Array {
  var t = new Uint32Array(256);
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** CRC-32 of a string's char codes (low byte of each, as Espruino strings are bytes) or of bytes. */
export function crc32(data: string | Uint8Array): number {
  if (!table) table = makeTable();
  var c = 0xffffffff;
  if (typeof data === "string") {
    for (var i = 0; i < data.length; i++) c = table[(c ^ data.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  } else {
    for (var j = 0; j < data.length; j++) c = table[(c ^ data[j]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function hex8(n: number): string {
  return ("0000000" + (n >>> 0).toString(16)).slice(-8);
}
