// Allocations per poll that finds nothing, counted in the bundle itself: a copy of
// dist/espdma.js (the same code as the minified one, names kept) with a counter added, by acorn,
// at every expression that makes a new object on Espruino, each a variable block there: object
// and array literals, function expressions (closures), `new`, the array/string methods that
// return a new array (map, filter, slice, concat, split), bind, and setTimeout/setInterval (a
// timer is an object in Espruino's timer list), plus the function declarations a call makes.
// Not counted: numbers, booleans and strings (temporaries, not objects), and what the
// interpreter allocates inside its own native functions.
import { parse } from "acorn";
import { createVirtualBoard } from "../virtual-board/index";

const NEW_ARRAY_CALLS: { [name: string]: boolean } = { map: true, filter: true, slice: true, concat: true, split: true, bind: true, setTimeout: true, setInterval: true };

/** The bundle with `__A.n` counting every allocating expression. */
export function instrument(code: string): string {
  var ast: any = parse(code, { ecmaVersion: 5 });
  var ins: { at: number; text: string; close: boolean }[] = [];
  function wrap(n: any): void {
    ins.push({ at: n.start, text: "(__A.n++,", close: false }, { at: n.end, text: ")", close: true });
  }
  function visit(n: any): void {
    if (!n || typeof n.type !== "string") return;
    switch (n.type) {
      case "ObjectExpression": case "ArrayExpression": case "FunctionExpression": case "NewExpression":
        wrap(n);
        break;
      case "CallExpression":
        if (n.callee.type === "MemberExpression" && !n.callee.computed && NEW_ARRAY_CALLS[n.callee.property.name]) wrap(n);
        else if (n.callee.type === "Identifier" && (n.callee.name === "setTimeout" || n.callee.name === "setInterval")) wrap(n);
        break;
    }
    if ((n.type === "FunctionExpression" || n.type === "FunctionDeclaration") && n.body.type === "BlockStatement") {
      var k = n.body.body.filter(function (s: any) { return s.type === "FunctionDeclaration"; }).length;
      if (k) ins.push({ at: n.body.start + 1, text: "__A.n+=" + k + ";", close: false });
    }
    for (var key in n) {
      if (key === "start" || key === "end") continue;
      var v = n[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v);
    }
  }
  visit(ast);
  // Forward, closes before opens at the same place (a node ending where the next begins).
  ins.sort(function (a, b) { return a.at - b.at || (a.close === b.close ? 0 : a.close ? -1 : 1); });
  var out = "var __A = { n: 0 };\n", pos = 0;
  for (var i = 0; i < ins.length; i++) {
    out += code.slice(pos, ins[i].at) + ins[i].text;
    pos = ins[i].at;
  }
  return out + code.slice(pos);
}

export interface IdlePollFigures {
  /** Objects allocated per poll that found nothing, once the poll is steady (past 200 ms). */
  allocsPerIdlePoll: number;
  /** The same, over the first 200 ms (the back-off: each of those polls re-arms a timeout). */
  allocsPerIdlePollFirst200ms: number;
  /** Polls in the first 100 ms of a transfer of unknown rate. */
  pollsFirst100ms: number;
  /** Polls in the second after the first 10 ms. */
  pollsPerSecondAfter10ms: number;
}

/** An unknown-rate transfer (a TIM1_UP request whose timer does not run: it never moves) on the
 * virtual F4 Discovery (the Pico has not the room for the unminified copy; the same F4 driver), through the instrumented bundle's default engine (the Espruino platform). */
export function idlePollFigures(code: string): IdlePollFigures {
  var vb = createVirtualBoard({ board: "f4discovery", bundle: instrument(code) });
  try {
    var setup = [
      "var e = espdma.defaultEngine(), P = e._p, op = P.poll, polls = 0;",
      "P.poll = function (l) { polls++; return op.call(P, l); };",
      "var ch = espdma.requestChannel({ request: 'TIM1_UP', dir: 'mem2dev' });",
      "ch.config({ periphAddr: 0x40020014 });",
      "var b = espdma.alloc(64);",
      "ch.prepSlaveSg([b], 'mem2dev').submit();",
      "__A.n = 0; polls = 0; ch.issuePending(); __A.n = 0;",
    ].join("\n");
    vb.eval(setup);
    var loop = vb.loop, t0 = loop.now();
    var at = (ms: number) => loop.runUntil(t0 + ms);
    at(10);
    var p10 = vb.eval("polls") as number;
    at(100);
    var p100 = vb.eval("polls") as number, a100 = vb.eval("__A.n") as number;
    at(200);
    var p200 = vb.eval("polls") as number, a200 = vb.eval("__A.n") as number;
    at(1010);
    var p1010 = vb.eval("polls") as number;
    at(2200);
    var p2200 = vb.eval("polls") as number, a2200 = vb.eval("__A.n") as number;
    if (!(p2200 > p200)) throw new Error("no poll ran after 200 ms");
    vb.eval("ch.terminateSync()");
    void a100;
    return {
      allocsPerIdlePoll: (a2200 - a200) / (p2200 - p200),
      allocsPerIdlePollFirst200ms: a200 / p200,
      pollsFirst100ms: p100,
      pollsPerSecondAfter10ms: p1010 - p10,
    };
  } finally {
    vb.close();
  }
}
