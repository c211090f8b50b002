// What a function costs in Espruino's variable store when it is created (instrument.ts
// reports each creation). Uploaded as text, 2v29 keeps a copy of the function's body;
// parsed from Storage, the code stays in flash and the function only points at it. Calibrated on 2v29, 32-bit, 5,100
// variables, with probe programs (test/conformance/golden/memory-functions.out) and checked
// with the bundle (memory-bundle-*.out; README, Memory model, has the figures real vs virtual).

/** Blocks a function costs besides the name that refers to it (the data walk, or its share of
 * a scope, charges that): the function, and its code reference (a name and the flash string
 * it points at: E.getSizeOf(fn, 1) on 2v29 lists "\xFFcod" as 2 blocks), plus one per
 * parameter ("\xFFa" ...). Measured on 2v29, Pico layout (test/conformance/golden/
 * memory-functions.out): 50 functions from Storage at the top level cost 4 blocks each with
 * no parameter (with their names), 5 with one, 6 with two, 8 with four. */
const PER_FUNCTION = 3;

/** Its reference to the scopes it closes over ("\xFFsco"): none at the top level, one block
 * made inside one function, and made deeper a list of the scopes, 2 + one per level
 * (memory-scopes.out: 50 functions at depth 1, 2, 3 cost 254, 405, 456 blocks). A module
 * that require() loads runs inside a function: its functions are one level deeper than the
 * same code evaluated. */
export function scopeRefBlocks(depth: number): number {
  return depth <= 0 ? 0 : depth === 1 ? 1 : 2 + depth;
}

/** Uploaded as text the function keeps a copy of its body (as written, braces included) as a
 * flat string (a header block and 13 bytes a block) in place of the 2 blocks its reference into flash takes:
 * memory-functions.out, 50 functions with an 88-character body, 552 blocks as text and 202
 * from Storage; one with a 1,400-character string in its body 114 blocks as text. */
const CODE_BYTES_PER_BLOCK = 13;
const FLASH_CODE_BLOCKS = 2;

/** What one function with `params` parameters, written `depth` functions deep, costs when it
 * is created, in blocks (Pico layout): uploaded as text it holds a copy of its `body`, from
 * Storage it points at the code in flash. */
export function functionCosts(body: string, params = 0, depth = 0): { text: number; flash: number } {
  var copy = 1 + Math.ceil(body.length / CODE_BYTES_PER_BLOCK);
  var flash = PER_FUNCTION + params + scopeRefBlocks(depth);
  return { text: flash + Math.max(0, copy - FLASH_CODE_BLOCKS), flash };
}
