// CRC-32 (IEEE, reflected 0xEDB88320) over a string's bytes: the checksum of the agent's framed
// event lines. Same function as host/link/crc32.ts. Table-driven: one lookup per byte, because
// each interpreted operation costs microseconds on a board.

declare var E: any;

var table: any = null;

// Where typed arrays exist the table is one flat 1 KB block (about 80 variable blocks on
// Espruino; a plain array of 256 numbers above 2^31 is over 500, measured on 2v29, Original
// layout, where it left the agent's run out of memory).
function makeTable(): any {
  var t: any = typeof Uint32Array !== "undefined" ? new Uint32Array(256) : [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Espruino's own E.CRC32 is the same CRC over a string's bytes (jswrap_espruino_CRC32): no
 * table in RAM, and native speed. Elsewhere (duktape, mujs, JerryScript) the table. */
export function crc32(s: string): number {
  if (typeof E !== "undefined" && E.CRC32) return E.CRC32(s) >>> 0;
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
