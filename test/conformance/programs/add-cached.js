// Modules.addCached evaluates the module source at once, inside the call.
var log = [];
Modules.addCached("now", "log.push('evaluated'); module.exports = { v: 42 };");
log.push("after addCached");
print(log.join(","));
print(require("now").v);
// The source runs before `later` exists: the module fails to load there and then.
try {
  Modules.addCached("later", "module.exports = later.v;");
  print("no error");
} catch (e) {
  print("caught:", e.message);
}
var later = { v: 1 };
print(Modules.getCached().indexOf("later") >= 0);
try { print(require("later")); } catch (e) { print("require:", e.message); }
// A function as the source runs without its closure.
var secret = 5;
function make() { var hidden = 9; return function () { module.exports = typeof hidden; }; }
try { Modules.addCached("fn", make()); print(require("fn")); } catch (e) { print("fn:", e.message); }
