// interrupt() at the top level stops the program there.
print("start");
setTimeout(function () { print("never"); }, 1);
interrupt();
print("never either");
