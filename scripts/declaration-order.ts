// Declaration order as Espruino runs it: Espruino hoists neither `function` declarations nor
// `var` (espruino-compat.md, measured on 2v29). A name used in a scope before that scope's own
// declaration of it either fails (ReferenceError) or, worse, reaches an OUTER variable of the
// same name: terser's `e=n; ... var e;` overwrote the bundle's constant `e="dev2mem"`.
// This finds every such use in an acorn AST. Code that runs while a scope's body runs counts:
// the body itself and the bodies of functions called on the spot ((function(){...})(),
// function(){...}.call(...)); other nested functions run later, when called, and are skipped.
// Also: Modules.addCached(id, source) evaluates source at once, so every bundle-level name the
// source uses must be defined where the call runs.
import { parse } from "acorn";

type Node = any;

export interface OrderProblem { node: Node; what: string }

interface Scope {
  node: Node;
  parent: Scope | null;
  /** name -> source offset from which it is declared (-1: from the start: params, own name) */
  decls: { [name: string]: number };
  /** name -> "line:column" of the declaration and its kind ("var", "function"), for the message */
  lines: { [name: string]: string };
  kinds: { [name: string]: string };
  /** true when the body runs where the scope appears (an immediately called function) */
  immediate: boolean;
}

var SKIP_KEYS: { [k: string]: boolean } = { loc: true, start: true, end: true, range: true };

function children(n: Node, fn: (c: Node, key: string) => void): void {
  for (var k in n) {
    if (SKIP_KEYS[k]) continue;
    var v = n[k];
    if (Array.isArray(v)) v.forEach(function (c) { if (c && typeof c.type === "string") fn(c, k); });
    else if (v && typeof v.type === "string") fn(v, k);
  }
}

function isFunction(n: Node): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression";
}

/** A function expression whose body runs right where it stands: f(){}() or f(){}.call/apply(). */
function immediatelyCalled(fn: Node, parent: Node, key: string): boolean {
  if (fn.type !== "FunctionExpression" || !parent) return false;
  if (parent.type === "CallExpression" && key === "callee") return true;
  return parent.type === "MemberExpression" && key === "object" && !parent.computed &&
    (parent.property.name === "call" || parent.property.name === "apply") && !!parent._calledAsCallee;
}

function declare(s: Scope, name: string, at: number, where: string, kind = ""): void {
  if (s.decls[name] === undefined) { // the first in source order (parameters come first)
    s.decls[name] = at;
    s.lines[name] = where;
    s.kinds[name] = kind;
  }
}

function lineCol(n: Node): string {
  return n.loc.start.line + ":" + n.loc.start.column;
}

/** Pass 1: one Scope per program/function, with its var, function and parameter names. */
function buildScopes(ast: Node): Map<Node, Scope> {
  var scopes = new Map<Node, Scope>();
  function visit(n: Node, parent: Node, key: string, s: Scope): void {
    if (n.type === "CallExpression" && n.callee.type === "MemberExpression") n.callee._calledAsCallee = true;
    if (isFunction(n)) {
      if (n.type === "FunctionDeclaration") declare(varScopeOf(s), n.id.name, n.start, lineCol(n), "function");
      var f: Scope = { node: n, parent: s, decls: {}, lines: {}, kinds: {}, immediate: immediatelyCalled(n, parent, key) };
      scopes.set(n, f);
      declare(f, "arguments", -1, "");
      if (n.type === "FunctionExpression" && n.id) declare(f, n.id.name, -1, "");
      n.params.forEach(function (p: Node) { declare(f, p.name, -1, ""); });
      visit(n.body, n, "body", f);
      return;
    }
    if (n.type === "CatchClause") {
      // The catch parameter lives in its own scope that runs where it stands.
      var c: Scope = { node: n, parent: s, decls: {}, lines: {}, kinds: {}, immediate: true };
      scopes.set(n, c);
      declare(c, n.param.name, -1, "");
      visit(n.body, n, "body", c);
      return;
    }
    if (n.type === "VariableDeclarator") declare(varScopeOf(s), n.id.name, n.id.start, lineCol(n.id), "var");
    children(n, function (ch, k) { visit(ch, n, k, s); });
  }
  var top: Scope = { node: ast, parent: null, decls: {}, lines: {}, kinds: {}, immediate: true };
  scopes.set(ast, top);
  children(ast, function (ch, k) { visit(ch, ast, k, top); });
  return scopes;
}

