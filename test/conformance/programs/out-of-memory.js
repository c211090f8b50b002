// Running out of variables: 2v29 prints OUT OF MEMORY with a stack trace, stops the code
// running (an interrupt), then reports the error flags. Each closure below takes a few blocks
// on the Pico layout: several hundred fit in 5,100 blocks, not 100,000.
var keep = [];
print("start");
for (var i = 0; i < 100000; i++)
  keep.push(function () { return i + 1; });
print("never", keep.length);
