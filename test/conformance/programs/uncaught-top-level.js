// An uncaught error at the top level ends the program (the Linux build's -e then prints
// "Uncaught undefined"); the caret sits on the token after an undefined name.
print("start");
function h() { return notDefinedAnywhere + 1; }
setTimeout(function () { print("never: the run stopped"); }, 1);
print(1); h(); print(2);
