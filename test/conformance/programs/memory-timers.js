// conformance: numbers within 10%
// Blocks pending timers keep (2v29, Pico layout): setTimeout, setInterval, with arguments; freed when cleared.
function used() { return process.memory().usage; }
var r = {}, u;
function f() {}
u = used(); var ids = []; for (var i = 0; i < 10; i++) ids.push(setTimeout(f, 100000)); r.timeouts10 = used() - u;
u = used(); var ids2 = []; for (var i = 0; i < 10; i++) ids2.push(setInterval(f, 100000)); r.intervals10 = used() - u;
u = used(); var ids3 = []; for (var i = 0; i < 10; i++) ids3.push(setTimeout(f, 100000, i, i)); r.timeouts10_args2 = used() - u;
u = used(); ids.forEach(clearTimeout); ids2.forEach(clearInterval); ids3.forEach(clearTimeout); r.cleared = used() - u;
print(JSON.stringify(r));
