// A stand-in for the Pico's DMA2, written in JavaScript, for the conformance programs that
// run the bundle (the Linux build has no DMA): flat buffers get addresses in the Pico's SRAM
// (E.getAddressOf is wrapped), peek32/poke32 serve the DMA2 stream registers, and a stream
// set to EN copies memory to memory 5 ms later unless EN is cleared first.
process.env = process.env;
process.env.BOARD = "PICO_R1_3";
var standIn = (function () {
  var regs = {}, bufs = [], next = 0x20001000, running = {};
  var realAddressOf = E.getAddressOf;
  E.getAddressOf = function (x, flat) {
    var real = realAddressOf(x, flat);
    if (!flat || !real) return real;
    for (var i = 0; i < bufs.length; i++) if (bufs[i].real === real) return bufs[i].fake;
    var fake = next;
    next += (x.byteLength + 7) & ~3;
    bufs.push({ real: real, fake: fake, bytes: new Uint8Array(x.buffer, x.byteOffset, x.byteLength) });
    return fake;
  };
  function byteAt(addr) {
    for (var i = 0; i < bufs.length; i++) {
      var b = bufs[i];
      if (addr >= b.fake && addr < b.fake + b.bytes.length) return { bytes: b.bytes, i: addr - b.fake };
    }
    return null;
  }
  var DMA2 = 0x40026400;
  function shift(n) { return [0, 6, 16, 22][n & 3]; }
  function isr(n) { return DMA2 + (n < 4 ? 0 : 4); }
  function finish(n) {
    var cr = DMA2 + 0x10 + 0x18 * n, c = regs[cr], size = 1 << ((c >> 11) & 3);
    var count = regs[cr + 4] & 0xffff, from = regs[cr + 8], to = regs[cr + 12];
    for (var k = 0; k < count * size; k++) {
      var s = byteAt(from + k), d = byteAt(to + k);
      if (!s || !d) { regs[isr(n)] |= 8 << shift(n); regs[cr] &= ~1; return; } // TEIF, EN off
      d.bytes[d.i] = s.bytes[s.i];
    }
    regs[cr + 4] = 0;
    regs[isr(n)] |= 0x20 << shift(n); // TCIF
    regs[cr] &= ~1;
  }
  global.peek32 = function (a) { return regs[a] || 0; };
  global.poke32 = function (a, v) {
    if (a === DMA2 + 8 || a === DMA2 + 12) { regs[a - 8] &= ~v; return; } // LIFCR / HIFCR
    var n = Math.floor((a - DMA2 - 0x10) / 0x18);
    if (a >= DMA2 + 0x10 && n < 8 && (a - DMA2 - 0x10) % 0x18 === 0) {
      var was = regs[a] & 1;
      regs[a] = v;
      if ((v & 1) && !was) running[n] = setTimeout(function () { delete running[n]; finish(n); }, 5);
      if (!(v & 1) && was && running[n] !== undefined) { clearTimeout(running[n]); delete running[n]; }
      return;
    }
    regs[a] = v;
  };
  return { bufs: bufs };
})();
