// Espruino hoists neither function declarations nor `var` (espruino-compat.md; Espruino issue
// #274; test/conformance/programs/hoist-*.js): a name is local only once its declaration has
// run, so a use before it reaches the enclosing scope. V8 hoists both. Before code runs on the
// virtual board we find each scope's names used before their declaration and rewrite just
// those, so V8 resolves them as Espruino does:
//  - in a function, the local is renamed from its declaration on (`e=n; var e;` assigns the
//    outer `e`, later reads see the local);
//  - at the top level, `function f(){}` becomes `f=function f(){};`, so `f()` before it is a
//    ReferenceError ("f" is not defined), as on Espruino.
//  - a top-level `var` only creates the global when it runs: `var` is blanked out (same
//    columns), `var b;` becomes `b=this.b;` (the global now exists, its value kept);
//  - a `catch (e)` gets Espruino's message in `e.message` (format.ts, espruinoMessage), as
//    the program would read it on Espruino (`"x" is not defined`), through CATCH_HOOK.
// rewrite.ts applies the edits and maps positions back for error messages. "Before" is the
// source order: the execution order except in loops and in functions called before a later
// declaration (not modelled).

import type { Edit } from "./rewrite";

interface Scope {
  node: any;
  parent: Scope | null;
  /** Names bound from the start (params, a named function expression's own name, catch param). */
  early: Set<string>;
  /** var / function declarations: name -> position of the first declaration. */
  decls: Map<string, number>;
  /** Names that cannot be rewritten (let/const/class), but shadow outer names. */
  lexical: Set<string>;
  /** Declaration identifier nodes (renamed with the local). */
  declIds: any[];
  functionDecls: any[];
}

interface Ref { node: any; scope: Scope }

/** Suffix for a renamed local: cannot collide with a name in ES5 source (ids cannot hold it). */
const SUFFIX = "\u02b9";
/** The sandbox function a rewritten catch clause calls (runtime.ts installs it). */
export const CATCH_HOOK = "__espruinoCaught";

/** The edits that make V8 run `ast` (parsed from its code) without hoisting. */
export function hoistingEdits(ast: any): Edit[] {
  var scopes: Scope[] = [];
  var refs: Ref[] = [];
  var root = newScope(ast, null);
  scopes.push(root);
  walk(ast, root, scopes, refs);
  var catches: any[] = [];
  (function find(n: any) {
    if (!n || typeof n.type !== "string") return;
    if (n.type === "CatchClause") catches.push(n);
    for (var key in n) {
      var v = n[key];
      if (Array.isArray(v)) v.forEach(find);
      else if (v && typeof v === "object" && typeof v.type === "string") find(v);
    }
  })(ast);

  // References by name: each declaration looks only at the uses of its own name (filtering
  // every reference for every declaration was quadratic in the program's size).
  var refsByName = new Map<string, Ref[]>();
  for (var r = 0; r < refs.length; r++) {
    var list = refsByName.get(refs[r].node.name);
    if (list) list.push(refs[r]); else refsByName.set(refs[r].node.name, [refs[r]]);
  }
  var edits: Edit[] = [];
  for (var c = 0; c < catches.length; c++) {
    var cc = catches[c];
    if (cc.param && cc.param.type === "Identifier") edits.push({ at: cc.body.start + 1, del: 0, text: cc.param.name + "=" + CATCH_HOOK + "(" + cc.param.name + ");", rank: 0 });
  }
  for (var t = 0; t < ast.body.length; t++) topLevelVars(ast.body[t], edits);
  for (var s = 0; s < scopes.length; s++) {
    var sc = scopes[s];
    for (const [name, declAt] of sc.decls) {
      if (sc.early.has(name)) continue;
      var mine = (refsByName.get(name) || []).filter((r) => resolve(r.scope, name) === sc);
      // A use inside a nested function runs when that function is called, normally after the
      // declaration: it sees the local. Only a direct use before the declaration is early.
      var direct = (r: Ref) => functionScope(r.scope) === sc;
      var early = mine.some((r) => direct(r) && r.node.start < declAt);
      if (!early) continue;
      if (sc.parent === null) {
        // Top level: only function declarations need it (a global `var` is handled above).
        for (var f = 0; f < sc.functionDecls.length; f++) {
          var fd = sc.functionDecls[f];
          if (fd.id.name !== name) continue;
          edits.push({ at: fd.start, del: 0, text: name + "=", rank: -100 });
          edits.push({ at: fd.end, del: 0, text: ";", rank: 100 });
        }
        continue;
      }
      for (var k = 0; k < mine.length; k++) if (!direct(mine[k]) || mine[k].node.start >= declAt) edits.push({ at: mine[k].node.end, del: 0, text: SUFFIX, rank: -1000 });
      for (var d = 0; d < sc.declIds.length; d++) if (sc.declIds[d].name === name) edits.push({ at: sc.declIds[d].end, del: 0, text: SUFFIX, rank: -1000 });
      // instrument.ts names the function after its declaration: the renamed local.
      for (var q = 0; q < sc.functionDecls.length; q++) if (sc.functionDecls[q].id.name === name) sc.functionDecls[q]._renamed = name + SUFFIX;
    }
  }
  return edits;
}