/** `var` inside a catch block belongs to the enclosing function, not the catch scope. */
function varScopeOf(s: Scope): Scope {
  while (s.node.type === "CatchClause" && s.parent) s = s.parent;
  return s;
}

/** An Identifier used as a value (not a property name, key, label or declared name). */
function isReference(parent: Node, key: string): boolean {
  if (!parent) return true;
  if (parent.type === "MemberExpression" && key === "property" && !parent.computed) return false;
  if (parent.type === "Property" && key === "key" && !parent.computed) return false;
  if (isFunction(parent) && (key === "id" || key === "params")) return false;
  if (parent.type === "VariableDeclarator" && key === "id") return false;
  if (parent.type === "CatchClause" && key === "param") return false;
  return !(parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement");
}

/** Every use of a name before its declaration in the scope that declares it. */
export function findOrderProblems(ast: Node): OrderProblem[] {
  var scopes = buildScopes(ast), out: OrderProblem[] = [];
  var topScope = scopes.get(ast) as Scope;

  function visit(n: Node, parent: Node, key: string, s: Scope): void {
    var own = scopes.get(n);
    if (own && own !== s) {
      if (n.type === "FunctionDeclaration") { visitBody(n, own); return; }
      s = own;
    }
    if (n.type === "Identifier" && isReference(parent, key)) check(n, s);
    if (n.type === "CallExpression") checkAddCached(n, topScope, out);
    children(n, function (ch, k) { visit(ch, n, k, s); });
  }
  function visitBody(fn: Node, s: Scope): void {
    visit(fn.body, fn, "body", s);
  }
  function check(id: Node, from: Scope): void {
    var name = id.name, s: Scope | null = from, runsNow = true;
    while (s && s.decls[name] === undefined) {
      if (!s.immediate) runsNow = false;
      s = s.parent;
    }
    if (!s || !runsNow) return;
    var at = s.decls[name];
    if (at >= 0 && id.start < at) {
      out.push({ node: id, what: s.kinds[name] + " " + name + " used before its declaration at " + s.lines[name] + " in the same scope (Espruino hoists neither var nor function: " + (s.parent ? "the name is still the outer one here" : "ReferenceError") + ")" });
    }
  }
  visit(ast, null, "", topScope);
  return out;
}

/** Modules.addCached(id, source): Espruino evaluates the source inside the call. A function
 * source loses its closure; a string source may only use bundle-level names defined by then. */
function checkAddCached(call: Node, top: Scope, out: OrderProblem[]): void {
  var c = call.callee;
  if (c.type !== "MemberExpression" || c.computed || c.property.name !== "addCached" ||
      c.object.type !== "Identifier" || c.object.name !== "Modules" || call.arguments.length < 2) return;
  var src = call.arguments[1];
  if (isFunction(src)) {
    out.push({ node: call, what: "Modules.addCached with a function: Espruino evaluates it at once without its closure; pass the module source as a string" });
    return;
  }
  if (src.type !== "Literal" || typeof src.value !== "string") return;
  var inner: Node;
  try {
    inner = parse(src.value, { ecmaVersion: 5 });
  } catch (e: any) {
    out.push({ node: call, what: "Modules.addCached source is not ES5: " + e.message });
    return;
  }
  var used: { [n: string]: boolean } = {};
  (function collect(n: Node, parent: Node, key: string) {
    if (n.type === "Identifier" && isReference(parent, key)) used[n.name] = true;
    children(n, function (ch, k) { collect(ch, n, k); });
  })(inner, null, "");
  Object.keys(used).forEach(function (name) {
    var at = top.decls[name];
    if (at === undefined) return;
    // Defined once its whole declaration (the initializer) has run.
    var doneAt = declarationEnd(top.node, name);
    if (call.start < doneAt) {
      out.push({ node: call, what: "Modules.addCached(" + JSON.stringify(call.arguments[0].value) + ") runs its source at once, before " + name +
        " is defined (at " + top.lines[name] + "): register the module after the bundle has defined " + name });
    }
  });
}

/** Offset at which a program-level name is defined: the end of its var declarator (after the
 * initializer ran) or the start of its function declaration. */
function declarationEnd(program: Node, name: string): number {
  var end = Infinity;
  program.body.forEach(function (st: Node) {
    if (st.type === "FunctionDeclaration" && st.id.name === name) end = Math.min(end, st.start);
    if (st.type === "VariableDeclaration") st.declarations.forEach(function (d: Node) {
      if (d.id.name === name) end = Math.min(end, d.end);
    });
  });
  return end === Infinity ? -1 : end;
}
