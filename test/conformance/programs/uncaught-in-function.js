// An uncaught error in a timer: Espruino prints each frame, lines counted from the function
// body, the line cut to 60 characters with "..." and a caret under the column.
var o = {};
function g(x, y) {
  var z = 1;
  return x.q.r;
}
function f(a) {   var t = 2;    return g(a, t); }
function long(a) { return a.b.c.d + "this is a long line of code that goes on and on and on and on" + 1; }
setTimeout(function () { f(o); }, 100);
setTimeout(function () { long(o); }, 200);
setTimeout(function () { var s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; s.q.r; }, 300);
setTimeout(function () { throw new Error("boom"); }, 400);
setTimeout(function () { throw "a string"; }, 600);
setTimeout(function () { print("the others still ran"); }, 700);
