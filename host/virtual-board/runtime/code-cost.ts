// What a function costs in Espruino's variable store when it is created (instrument.ts
// reports each creation). Uploaded as text, 2v29 keeps a copy of the function's code,
// tokenised (keywords and multi-character operators one byte each); parsed from Storage, the
// code stays in flash and the function only points at it. Calibrated on 2v29, 32-bit, 5,100
// variables, with the bundle (test/conformance/golden/memory-bundle-*.out; README, Memory
// model, has the figures real vs virtual).

import * as acorn from "acorn";

/** Blocks per function besides its code and its scope: the function, its name, the
 * reference to its code. Calibrated (with CODE_CHARS_PER_BLOCK) on the bundle on 2v29, Pico
 * layout, test/conformance/golden/memory-bundle-*.out: functions from Storage cost 2 more
 * (the flash string they point at). */
const PER_FUNCTION_TEXT = 6;
const PER_FUNCTION_FLASH = 8;
/** Tokenised characters per block of a function's code copy (9 per StringExt block, but 2v29
 * stores less than tokenisedLength() counts: calibrated as above). */
const CODE_CHARS_PER_BLOCK = 11;

/** What one function costs when it is created, in blocks (Pico layout: 8 + 9 characters per
 * block): uploaded as text it holds a copy of its tokenised code, from Storage it points at
 * the code in flash. */
export function functionCosts(src: string): { text: number; flash: number } {
  var code = Math.ceil(tokenisedLength(src) / CODE_CHARS_PER_BLOCK);
  return { text: PER_FUNCTION_TEXT + code, flash: PER_FUNCTION_FLASH };
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
