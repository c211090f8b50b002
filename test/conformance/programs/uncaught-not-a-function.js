// Calling what is not a function: a plain Error, the caret on the name.
var o = {};
print("start");
o.nothing(1, 2);
