// conformance: numbers within 10%
// Blocks kept by scopes that closures hold (2v29, Pico layout), from Storage: an IIFE's locals
// while the closure it returns lives, closures over parameters, and the same code as a module
// loaded by require() from Storage (functions written inside its functions cost more).
function used() { return process.memory().usage; }
function gen(n, pre, params, body) { var s = ""; for (var i = 0; i < n; i++) s += "function " + pre + i + "(" + params + "){" + body + "}\n"; return s; }
function vars(n, pre) { var s = ""; for (var i = 0; i < n; i++) s += "var " + pre + i + "=" + (i + 1000) + ";"; return s; }
var S = require("Storage"), r = {}, u;
S.write("m0", gen(50, "mc", "a,b", "return 1;") + "exports.x=mc0;");
S.write("m1", "var X=(function(){" + gen(50, "ma", "", "return 1;") + "return ma0;})();exports.x=X;");
S.write("e1", "var Y1=(function(){" + gen(50, "me", "", "return 1;") + "return me0;})();");
S.write("e3", "var Y3=(function(){" + vars(50, "v") + "return function(){return 1;};})();");
S.write("e4", "var Y4=(function(){" + vars(50, "vvvvvv") + "return function(){return 1;};})();");
S.write("e6", "var Y6=[];for(var i=0;i<20;i++)Y6.push((function(a,b){return function(){return a+b;};})(i,i));");
u = used(); var m0 = require("m0"); r.require_top50 = used() - u;
u = used(); var m1 = require("m1"); r.require_iife50 = used() - u;
u = used(); eval(S.read("e1")); r.eval_iife50 = used() - u;
u = used(); eval(S.read("e3")); r.eval_50vars = used() - u;
u = used(); eval(S.read("e4")); r.eval_50vars_long = used() - u;
u = used(); eval(S.read("e6")); r.eval_20closures = used() - u;
print(JSON.stringify(r));