/** Top-level `var` statements (also inside blocks, loops and ifs, not inside functions). */
function topLevelVars(n: any, edits: Edit[]): void {
  if (!n || typeof n.type !== "string" || isFunction(n) || n.type === "ClassDeclaration" || n.type === "ClassExpression") return;
  if (n.type === "VariableDeclaration" && n.kind === "var") {
    edits.push({ at: n.start, del: 3, text: "   ", rank: 0 });
    for (var i = 0; i < n.declarations.length; i++) {
      var d = n.declarations[i];
      if (!d.init && d.id.type === "Identifier" && !n._loopHead) edits.push({ at: d.id.end, del: 0, text: "=this." + d.id.name, rank: 0 });
      if (d.init) topLevelVars(d.init, edits);
    }
    return;
  }
  if ((n.type === "ForInStatement" || n.type === "ForOfStatement") && n.left && n.left.type === "VariableDeclaration") n.left._loopHead = true;
  for (var key in n) {
    var v = n[key];
    if (Array.isArray(v)) for (var j = 0; j < v.length; j++) topLevelVars(v[j], edits);
    else if (v && typeof v === "object" && typeof v.type === "string") topLevelVars(v, edits);
  }
}

function newScope(node: any, parent: Scope | null): Scope {
  return { node, parent, early: new Set(), decls: new Map(), lexical: new Set(), declIds: [], functionDecls: [] };
}

/** The scope that binds `name` as seen from `from` (null: global, undeclared). */
function resolve(from: Scope, name: string): Scope | null {
  for (var s: Scope | null = from; s; s = s.parent) {
    if (s.early.has(name) || s.decls.has(name) || s.lexical.has(name)) return s;
  }
  return null;
}

function patternNames(p: any, out: any[]): void {
  if (!p) return;
  if (p.type === "Identifier") out.push(p);
  else if (p.type === "ObjectPattern") p.properties.forEach((q: any) => patternNames(q.type === "RestElement" ? q.argument : q.value, out));
  else if (p.type === "ArrayPattern") p.elements.forEach((q: any) => patternNames(q, out));
  else if (p.type === "RestElement") patternNames(p.argument, out);
  else if (p.type === "AssignmentPattern") patternNames(p.left, out);
}

function isFunction(n: any): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
}

function declare(scope: Scope, id: any): void {
  if (!scope.decls.has(id.name)) scope.decls.set(id.name, id.start);
  scope.declIds.push(id);
}

/** Walk `node` in `scope`: record declarations, references, and child scopes. */
function walk(node: any, scope: Scope, scopes: Scope[], refs: Ref[]): void {
  if (!node || typeof node.type !== "string") return;
  if (isFunction(node) && node !== scope.node) {
    if (node.type === "FunctionDeclaration" && node.id) {
      declare(scope, node.id);
      scope.functionDecls.push(node);
    }
    var fs = newScope(node, scope);
    scopes.push(fs);
    if (node.type === "FunctionExpression" && node.id) fs.early.add(node.id.name);
    var ps: any[] = [];
    node.params.forEach((p: any) => patternNames(p, ps));
    ps.forEach((p) => fs.early.add(p.name));
    node.params.forEach((p: any) => walkPatternDefaults(p, fs, scopes, refs));
    walk(node.body, fs, scopes, refs);
    return;
  }
  switch (node.type) {
    case "Identifier":
      refs.push({ node, scope });
      return;
    case "VariableDeclaration": {
      for (var i = 0; i < node.declarations.length; i++) {
        var dcl = node.declarations[i], ids: any[] = [];
        patternNames(dcl.id, ids);
        if (node.kind === "var") ids.forEach((id) => declare(functionScope(scope), id));
        else ids.forEach((id) => scope.lexical.add(id.name));
        walkPatternDefaults(dcl.id, scope, scopes, refs);
        walk(dcl.init, scope, scopes, refs);
      }
      return;
    }
    case "ClassDeclaration":
      if (node.id) scope.lexical.add(node.id.name);
      walk(node.superClass, scope, scopes, refs);
      walk(node.body, scope, scopes, refs);
      return;
    case "CatchClause": {
      var cs = newScope(node, scope);
      (cs as any).isCatch = true;
      scopes.push(cs);
      var cp: any[] = [];
      patternNames(node.param, cp);
      cp.forEach((p) => cs.early.add(p.name));
      walk(node.body, cs, scopes, refs);
      return;
    }
    case "MemberExpression":
      walk(node.object, scope, scopes, refs);
      if (node.computed) walk(node.property, scope, scopes, refs);
      return;
    case "Property":
    case "MethodDefinition":
    case "PropertyDefinition":
      if (node.computed) walk(node.key, scope, scopes, refs);
      else if (node.shorthand && node.value && node.value.type === "Identifier") { refs.push({ node: node.value, scope }); return; }
      walk(node.value, scope, scopes, refs);
      return;
    case "LabeledStatement":
      walk(node.body, scope, scopes, refs);
      return;
    case "BreakStatement":
    case "ContinueStatement":
      return;
    case "ExportSpecifier":
    case "ImportSpecifier":
      return;
  }
  for (var key in node) {
    if (key === "type" || key === "start" || key === "end") continue;
    var v = node[key];
    if (Array.isArray(v)) for (var j = 0; j < v.length; j++) walk(v[j], scope, scopes, refs);
    else if (v && typeof v === "object" && typeof v.type === "string") walk(v, scope, scopes, refs);
  }
}

/** `var` belongs to the enclosing function (a catch clause's scope is only for its param). */
function functionScope(s: Scope): Scope {
  while ((s as any).isCatch && s.parent) s = s.parent;
  return s;
}

function walkPatternDefaults(p: any, scope: Scope, scopes: Scope[], refs: Ref[]): void {
  if (!p) return;
  if (p.type === "AssignmentPattern") { walkPatternDefaults(p.left, scope, scopes, refs); walk(p.right, scope, scopes, refs); }
  else if (p.type === "ObjectPattern") p.properties.forEach((q: any) => { if (q.computed) walk(q.key, scope, scopes, refs); walkPatternDefaults(q.type === "RestElement" ? q.argument : q.value, scope, scopes, refs); });
  else if (p.type === "ArrayPattern") p.elements.forEach((q: any) => walkPatternDefaults(q, scope, scopes, refs));
}
