// `==` and `===` as Espruino evaluates them (src/jsvar.c, jsvMathsOp): ArrayBuffers and typed
// arrays are not compared by reference but as strings, i.e. by content ("0,0,0" ===
// "0,0,0"), so two fresh `new ArrayBuffer(16)` are `===`
// (test/conformance/programs/arraybuffer-equality.js). V8 compares references, so each
// comparison whose operands could both be objects is rewritten to call EQ_HOOK / LOOSE_HOOK
// (runtime.ts); one with a literal or a `typeof` on either side cannot involve a buffer and
// is left alone.

import type { Edit } from "./rewrite";

export const EQ_HOOK = "__espruinoEq";
export const LOOSE_HOOK = "__espruinoLooseEq";

function primitive(n: any): boolean {
  if (n.type === "Literal" || n.type === "TemplateLiteral") return true;
  if (n.type === "UnaryExpression") return n.operator !== "delete" || primitive(n.argument);
  if (n.type === "Identifier") return n.name === "undefined" || n.name === "NaN" || n.name === "Infinity";
  if (n.type === "BinaryExpression") return true; // arithmetic, comparison: a number, string or boolean
  if (n.type === "UpdateExpression") return true;
  return false;
}

export function equalityEdits(ast: any, code: string): Edit[] {
  var edits: Edit[] = [];
  (function visit(n: any, depth: number) {
    if (!n || typeof n.type !== "string") return;
    if (n.type === "BinaryExpression" && /^[=!]==?$/.test(n.operator) && !primitive(n.left) && !primitive(n.right)) {
      var strict = n.operator.length === 3, negate = n.operator.charAt(0) === "!";
      var between = code.slice(n.left.end, n.right.start);
      var opAt = n.left.end + between.indexOf(n.operator);
      edits.push({ at: n.start, del: 0, text: (negate ? "!" : "") + (strict ? EQ_HOOK : LOOSE_HOOK) + "(", rank: depth });
      edits.push({ at: opAt, del: n.operator.length, text: ",", rank: 0 });
      edits.push({ at: n.end, del: 0, text: ")", rank: 1000 - depth });
    }
    for (var key in n) {
      var v = n[key];
      if (Array.isArray(v)) for (var i = 0; i < v.length; i++) visit(v[i], depth + 1);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v, depth + 1);
    }
  })(ast, 0);
  return edits;
}
