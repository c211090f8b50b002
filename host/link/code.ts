// Code as it goes to the board. Bundles on disk are UTF-8 (terser writes "\xff" as the
// character ÿ, two bytes in UTF-8), while an Espruino string is one byte per character and
// the link sends one byte per character. So code is read as UTF-8 and every non-ASCII
// character is sent as an escape: the board sees the same string value, and the line only
// ever carries 7-bit text (a flipped 8th bit is then visibly noise).
/** Replace each character >= 0x80 by \xNN or \uNNNN. Minified ES5 has such characters only
 * in string and regex literals (and comments), where both escapes mean the same character. */
export function asciiCode(code: string): string {
  return code.replace(/[\u0080-\uffff]/g, (ch) => {
    var c = ch.charCodeAt(0);
    return c <= 0xff ? "\\x" + c.toString(16).padStart(2, "0") : "\\u" + c.toString(16).padStart(4, "0");
  });
}

/**
 * A JavaScript string literal for data sent on a REPL line: the quote that occurs less often
 * in the data (minified code is full of double quotes), backslash escapes, and every control
 * character and DEL escaped, since the REPL acts on them (DLE, Ctrl-C, XON/XOFF, backspace,
 * line ends; jsinteractive.c) instead of putting them in the line.
 */
export function jsString(s: string): string {
  var dq = 0, sq = 0;
  for (var i = 0; i < s.length; i++) {
    var ch = s.charCodeAt(i);
    if (ch === 0x22) dq++;
    else if (ch === 0x27) sq++;
  }
  var q = sq <= dq ? "'" : '"';
  var out = q;
  for (var j = 0; j < s.length; j++) {
    var c = s[j], n = s.charCodeAt(j);
    if (c === q || c === "\\") out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (n < 0x20 || n === 0x7f) out += "\\x" + n.toString(16).padStart(2, "0");
    else if (n > 0xff) out += "\\u" + n.toString(16).padStart(4, "0");
    else if (n > 0x7e) out += "\\x" + n.toString(16);
    else out += c;
  }
  return out + q;
}
