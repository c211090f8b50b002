// A function whose body is only `return X` is shown from X; the line cut at 60 characters.
var o = {};
function long(a) { return a.b.c.d + "this is a long line of code that goes on and on and on and on" + 1; }
long(o);
