// throw: the caret on the last token of what is thrown.
function check(v) {
  if (v > 2) throw new Error("too big: " + v);
  return v;
}
print(check(1));
print(check(3));
