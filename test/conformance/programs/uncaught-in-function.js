// An uncaught error in a timer: Espruino prints each frame, lines counted from the function
// body (its first token), a caret under the column; the event loop goes on.
var o = {};
function g(x, y) {
  var z = 1;
  return x.q.r;
}
function f(a) {   var t = 2;    return g(a, t); }
setTimeout(function () { f(o); }, 10);
setTimeout(function () { print("the other timer still ran"); }, 300);
