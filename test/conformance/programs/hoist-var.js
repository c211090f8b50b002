// Espruino does not hoist var: before the `var` runs, the name is the outer variable.
var x = "outer";
function f() {
  x = "assigned";
  var x;
  x = "local";
  return x;
}
print(f(), x);
function g() {
  var r = typeof y;
  var y = 1;
  return r + " " + y;
}
print(g());
var e = "dev2mem";
function h(n) { e = n; var e; return e; }
print(h("mem2mem"), e);
