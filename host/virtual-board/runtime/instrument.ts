// Edits that report each function as it is created, so the runtime can charge it as Espruino
// does (code-cost.ts says what a function costs): a function expression becomes
// `FN_HOOK(function ..., textCost, flashCost, source)`, a function declaration is followed by
// `;FN_HOOK(name, ...)` (Espruino creates it when the declaration runs). An IIFE (the
// bundle's wrapper) is charged while it runs: 2v29 runs out of memory at its end when the
// upload around it is large enough (test/conformance/golden/memory-bundle-text.out is near). The costs are in
// variable blocks for the Pico layout's 9 characters per block; `source` is the rewritten
// code's number, so the runtime knows whether that code came from Storage.

import type { Edit } from "./rewrite";
import { functionCosts } from "./code-cost";

export const FN_HOOK = "__espruinoFn";
/** An IIFE is charged from before it is created to its return: `(IIFE_START(text, flash,
 * source), IIFE_END(call))` (2v29 frees it as soon as the call returns). */
export const IIFE_START = "__espruinoIifeStart";
export const IIFE_END = "__espruinoIifeEnd";
/** An object, array or `new` result the program creates: `OBJ_HOOK(expr)`. The runtime keeps
 * a weak reference, so the data walk (data-size.ts) also finds what only closures reach. */
export const OBJ_HOOK = "__espruinoObj";
/** Blocks of a name on the Pico layout: 4 characters in the name block, 9 in each further. */
export function nameBlocks(n: number): number {
  return n <= 4 ? 1 : 1 + Math.ceil((n - 4) / 9);
}

/** What a function's scope keeps while a closure made in it lives, and the functions written
 * directly inside it, which share it. Measured on 2v29, Pico layout
 * (test/conformance/golden/memory-scopes.out): the scope 1 block; a `var` with an integer its
 * name (the value is inline), with anything else one more block (varValueBlocks); a
 * parameter its name (taken to hold an integer); a function declared there its name (the
 * function itself is charged when created: 50 in an IIFE, 254 blocks). */
/** A `var`'s value as its initialiser gives it: an integer, boolean or null sits in the name;
 * a function is charged itself (code-cost.ts); anything else at least one block (an object,
 * a string). */
function varValueBlocks(init: any): number {
  if (!init) return 0;
  if (init.type === "Literal" && (init.value === null || typeof init.value === "boolean" || (typeof init.value === "number" && init.value % 1 === 0))) return 0;
  if (init.type === "FunctionExpression" || init.type === "ArrowFunctionExpression") return 0;
  return 1;
}

function scopeOf(fn: any): { blocks: number; inner: number } {
  var blocks = 1, inner = 0, seen = new Set<string>();
  (fn.params || []).forEach((p: any) => { if (p.type === "Identifier" && !seen.has(p.name)) { seen.add(p.name); blocks += nameBlocks(p.name.length); } });
  (function visit(n: any) {
    if (!n || typeof n.type !== "string") return;
    if (n !== fn && (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression")) {
      inner++;
      if (n.type === "FunctionDeclaration" && n.id && !seen.has(n.id.name)) { seen.add(n.id.name); blocks += nameBlocks(n.id.name.length); }
      return;
    }
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier" && !seen.has(n.id.name)) { seen.add(n.id.name); blocks += nameBlocks(n.id.name.length) + varValueBlocks(n.init); }
    for (var key in n) {
      var v = n[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v);
    }
  })(fn.body);
  return { blocks, inner };
}

export function instrumentEdits(ast: any, code: string, source: number): Edit[] {
  var edits: Edit[] = [];
  var scopes = new Map<any, { blocks: number; inner: number }>();
  var enclosing: any[] = [];
  (function visit(n: any, parent: any, depth: number) {
    if (!n || typeof n.type !== "string") return;
    var isExpr = n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
    var accessor = parent && (parent.type === "MethodDefinition" || (parent.type === "Property" && (parent.kind !== "init" || parent.method)));
    if ((isExpr && !accessor) || (n.type === "FunctionDeclaration" && n.id)) {
      var c = functionCosts(code.slice(n.body.start, n.body.end), (n.params || []).length, enclosing.length);
      // Its share of the scope it closes over (scopeOf).
      var outer = enclosing[enclosing.length - 1], share = 0;
      if (outer) {
        var sc = scopes.get(outer);
        if (!sc) { sc = scopeOf(outer); scopes.set(outer, sc); }
        share = Math.round(sc.blocks / Math.max(sc.inner, 1));
      }
      var tail = "," + (c.text + share) + "," + (c.flash + share) + "," + source + ")";
      var iife = isExpr && parent && parent.type === "CallExpression" && parent.callee === n;
      if (iife) {
        var costs = (c.text + share) + "," + (c.flash + share) + "," + source;
        edits.push({ at: parent.start, del: 0, text: "(" + IIFE_START + "(" + costs + ")," + IIFE_END + "(", rank: depth - 2 });
        edits.push({ at: parent.end, del: 0, text: "))", rank: 1000 - depth + 2 });
      } else if (isExpr) {
        edits.push({ at: n.start, del: 0, text: FN_HOOK + "(", rank: depth });
        edits.push({ at: n.end, del: 0, text: tail, rank: 1000 - depth });
      } else if (parent && (parent.type === "Program" || parent.type === "BlockStatement")) {
        edits.push({ at: n.end, del: 0, text: ";" + FN_HOOK + "(" + (n._renamed || n.id.name) + tail + ";", rank: 1001 });
      }
    }
    if (n.type === "ObjectExpression" || n.type === "ArrayExpression" || n.type === "NewExpression") {
      edits.push({ at: n.start, del: 0, text: " " + OBJ_HOOK + "(", rank: depth }); // (a space: `return[` )
      edits.push({ at: n.end, del: 0, text: ")", rank: 1000 - depth });
    }
    var isFn = n.type === "FunctionDeclaration" || isExpr;
    // Espruino keeps a function's whole scope while any closure made in it lives; V8 keeps only
    // what the closures name. A direct eval (never run) makes V8 keep every local in the
    // context all closures of that call share, so siblings live as long as on Espruino.
    if (isFn && n.body && n.body.type === "BlockStatement" && scopeOf(n).inner > 0) {
      edits.push({ at: n.body.end - 1, del: 0, text: ";if(0)eval(\"\");", rank: 5000 });
    }
    if (isFn) enclosing.push(n);
    for (var key in n) {
      var v = n[key];
      if (Array.isArray(v)) for (var i = 0; i < v.length; i++) visit(v[i], n, depth + 1);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v, n, depth + 1);
    }
    if (isFn) enclosing.pop();
  })(ast, null, 0);
  return edits;
}
