// The rules of the ES5 / Espruino gate (check-bundle.ts says which and why), on source text.
import { parse } from "acorn";
import { findOrderProblems } from "./declaration-order";

export interface Problem { line: number; column: number; what: string }

var BANNED_GLOBALS = ["Map", "Set", "Symbol", "Promise", "WeakMap", "WeakSet", "Reflect", "Proxy", "__extends", "__spreadArray", "__spread", "__read", "__values", "__generator", "__awaiter"];
var BANNED_MEMBERS: { [obj: string]: string[] } = {
  Object: ["assign", "freeze", "entries", "values", "setPrototypeOf"],
  Array: ["from", "of"],
  Number: ["isInteger", "isNaN", "isFinite"],
};
var PROTO_OBJECTS = ["Array", "Function", "String"];
var BANNED_ANY_MEMBER = ["lastIndexOf"];

type Node = any;

/** Visit every node; `fn` gets the node, its parent and the key under which it sits. */
function walk(node: Node, fn: (n: Node, parent: Node, key: string) => boolean | void, parent: Node = null, key = ""): void {
  if (!node || typeof node.type !== "string") return;
  if (fn(node, parent, key) === false) return;
  for (var k in node) {
    if (k === "loc" || k === "start" || k === "end") continue;
    var v = node[k];
    if (Array.isArray(v)) for (var c of v) walk(c, fn, node, k);
    else if (v && typeof v.type === "string") walk(v, fn, node, k);
  }
}

/** An Identifier used as a value (not a property name, key or label). */
function isReference(n: Node, parent: Node, key: string): boolean {
  if (n.type !== "Identifier" || !parent) return n.type === "Identifier";
  if (parent.type === "MemberExpression" && key === "property" && !parent.computed) return false;
  if (parent.type === "Property" && key === "key" && !parent.computed) return false;
  if ((parent.type === "FunctionDeclaration" || parent.type === "FunctionExpression") && key === "id") return false;
  if (parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement") return false;
  return true;
}

function isFunction(n: Node): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression";
}

/** Problems found in one bundle's source (empty: it passes). */
export function checkBundle(src: string): Problem[] {
  var out: Problem[] = [];
  var ast: Node;
  try {
    ast = parse(src, { ecmaVersion: 5, locations: true });
  } catch (e: any) {
    return [{ line: e.loc ? e.loc.line : 0, column: e.loc ? e.loc.column : 0, what: "not ECMAScript 5: " + e.message }];
  }
  function report(n: Node, what: string) { out.push({ line: n.loc.start.line, column: n.loc.start.column, what: what }); }

  walk(ast, function (n, parent, key) {
    if (n.type === "Identifier" && isReference(n, parent, key) && BANNED_GLOBALS.indexOf(n.name) >= 0) {
      report(n, n.name + " is not available on Espruino");
    }
    if (n.type === "MemberExpression" && !n.computed) {
      var prop = n.property.name, obj = n.object;
      if (obj.type === "Identifier" && BANNED_MEMBERS[obj.name] && BANNED_MEMBERS[obj.name].indexOf(prop) >= 0) {
        report(n, obj.name + "." + prop + " is not available on Espruino");
      }
      if (BANNED_ANY_MEMBER.indexOf(prop) >= 0) report(n, "." + prop + " is not available on Espruino");
      if (obj.type === "MemberExpression" && !obj.computed && obj.property.name === "prototype" &&
          obj.object.type === "Identifier" && PROTO_OBJECTS.indexOf(obj.object.name) >= 0) {
        report(n, obj.object.name + ".prototype." + prop + " is undefined on Espruino: call the method on an instance");
      }
    }
    if (n.type === "CallExpression" && n.arguments.length >= 2 && n.callee.type === "MemberExpression" && !n.callee.computed &&
        n.callee.object.type === "Identifier" && n.callee.object.name === "Object" && n.callee.property.name === "create") {
      report(n, "Object.create with a properties argument throws on Espruino");
    }
  });
  findOrderProblems(ast).forEach(function (p) { report(p.node, p.what); });
  out.sort(function (a, b) { return a.line - b.line || a.column - b.column; });
  return out;
}

