// Timers run in order of their due time; interrupt() (what Ctrl-C raises) stops the code
// that is running, and the event loop goes on. (Times far apart: the Linux build runs in
// real time, and a loaded machine delays its timers.)
var n = 0;
setTimeout(function () { print("timeout 400"); }, 400);
var id = setInterval(function () { n++; print("tick", n); if (n === 3) clearInterval(id); }, 50);
setTimeout(function () { print("in timer: interrupt"); interrupt(); print("still running"); }, 700);
setTimeout(function () { print("after the interrupted timer", n); }, 1000);
setTimeout(function (a, b) { print("args", a, b); }, 1300, "x", 2);
print("main done", typeof id);
