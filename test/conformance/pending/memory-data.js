// conformance: numbers within 10%
// Blocks objects, arrays and strings keep (2v29, Pico layout), by property count and value.
function used() { return process.memory().usage; }
var r = {}, u;
u = used(); var o10 = {a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8,i:9,j:10}; r.obj10 = used() - u;
u = used(); var o10s = {a:"x",b:"x",c:"x",d:"x",e:"x",f:"x",g:"x",h:"x",i:"x",j:"x"}; r.obj10str = used() - u;
u = used(); var o5l = {alpha:1,bravo:2,charlie:3,delta:4,echoes:5}; r.obj5longnames = used() - u;
u = used(); var a10 = [1,2,3,4,5,6,7,8,9,10]; r.arr10 = used() - u;
u = used(); var a10s = ["x","x","x","x","x","x","x","x","x","x"]; r.arr10str = used() - u;
u = used(); var ao = [{},{},{},{},{}]; r.arr5obj = used() - u;
u = used(); var s200 = "abcdefghij".repeat(20); r.str200 = used() - u;
print(JSON.stringify(r));
