// Storage: write, read, eval, list, erase; a module from Storage by require.
var S = require("Storage");
S.write("mod", "exports.hello = function () { return 'hi from flash'; };");
print(require("mod").hello());
S.write("code.js", "var fromFlash = 6 * 7;");
eval(S.read("code.js"));
print(fromFlash);
S.write("part", "abc", 0, 6);
S.write("part", "def", 3);
print(S.read("part"), S.read("part").length);
print(JSON.stringify(S.list(/^(mod|code\.js|part)$/)));
S.writeJSON("j", { a: [1, 2] });
print(JSON.stringify(S.readJSON("j")));
S.erase("part");
print(S.read("part"));
