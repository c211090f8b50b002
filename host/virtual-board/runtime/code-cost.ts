// What a chunk of code keeps in Espruino's variable store once it has run, in blocks.
// Espruino keeps each function it creates with its code: uploaded as text, the code is a
// string in RAM, tokenised (keywords and multi-character operators are one byte each, 2v2x);
// parsed from Storage, the code stays in flash and the function only points at it. Top-level
// statements, and a function called at once (an IIFE, the bundle's wrapper), are not kept.
// Calibrated on 2v29, 32-bit, 5,100 variables (test/conformance/golden/memory-*.out):
//  - a function of about 1,000 characters uploaded as text keeps about 80 blocks;
//  - the 14 KB driver bundle keeps about 1,476 blocks as text, about 506 from Storage
//    (espruino-compat.md: 1,554 and 584 with the interpreter's own 78).
// What the code builds when it runs (objects, closures of factories called later) is not
// counted here: that is data, charged as it is allocated where the runtime can see it.

import * as acorn from "acorn";
import { stringBlocks, type VarLayout } from "./layout";

/** Blocks per function besides its code: the function, its name, its scope. */
const PER_FUNCTION_TEXT = 2;
/** From Storage: the function, its name, its scope and the reference to the code in flash. */
const PER_FUNCTION_FLASH = 4;

export function codeBlocks(code: string, layout: VarLayout, fromFlash: boolean): number {
  var ast: any;
  try {
    ast = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true, allowHashBang: true });
  } catch {
    return 0;
  }
  var kept: any[] = [], all = 0;
  (function visit(node: any, inKept: boolean, parent: any) {
    if (!node || typeof node.type !== "string") return;
    var k = inKept;
    if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") {
      all++;
      var iife = parent && parent.type === "CallExpression" && parent.callee === node;
      if (!iife && !inKept) { kept.push(node); k = true; }
    }
    for (var key in node) {
      var v = node[key];
      if (Array.isArray(v)) for (var i = 0; i < v.length; i++) visit(v[i], k, node);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v, k, node);
    }
  })(ast, false, null);
  var n = 0;
  for (var j = 0; j < kept.length; j++) {
    if (fromFlash) n += PER_FUNCTION_FLASH;
    else n += PER_FUNCTION_TEXT + stringBlocks(tokenisedLength(code.slice(kept[j].start, kept[j].end)), layout);
  }
  // Functions nested in kept ones exist once their outer function has run (a module's
  // wrapper, the bundle's factory): count their objects too.
  n += (all - kept.length) * (fromFlash ? PER_FUNCTION_FLASH : PER_FUNCTION_TEXT);
  return n;
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
