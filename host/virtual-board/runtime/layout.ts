// Espruino's variable layout for a board, derived as Espruino derives it from the variable
// count (src/jsutils.h: JSVARREF_BITS and JSVARREFCOUNT_BITS by JSVAR_CACHE_SIZE; the
// JSVAR_DATA_STRING_* lengths; JSV_FLAT_STRING_BREAK_EVEN), for a 32-bit MCU (4-byte name
// field). Checked against the 32-bit Linux build with 5,100 variables: blocksize 13, data of
// up to 8 bytes in one block, 9..17 in a chain, 18 and up flat
// (test/conformance/golden/flat-typed-arrays.out).

export interface VarLayout {
  vars: number;
  /** Bytes per variable block (process.memory().blocksize). */
  blockSize: number;
  /** Characters a plain string (or an ArrayBuffer's data) holds in its first block. */
  stringLen: number;
  /** Characters each further (StringExt) block holds. */
  stringExtLen: number;
  /** Data longer than this many bytes goes into a flat string (contiguous, addressable). */
  flatBreakEven: number;
}

export function varLayout(vars: number): VarLayout {
  // [max vars, ref bits, refcount bits, pack bits, bytes]
  var rows: [number, number, number, number, number][] = [
    [254, 8, 6, 8, 12], [1023, 10, 6, 2, 12], [2047, 11, 4, 0, 12], [4095, 12, 8, 0, 13],
    [8191, 13, 4, 0, 13], [16383, 14, 8, 0, 14], [65535, 16, 8, 0, 16],
  ];
  var r = rows[rows.length - 1];
  for (var i = 0; i < rows.length; i++) if (vars <= rows[i][0]) { r = rows[i]; break; }
  var nameLen = 4, refBits = r[1], countBits = r[2], pack = r[3];
  var stringLen = nameLen + ((refBits * 3 + pack) >> 3);
  var extLen = nameLen + ((refBits * 3 + pack + countBits) >> 3);
  return { vars, blockSize: r[4], stringLen, stringExtLen: extLen, flatBreakEven: stringLen + extLen };
}

/** Blocks a string of n characters takes when not flat: one block, then StringExt blocks. */
export function stringBlocks(n: number, l: VarLayout): number {
  if (n <= l.stringLen) return 1;
  return 1 + Math.ceil((n - l.stringLen) / l.stringExtLen);
}

/** Blocks a flat string of n bytes takes: a header block plus the data in whole blocks. */
export function flatBlocks(n: number, l: VarLayout): number {
  return 1 + Math.ceil(n / l.blockSize);
}
