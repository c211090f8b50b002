// Code as it goes to the board. Bundles on disk are UTF-8 (terser writes "\xff" as the
// character ÿ, two bytes in UTF-8), while an Espruino string is one byte per character and
// the link sends one byte per character. So code is read as UTF-8 and every non-ASCII
// character is sent as an escape: the board sees the same string value, and the line only
// ever carries 7-bit text (a flipped 8th bit is then visibly noise).
import { readFileSync } from "node:fs";

/** Replace each character >= 0x80 by \xNN or \uNNNN. Minified ES5 has such characters only
 * in string and regex literals (and comments), where both escapes mean the same character. */
export function asciiCode(code: string): string {
  return code.replace(/[\u0080-\uffff]/g, (ch) => {
    var c = ch.charCodeAt(0);
    return c <= 0xff ? "\\x" + c.toString(16).padStart(2, "0") : "\\u" + c.toString(16).padStart(4, "0");
  });
}

/** Read a code file for the board: UTF-8, non-ASCII escaped. */
export function readCode(path: string): string {
  return asciiCode(readFileSync(path, "utf8"));
}
