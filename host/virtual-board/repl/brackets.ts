// Is the REPL input complete? Espruino executes the input line when Enter arrives and its
// brackets are balanced (jsinteractive.c, jsiCountBracketsInInput, using the lexer); otherwise it
// waits for more lines. Strings, template literals and comments do not count.

/** Open-bracket depth after `src` (<= 0: complete), and whether a string/comment is still open. */
export function bracketDepth(src: string): { depth: number; open: boolean } {
  var depth = 0, i = 0, n = src.length;
  while (i < n) {
    var c = src[i];
    if (c === "/" && src[i + 1] === "/") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      var end = src.indexOf("*/", i + 2);
      if (end < 0) return { depth, open: true };
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      var q = c;
      i++;
      while (i < n && src[i] !== q) {
        if (src[i] === "\\") i++;
        else if (src[i] === "\n" && q !== "`") break; // a plain string ends at the line end
        i++;
      }
      if (i >= n && q === "`") return { depth, open: true };
      i++;
      continue;
    }
    if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") depth--;
    i++;
  }
  return { depth, open: false };
}

export function isComplete(src: string): boolean {
  var b = bracketDepth(src);
  return !b.open && b.depth <= 0;
}
