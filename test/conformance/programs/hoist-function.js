// Espruino does not hoist function declarations: a call before the declaration fails.
try {
  early();
  print("called early");
} catch (e) {
  print(e instanceof ReferenceError, e.message);
}
function early() { return 1; }
print(early());
function outer() {
  try { inner(); print("inner early"); } catch (e) { print("inner:", e.message); }
  function inner() { return 2; }
  return inner();
}
print(outer());
