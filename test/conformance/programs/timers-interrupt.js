// Timers run in order of their due time; interrupt() (what Ctrl-C raises) stops the code
// that is running, and the event loop goes on.
var n = 0;
setTimeout(function () { print("timeout 100"); }, 100);
var id = setInterval(function () { n++; print("tick", n); if (n === 3) clearInterval(id); }, 10);
setTimeout(function () { print("in timer: interrupt"); interrupt(); print("still running"); }, 150);
setTimeout(function () { print("after the interrupted timer", n); }, 200);
setTimeout(function (a, b) { print("args", a, b); }, 250, "x", 2);
print("main done", typeof id);
