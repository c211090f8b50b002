// process.memory(false) skips the garbage collection, and its result then has no gc or gctime;
// process.memory() and process.memory(true) collect and have both (2v29 src/jswrap_process.c).
function keys(m) { return ["free", "usage", "total", "gc", "gctime", "blocksize"].filter(function (k) { return k in m; }).join(","); }
print("false: " + keys(process.memory(false)));
print("0: " + keys(process.memory(0)));
print("(): " + keys(process.memory()));
print("true: " + keys(process.memory(true)));
var a = process.memory(false), b = process.memory(false);
print("total " + (a.total === b.total) + ", free " + (a.free + a.usage === a.total));
