// conformance: numbers within 10%
// Blocks 50 functions keep (2v29, Pico layout), by parameter count, by name length and by code
// length, from Storage (the code stays in flash) and evaluated from a string in RAM (as text:
// the function keeps a copy of its code).
function used() { return process.memory().usage; }
function gen(n, pre, params, body) { var s = ""; for (var i = 0; i < n; i++) s += "function " + pre + i + "(" + params + "){" + body + "}\n"; return s; }
var S = require("Storage"), r = {}, u;
var b88 = "return 1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24+25+26+27+28+29+30;";
S.write("a.js", gen(50, "fa", "", "return 1;")); u = used(); eval(S.read("a.js")); r.flash_p0 = used() - u;
S.write("b.js", gen(50, "fb", "a", "return 1;")); u = used(); eval(S.read("b.js")); r.flash_p1 = used() - u;
S.write("c.js", gen(50, "fc", "a,b", "return 1;")); u = used(); eval(S.read("c.js")); r.flash_p2 = used() - u;
S.write("d.js", gen(50, "fd", "a,b,c,d", "return 1;")); u = used(); eval(S.read("d.js")); r.flash_p4 = used() - u;
S.write("e.js", gen(50, "fe", "", b88)); u = used(); eval(S.read("e.js")); r.flash_body88 = used() - u;
S.write("f.js", gen(50, "ffffffffffff", "", "return 1;")); u = used(); eval(S.read("f.js")); r.flash_name14 = used() - u;
u = used(); eval(gen(50, "ta", "", "return 1;")); r.text_p0 = used() - u;
u = used(); eval(gen(50, "tc", "a,b", "return 1;")); r.text_p2 = used() - u;
u = used(); eval(gen(50, "te", "", b88)); r.text_body88 = used() - u;
u = used(); eval("function big(){return \"" + "y".repeat(1400) + "\";}"); r.text_string1400 = used() - u;
print(JSON.stringify(r));
