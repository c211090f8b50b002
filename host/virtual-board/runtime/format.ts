// How Espruino prints values on the REPL (`=value`, jsfPrintJSON with JSON_SOME_NEWLINES |
// JSON_PRETTY | JSON_DROP_QUOTES) and how it prints uncaught errors. Approximate but close:
// `=[ 1, 2, 3 ]`, `={ a: 1, "b-c": 2 }`, `="text"`, `=new Uint8Array([1, 2])`, `=undefined`.

const TYPED = ["Uint8Array", "Uint8ClampedArray", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array"];
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const LINE = 60;

function tag(v: any): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}

function str(s: string): string {
  return JSON.stringify(s);
}

function num(n: number): string {
  if (n !== n) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  return String(n);
}

/** The text after `=` for a REPL result. */
export function formatValue(v: unknown, depth = 0, seen: unknown[] = []): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  var t = typeof v;
  if (t === "number") return num(v as number);
  if (t === "boolean") return String(v);
  if (t === "string") return str(v as string);
  if (t === "function") return functionText(v as Function);
  if (t !== "object") return String(v);
  if (seen.indexOf(v) >= 0) return "{ ... }";
  var k = tag(v);
  if (TYPED.indexOf(k) >= 0) {
    var a = v as any, parts: string[] = [];
    for (var i = 0; i < a.length; i++) parts.push(num(a[i]));
    return "new " + k + "([" + parts.join(", ") + "])";
  }
  if (k === "ArrayBuffer") return "new Uint8Array([" + Array.prototype.join.call(new Uint8Array(v as ArrayBuffer), ", ") + "]).buffer";
  if (k === "Error") {
    var e = v as any;
    return (e.name || "Error") + ": " + e.message;
  }
  if (k === "Date") return "Date: " + (v as Date).toString();
  if (depth > 8) return "{ ... }";
  seen.push(v);
  var items: string[] = [];
  var isArr = Array.isArray(v);
  if (isArr) {
    var arr = v as unknown[];
    for (var j = 0; j < arr.length; j++) items.push(formatValue(arr[j], depth + 1, seen));
  } else {
    var keys = Object.keys(v as object);
    for (var q = 0; q < keys.length; q++) {
      var key = keys[q];
      items.push((IDENT.test(key) ? key : str(key)) + ": " + formatValue((v as any)[key], depth + 1, seen));
    }
  }
  seen.pop();
  var open = isArr ? "[" : "{", close = isArr ? "]" : "}";
  if (!items.length) return open + (isArr ? "  " : " ") + close;
  // JSON_SOME_NEWLINES: items flow on one line and wrap, indented, once a line grows long:
  // ={ free: 4975, usage: 125, total: 5100, history: 43,
  //   gc: 0, gctime: 3.39, blocksize: 16 }
  var text = open + " ", col = text.length;
  for (var n = 0; n < items.length; n++) {
    var item = items[n] + (n < items.length - 1 ? ", " : " ");
    if (n > 0 && col + item.length > LINE) {
      text = text.replace(/ $/, "") + "\n  ";
      col = 2;
    }
    text += item;
    var nl = item.lastIndexOf("\n");
    col = nl >= 0 ? item.length - nl - 1 : col + item.length;
  }
  return text + close;
}

function functionText(f: Function): string {
  var s = Function.prototype.toString.call(f);
  if (/\{\s*\[native code\]\s*\}$/.test(s)) return "function () { [native code] }";
  // 2v29's REPL shows the parameters and elides the body: `=function (x) { ... }`, for named
  // and anonymous functions alike (its value for a function declaration too).
  var m = /^[^(]*\(([^)]*)\)/.exec(s);
  var params = m ? m[1].split(",").map((p) => p.trim()).filter((p) => p).join(",") : "";
  return "function (" + params + ") { ... }";
}

/** The message Espruino would give for an error V8 raised (names and wording differ; each
 * mapping is what 2v29 printed for the same code: test/conformance/golden/uncaught-*.out). */
export function espruinoMessage(err: any): { name: string; message: string } {
  // An Error prints with its constructor's name: 2v29 prints `Uncaught Error: m` for an Error
  // whose own .name was set (measured: e.name = "DmaError" still prints "Error: m").
  var own = err && typeof err === "object" && tag(err) === "Error" && Object.prototype.hasOwnProperty.call(err, "name");
  var name = (own ? Object.getPrototypeOf(err).name : err && err.name) || "Error";
  var msg = err && err.message !== undefined ? String(err.message) : String(err);
  var m: RegExpMatchArray | null;
  if ((m = msg.match(/^(\S+) is not defined$/))) return { name: "ReferenceError", message: '"' + m[1] + '" is not defined' };
  if ((m = msg.match(/^Cannot (?:read|set) properties of (null|undefined) \((?:reading|setting) '(.*)'\)$/))) return { name: "Error", message: "Can't read property '" + m[2] + "' of " + m[1] };
  if ((m = msg.match(/^(?:\S+\.)?([A-Za-z0-9_$]+) is not a function$/))) return { name: "Error", message: 'Function "' + m[1] + '" not found!' };
  if (name === "TypeError" || name === "RangeError" || name === "SyntaxError" || name === "ReferenceError" || name === "InternalError") return { name, message: msg };
  return { name: typeof name === "string" ? name : "Error", message: msg };
}

/** One line of Espruino's stack trace: where, and the source line it shows. */
export interface Frame {
  /** "f", "REPL", "[raw]", "boot code"; "" for an anonymous function. */
  name: string;
  /** File shown in the position ("" at the REPL). */
  file: string;
  line: number;
  col: number;
  /** The line of code, as Espruino numbers it (a function's lines start at its body). */
  text: string;
}

/** The text Espruino prints for an uncaught exception, without the trailing newline. */
export function formatUncaught(err: unknown, frames: Frame[] = []): string {
  var out: string;
  var isErr = err !== null && typeof err === "object" && (tag(err) === "Error" || "message" in (err as object));
  if (isErr) {
    var em = espruinoMessage(err);
    out = "Uncaught " + em.name + ": " + em.message;
  } else if (typeof err === "string") {
    out = "Uncaught " + err;
  } else {
    out = "Uncaught " + formatValue(err);
    return out;
  }
  for (var i = 0; i < frames.length; i++) {
    var f = frames[i];
    var where = f.file + ":" + f.line + ":" + f.col;
    out += "\r\n    at " + (f.name ? f.name + " (" + where + ")" : where) + "\r\n" + markLine(f.text, f.col);
  }
  return out;
}

/** Espruino's line marker (jslex.c, jslPrintTokenLineMarker): at most 60 characters of the
 * line, "..." where it was cut, and a caret under the column. */
export function markLine(text: string, col: number): string {
  var line = text.replace(/\r$/, "");
  var p = col - 1, out = "", len = line.length, start = 0;
  if (len > LINE && p > 30) {
    var skip = p - 30;
    out += "...";
    start = skip + 3;
    col = col - skip;
    len -= skip;
  }
  out += line.slice(start, start + LINE);
  if (len > LINE) out += "...";
  return out + "\r\n" + " ".repeat(Math.max(col - 1, 0)) + "^";
}
