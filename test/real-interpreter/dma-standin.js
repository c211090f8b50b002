// A DMA stand-in that runs INSIDE the interpreter (real Espruino or the virtual board): it
// replaces peek32/poke32 with a tiny model of the STM32F4 DMA controllers (RM0090 10.5) and
// E.getAddressOf with a map of buffers into the Pico's SRAM (0x20000000, so the driver's
// reachability check passes on a PC build, whose addresses are anywhere). ES5, defined before
// use: Espruino hoists nothing.
// The model: a memory-to-memory stream copies everything the moment EN is set, then clears EN
// and raises TCIF|HTIF; a peripheral stream stays enabled and moves nothing (a paced transfer
// only starts); clearing EN stops a stream at once. Every other address is plain storage.
var standin = (function () {
  var regs = {}, bufs = [], next = 0x20001000, realAddressOf = E.getAddressOf;
  function rd(a) { return regs[a] === undefined ? 0 : regs[a]; }
  // DMA1 0x40026000, DMA2 0x40026400; stream x: CR 0x10 + 0x18x, NDTR, PAR, M0AR, M1AR, FCR.
  function stream(a) {
    var o = a - 0x40026000, d = o >> 10, r = (o & 0x3ff) - 0x10;
    if (o < 0 || d > 1 || r < 0 || r >= 0x18 * 8 || r % 0x18) return -1;
    return d * 8 + r / 0x18;
  }
  // The flags of stream x: LISR/HISR at +0/+4, bit offsets 0, 6, 16, 22 (RM0090 10.5.1).
  function flagReg(d, x) { return 0x40026000 + 0x400 * d + (x > 3 ? 4 : 0); }
  function flagShift(x) { return [0, 6, 16, 22][x & 3]; }
  function find(addr, len) {
    for (var i = 0; i < bufs.length; i++) {
      var b = bufs[i];
      if (addr >= b.fake && addr + len <= b.fake + b.len) return { buf: b.obj, at: addr - b.fake };
    }
    throw new Error("stand-in: no buffer at 0x" + addr.toString(16));
  }
  function copy(base) {
    var cr = rd(base), size = 1 << (cr >> 11 & 3), n = rd(base + 4) * size;
    var s = find(rd(base + 8), n), d = find(rd(base + 12), n);
    for (var i = 0; i < n; i++) d.buf[d.at + i] = s.buf[s.at + i];
  }
  function poke(a, v) {
    v = v >>> 0;
    var x = stream(a), o = a - 0x40026000;
    // LIFCR/HIFCR: write 1 to clear.
    if (o >= 0 && o < 0x800 && (o & 0x3ff) >= 8 && (o & 0x3ff) < 16) {
      regs[a - 8] = rd(a - 8) & ~v;
      return;
    }
    regs[a] = v;
    if (x < 0 || !(v & 1) || (v >> 6 & 3) !== 2) return;
    copy(a);
    regs[a + 4] = 0;
    regs[a] = v & ~1;
    var d = x >> 3, f = flagReg(d, x & 7);
    regs[f] = rd(f) | (0x30 << flagShift(x & 7));
  }
  global.peek32 = function (a) { return rd(a); };
  global.poke32 = poke;
  E.getAddressOf = function (x, flat) {
    var real = realAddressOf(x, flat);
    if (!real) return 0;
    for (var i = 0; i < bufs.length; i++) if (bufs[i].real === real && bufs[i].len === x.byteLength) return bufs[i].fake;
    // Keep the real address's alignment: the driver's alignment checks must see it.
    var fake = next + (real & 3);
    next += (x.byteLength + 19) & ~15;
    bufs.push({ real: real, fake: fake, len: x.byteLength, obj: x });
    return fake;
  };
  // forget(): drop the buffers mapped so far (they stay referenced here until then).
  return { peek: rd, realAddressOf: realAddressOf, forget: function () { bufs = []; } };
})();
