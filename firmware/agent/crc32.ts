// CRC-32 (IEEE, reflected 0xEDB88320) over a string's bytes: the checksum of the agent's framed
// event lines. Same function as host/link/crc32.ts. Table-driven: one lookup per byte, because
// each interpreted operation costs microseconds on a board.

var table: number[] | null = null;

function makeTable(): number[] {
  var t: number[] = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t.push(c >>> 0);
  }
  return t;
}

export function crc32(s: string): number {
  if (!table) table = makeTable();
  var t = table;
  var c = 0xffffffff;
  for (var i = 0; i < s.length; i++) c = t[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function hex8(n: number): string {
  var s = (n >>> 0).toString(16);
  while (s.length < 8) s = "0" + s;
  return s;
}
