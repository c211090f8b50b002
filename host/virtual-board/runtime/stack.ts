// Espruino's stack trace for an error V8 raised in sandbox code: the same frames, with the
// positions Espruino reports (2v29, test/conformance/golden/uncaught-*.out):
//  - an undefined name: the token after it; a property of undefined: the "." before it;
//    `throw X`: the last token of X; a caller's frame: the call's closing ")";
//  - inside a function, lines count from its body's first token (for a body that is only a
//    `return X`, from X), and the shown line starts there.

import * as acorn from "acorn";
import type { Frame } from "./format";
import type { Rewritten } from "./rewrite";

/** A source we ran: the user's code, what V8 ran (positions map back), how Espruino names it. */
export interface SourceInfo {
  code: string; rw: Rewritten; name: string; file: string;
  /** Characters of a wrapper V8 ran before `code` (a module's function head). */
  prefix?: number;
}

const asts = new Map<string, any>();
function parse(code: string): any {
  var a = asts.get(code);
  if (a === undefined) {
    try { a = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true, allowHashBang: true }); }
    catch { a = null; }
    if (asts.size > 32) asts.delete(asts.keys().next().value as string);
    asts.set(code, a);
  }
  return a;
}

function offsetOf(code: string, line: number, col: number): number {
  var at = 0;
  for (var l = 1; l < line; l++) { var nl = code.indexOf("\n", at); if (nl < 0) return code.length; at = nl + 1; }
  return at + col - 1;
}

/** Nodes containing `pos`, outermost first. */
function pathTo(ast: any, pos: number): any[] {
  var path: any[] = [];
  (function visit(node: any) {
    path.push(node);
    for (var key in node) {
      var v = node[key];
      var kids = Array.isArray(v) ? v : v && typeof v === "object" && typeof v.type === "string" ? [v] : [];
      for (var i = 0; i < kids.length; i++) {
        var k = kids[i];
        if (k && typeof k.type === "string" && k.start <= pos && pos < k.end) { visit(k); return; }
      }
    }
  })(ast);
  return path;
}

function isFn(n: any): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
}

/** Where Espruino's lexer stands for this frame (top: the error; others: a call). */
function espruinoPos(code: string, ast: any, pos: number, top: boolean, err: any): number {
  var msg = err && typeof err.message === "string" ? err.message : "";
  var path = ast ? pathTo(ast, pos) : [];
  if (!top) {
    for (var i = path.length - 1; i >= 0; i--) {
      var n = path[i];
      if ((n.type === "CallExpression" || n.type === "NewExpression") && pos < n.callee.end + 1) return n.end - 1;
    }
    return pos;
  }
  var m: RegExpMatchArray | null;
  if ((m = msg.match(/^(\S+) is not defined$/)) && ast) {
    // V8 may point at the statement (`return x`): find the name, then the token after it.
    var seen = false;
    try {
      for (const t of acorn.tokenizer(code.slice(pos), { ecmaVersion: "latest" })) {
        if (seen) return pos + t.start;
        if ((t as any).value === m[1]) seen = true;
      }
    } catch { /* the rest does not tokenise: keep V8's position */ }
    return pos;
  }
  if ((m = msg.match(/\((?:reading|setting) '(.*)'\)$/))) {
    var re = new RegExp("\\.\\s*" + m[1].replace(/[$]/g, "\\$") + "(?![\\w$])", "g"), best = -1, r: RegExpExecArray | null;
    while ((r = re.exec(code)) && r.index <= pos) best = r.index;
    return best >= 0 ? best : pos;
  }
  for (var j = path.length - 1; j >= 0; j--) {
    if (path[j].type === "ThrowStatement") return Math.max(path[j].argument.end - 1, pos);
    if (isFn(path[j])) break;
  }
  return pos;
}

/** The closing ")" of the innermost call around pos. */
function callEnd(ast: any, pos: number): number {
  var path = ast ? pathTo(ast, pos) : [];
  for (var i = path.length - 1; i >= 0; i--) {
    if (isFn(path[i])) continue;
    if (path[i].type === "CallExpression" || path[i].type === "NewExpression") return path[i].end - 1;
  }
  return pos;
}

/** Espruino's frames for error `e`, from V8's stack, for the sources we ran. */
export function espruinoFrames(e: any, sources: Map<string, SourceInfo>, mode: "error" | "call" = "error"): Frame[] {
  var stack = e && typeof e.stack === "string" ? e.stack : "";
  var frames: Frame[] = [];
  var re = /^\s*at (?:(.*?) \()?([^()\s]*?):(\d+):(\d+)\)?$/gm, m: RegExpExecArray | null;
  var top = true;
  while ((m = re.exec(stack))) {
    var src = sources.get(m[2]);
    if (!src) { top = false; continue; }
    var code = src.code, ast = parse(code);
    var at = src.rw.original(offsetOf(src.rw.code, +m[3], +m[4])) - (src.prefix || 0);
    // "call": a trace taken inside a call (OUT OF MEMORY): every frame shows its call's ")".
    var pos = mode === "call" ? callEnd(ast, at) : espruinoPos(code, ast, at, top, e);
    top = false;
    var fn: any = null;
    if (ast) { var path = pathTo(ast, pos); for (var i = path.length - 1; i >= 0; i--) if (isFn(path[i])) { fn = path[i]; break; } }
    var base = 0, name = src.name, file = src.file;
    if (fn) {
      var body = fn.body;
      if (body.type !== "BlockStatement") base = body.start;
      else if (body.body.length === 1 && body.body[0].type === "ReturnStatement" && body.body[0].argument) base = body.body[0].argument.start;
      else base = body.body.length ? body.body[0].start : body.start + 1;
      var v8name = (m[1] || "").replace(/^new /, "").split(".").pop() || "";
      name = fn.id ? fn.id.name : v8name === "<anonymous>" ? "" : v8name;
      file = "";
    }
    if (pos < base) pos = base;
    var before = code.slice(base, pos), line = 1, lineStart = base;
    for (var k = 0; k < before.length; k++) if (before[k] === "\n") { line++; lineStart = base + k + 1; }
    var end = code.indexOf("\n", lineStart);
    if (end < 0) end = code.length;
    // A function's code ends before its closing brace.
    if (fn && fn.body.type === "BlockStatement" && fn.body.end - 1 < end) end = fn.body.end - 1;
    frames.push({ name, file, line, col: pos - lineStart + 1, text: code.slice(lineStart, end).replace(/\s+$/, "") });
  }
  // SyntaxError from the compiler: "file:line" on the first line, no column.
  if (!frames.length) {
    var s = /^([^\s:]+):(\d+)\n/.exec(stack);
    var si = s && sources.get(s[1]);
    if (si) {
      var lines = si.code.split("\n");
      frames.push({ name: si.name, file: si.file, line: +s![2], col: 1, text: lines[+s![2] - 1] || "" });
    }
  }
  return frames;
}
