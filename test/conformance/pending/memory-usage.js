// process.memory().usage deltas, in variable blocks, for what a program keeps.
function used() { return process.memory().usage; }
var base = used(), r = {};
var s10 = "abcdefghij"; r.string10 = used() - base; base = used();
var s100 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"; r.string100 = used() - base; base = used();
var arr = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; r.array10 = used() - base; base = used();
var obj = { alpha: 1, beta: 2, gamma: 3, delta: 4, epsilon: 5 }; r.object5 = used() - base; base = used();
var num = 3.5; r.number = used() - base; base = used();
function f100() { var a = 1, b = 2, c = 3; return a + b + c + 1000000 + 2000000 + 3000000 + 4000000 + 5000000; } r.function100 = used() - base; base = used();
function f1000() {
  var total = 0;
  total = total + 1000001 + 1000002 + 1000003 + 1000004 + 1000005 + 1000006 + 1000007 + 1000008;
  total = total + 1000011 + 1000012 + 1000013 + 1000014 + 1000015 + 1000016 + 1000017 + 1000018;
  total = total + 1000021 + 1000022 + 1000023 + 1000024 + 1000025 + 1000026 + 1000027 + 1000028;
  total = total + 1000031 + 1000032 + 1000033 + 1000034 + 1000035 + 1000036 + 1000037 + 1000038;
  total = total + 1000041 + 1000042 + 1000043 + 1000044 + 1000045 + 1000046 + 1000047 + 1000048;
  total = total + 1000051 + 1000052 + 1000053 + 1000054 + 1000055 + 1000056 + 1000057 + 1000058;
  total = total + 1000061 + 1000062 + 1000063 + 1000064 + 1000065 + 1000066 + 1000067 + 1000068;
  total = total + 1000071 + 1000072 + 1000073 + 1000074 + 1000075 + 1000076 + 1000077 + 1000078;
  total = total + 1000081 + 1000082 + 1000083 + 1000084 + 1000085 + 1000086 + 1000087 + 1000088;
  total = total + 1000091 + 1000092 + 1000093 + 1000094 + 1000095 + 1000096 + 1000097 + 1000098;
  return total;
}
r.function1000 = used() - base; base = used();
function maker(k) { return function () { return k + 1; }; }
var closures = []; for (var i = 0; i < 10; i++) closures.push(maker(i));
r.closures10 = used() - base; base = used();
var u8 = new Uint8Array(100); r.uint8array100 = used() - base; base = used();
print(JSON.stringify(r));
print(f1000.toString().length, f100.toString().length);
