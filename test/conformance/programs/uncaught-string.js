// A thrown string prints as it is, without a stack.
print("start");
throw "a string";
