// E.toFlatString takes its arguments as E.toString does and joins them.
print(JSON.stringify(E.toFlatString("hello")));
print(JSON.stringify(E.toFlatString("ab", 3)));
print(JSON.stringify(E.toFlatString("a", [98, 99], { data: "d", count: 2 })));
print(typeof E.toFlatString(new Uint8Array([65, 66])), E.toFlatString(new Uint8Array([65, 66])));
