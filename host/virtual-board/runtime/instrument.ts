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
/** A local kept in a closure's scope: its name and its value. */
const SCOPE_BLOCKS_PER_LOCAL = 2;

/** Locals of a function (params, var, function declarations) and the functions written
 * directly inside it: a closure keeps its creator's scope, which its siblings share. */
function scopeOf(fn: any): { locals: number; inner: number } {
  var names = new Set<string>(), inner = 0;
  (fn.params || []).forEach((p: any) => { if (p.type === "Identifier") names.add(p.name); });
  (function visit(n: any) {
    if (!n || typeof n.type !== "string") return;
    if (n !== fn && (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression")) {
      inner++;
      if (n.type === "FunctionDeclaration" && n.id) names.add(n.id.name);
      return;
    }
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier") names.add(n.id.name);
    for (var key in n) {
      var v = n[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v);
    }
  })(fn.body);
  return { locals: names.size, inner };
}

export function instrumentEdits(ast: any, code: string, source: number): Edit[] {
  var edits: Edit[] = [];
  var scopes = new Map<any, { locals: number; inner: number }>();
  var enclosing: any[] = [];
  (function visit(n: any, parent: any, depth: number) {
    if (!n || typeof n.type !== "string") return;
    var isExpr = n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
    var accessor = parent && (parent.type === "MethodDefinition" || (parent.type === "Property" && (parent.kind !== "init" || parent.method)));
    if ((isExpr && !accessor) || (n.type === "FunctionDeclaration" && n.id)) {
      var c = functionCosts(code.slice(n.start, n.end));
      // Its share of the scope it closes over: a name and a value per local of its creator.
      var outer = enclosing[enclosing.length - 1], share = 0;
      if (outer) {
        var sc = scopes.get(outer);
        if (!sc) { sc = scopeOf(outer); scopes.set(outer, sc); }
        share = Math.ceil((SCOPE_BLOCKS_PER_LOCAL * sc.locals) / Math.max(sc.inner, 1));
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
    var isFn = n.type === "FunctionDeclaration" || isExpr;
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
