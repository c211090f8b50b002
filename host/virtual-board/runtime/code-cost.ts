// What a function costs in Espruino's variable store when it is created (instrument.ts
// reports each creation). Uploaded as text, 2v29 keeps a copy of the function's code,
// tokenised (keywords and multi-character operators one byte each); parsed from Storage, the
// code stays in flash and the function only points at it. Calibrated on 2v29, 32-bit, 5,100
// variables, with probe programs (test/conformance/golden/memory-functions.out) and checked
// with the bundle (memory-bundle-*.out; README, Memory model, has the figures real vs virtual).

import * as acorn from "acorn";

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
/** Uploaded as text the function also keeps its tokenised code: short code fits in the blocks
 * a function from Storage uses for its reference into flash (equal up to about 15 characters),
 * longer code takes a block per 11 characters (memory-functions.out: +7 for 88 characters of
 * body, +9 for 117). */
const CODE_CHARS_PER_BLOCK = 11;
const CODE_FREE_BLOCKS = 2;

/** What one function with `params` parameters, written `depth` functions deep, costs when it is created, in blocks (Pico
 * layout): uploaded as text it holds a copy of its tokenised code, from Storage it points at
 * the code in flash. */
export function functionCosts(src: string, params = 0, depth = 0): { text: number; flash: number } {
  var code = Math.ceil(tokenisedLength(src) / CODE_CHARS_PER_BLOCK);
  var flash = PER_FUNCTION + params + scopeRefBlocks(depth);
  return { text: flash + Math.max(0, code - CODE_FREE_BLOCKS), flash };
}

/** Length of code as Espruino stores a function body: whitespace between tokens dropped
 * (one space kept between two words), keywords and operators of 2+ characters one byte. */
export function tokenisedLength(src: string): number {
  var n = 0, prevEnd = -1, prevWord = false;
  try {
    for (const t of acorn.tokenizer(src, { ecmaVersion: "latest" })) {
      var text = src.slice(t.start, t.end);
      var word = /^[A-Za-z0-9_$]/.test(text);
      if (prevEnd >= 0 && t.start > prevEnd && word && prevWord) n++;
      if ((t.type as any).keyword || (text.length > 1 && /^[^A-Za-z0-9_$"'`/]/.test(text))) n += 1;
      else n += text.length;
      prevEnd = t.end;
      prevWord = word;
    }
  } catch {
    return src.length;
  }
  return n;
}
