// What V8 runs for code given to the virtual board: the code, rewritten where V8 and Espruino
// differ (hoisting.ts: hoisting, top-level var, caught messages; equality.ts: `==` / `===` on
// ArrayBuffers), with a map from positions in the rewritten code back to the original, so an
// error shows the line and column the user wrote. Code that needs nothing is run as it is.

import * as acorn from "acorn";
import { hoistingEdits } from "./hoisting";
import { equalityEdits } from "./equality";
import { instrumentEdits } from "./instrument";

/** Insert `text` at `at` in the original, after deleting `del` characters there. Edits at the
 * same place come out in `rank` order (lower first). */
export interface Edit { at: number; del: number; text: string; rank: number }

export interface Rewritten {
  /** A number for this code (the runtime records whether it came from Storage). */
  id: number;
  code: string;
  /** Offset in the original code for an offset in `code`. */
  original(offset: number): number;
}

const cache = new Map<string, Rewritten>();

export function rewrite(code: string): Rewritten {
  var hit = cache.get(code);
  if (hit) return hit;
  var r = build(code);
  if (cache.size > 64) cache.delete(cache.keys().next().value as string);
  cache.set(code, r);
  return r;
}

var nextId = 1;
function identity(code: string): Rewritten {
  return { id: nextId++, code, original: (o) => o };
}

function build(code: string): Rewritten {
  if (!/\b(var|function|catch)\b|[=!]=|=>/.test(code)) return identity(code);
  var ast: any;
  try {
    ast = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true, allowHashBang: true });
  } catch {
    return identity(code); // V8 reports the syntax error itself
  }
  var id = nextId++;
  var edits = hoistingEdits(ast).concat(equalityEdits(ast, code), instrumentEdits(ast, code, id));
  if (!edits.length) return identity(code);
  // Apply from the end; at one offset, the higher rank first so the lower ends up first.
  edits.sort((a, b) => b.at - a.at || b.rank - a.rank);
  var out = code;
  for (var i = 0; i < edits.length; i++) {
    var e = edits[i];
    out = out.slice(0, e.at) + e.text + out.slice(e.at + e.del);
  }
  var asc = edits.slice().reverse();
  return {
    id,
    code: out,
    original(offset: number): number {
      var shift = 0;
      for (var k = 0; k < asc.length; k++) {
        var ed = asc[k], start = ed.at + shift;
        if (offset < start) break;
        if (offset < start + ed.text.length) return ed.at;
        shift += ed.text.length - ed.del;
      }
      return offset - shift;
    },
  };
}
