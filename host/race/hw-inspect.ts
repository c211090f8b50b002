// Looks at the DMA models' registers from outside the CPU (no bus time, no trace), to check
// what the hardware is doing at the moment an API call returns (invariant 4).
// Register layouts: RM0090 10.5 (stream DMA: SxCR.EN bit 0, SxNDTR, SxPAR, SxM0AR, SxM1AR) and
// RM0008 13.4 (channel DMA: CCRx.EN bit 0, CNDTRx, CPARx, CMARx).
import type { BoardDef } from "../../boards/types";
import type { VirtualMcu } from "../virtual-board/mcu/mcu";

export interface HwStream {
  /** "DMA2 stream 0" / "DMA1 channel 3" */
  name: string;
  /** Absolute address of the control register (EN is bit 0 on both families). */
  crAddr: number;
  read(): { en: boolean; ndtr: number; par: number; mar: number[] };
}

/** Every stream (F4) or channel (F1) of the board's DMA controllers. */
export function hwStreams(mcu: VirtualMcu): HwStream[] {
  var out: HwStream[] = [];
  var board: BoardDef = mcu.board;
  board.dma.forEach(function (d) {
    var p = mcu.map.find(d.base);
    if (!p) return;
    for (var i = 0; i < d.count; i++) {
      if (d.kind === "stream") {
        var x = i;
        out.push(stream(d.name + " stream " + x, d.base, 0x10 + 0x18 * x, 0x14 + 0x18 * x, 0x18 + 0x18 * x, [0x1c + 0x18 * x, 0x20 + 0x18 * x]));
      } else {
        var n = i + 1;
        out.push(stream(d.name + " channel " + n, d.base, 0x08 + 0x14 * (n - 1), 0x0c + 0x14 * (n - 1), 0x10 + 0x14 * (n - 1), [0x14 + 0x14 * (n - 1)]));
      }
    }
    function stream(name: string, base: number, cr: number, ndtr: number, par: number, mar: number[]): HwStream {
      return {
        name: name,
        crAddr: base + cr,
        read: function () {
          var c = p!.read32(cr);
          return { en: (c & 1) !== 0, ndtr: p!.read32(ndtr) & 0xffff, par: p!.read32(par) >>> 0, mar: mar.map(function (o) { return p!.read32(o) >>> 0; }) };
        },
      };
    }
  });
  return out;
}

/** Flag-clear registers (F4 LIFCR/HIFCR, F1 IFCR): writes a mutant may swallow. */
export function flagClearAddrs(board: BoardDef): number[] {
  var out: number[] = [];
  board.dma.forEach(function (d) {
    if (d.kind === "stream") out.push(d.base + 0x08, d.base + 0x0c);
    else out.push(d.base + 0x04);
  });
  return out;
}

/** Enabled streams whose memory or peripheral address lies in one of the ranges [start, end). */
export function enabledStreamsTouching(streams: HwStream[], ranges: { start: number; end: number }[]): string[] {
  var hits: string[] = [];
  if (!ranges.length) return hits;
  for (var i = 0; i < streams.length; i++) {
    var s = streams[i].read();
    if (!s.en) continue;
    var addrs = [s.par].concat(s.mar);
    for (var j = 0; j < addrs.length; j++) {
      var a = addrs[j], hit = false;
      for (var k = 0; k < ranges.length; k++) if (a >= ranges[k].start && a < ranges[k].end) { hit = true; break; }
      if (hit) { hits.push(streams[i].name + " (EN=1, NDTR=" + s.ndtr + ", addr " + "0x" + a.toString(16) + ")"); break; }
    }
  }
  return hits;
}
