// STM32F1 channel DMA (RM0008 s.13): DMA1 with 7 channels, DMA2 with 5, numbered from 1 as in
// the manual. Unlike the F4 streams, EN is not cleared by the hardware at transfer complete;
// the common poll clears it (Family.tcStops = false).
import type { Platform } from "../platform/platform";
import type { BoardDef } from "../../boards/types";
import type { Provider, PrepRequest } from "../dmaengine/provider";
import { createStmProvider, baseDesc, sizeCode, einval, PRIORITY, Chan, Desc, Family } from "./stm32-common";

// ---- Register map (RM0008 13.4.7): ISR 0x00, IFCR 0x04, then per channel x (1..7) at
// 0x08 + 0x14*(x-1): CCRx, CNDTRx, CPARx, CMARx.
// CCRx fields (RM0008 13.4.3)
var EN = 1 << 0;
var IE = 0x0e;           // TCIE | HTIE | TEIE
var DIR = 1 << 4;        // 1: read from memory
var CIRC = 1 << 5;
var PINC = 1 << 6;
var MINC = 1 << 7;
var PSIZE_SHIFT = 8;
var MSIZE_SHIFT = 10;
var PL_SHIFT = 12;
var MEM2MEM = 1 << 14;
// Channel flags, 4 bits per channel (RM0008 13.4.1): GIF, TCIF, HTIF, TEIF.
var TE = 1 << 3, TC = 1 << 1, ALL = 0xf;

/** Where channel x's registers and its flags in ISR/IFCR are (RM0008 13.4.1-13.4.6). */
function regs(base: number, x: number): number[] {
  var cr = base + 0x08 + 0x14 * (x - 1);
  return [cr, cr + 4, cr + 8, cr + 12, 0, base, base + 4, 4 * (x - 1)];
}

function encode(c: Chan, req: PrepRequest, board: BoardDef): Desc {
  var cfg = c.cfg, mem = req.kind === "memcpy";
  var mw = cfg.memWidth || 1, pw = cfg.periphWidth || mw;
  if (cfg.fifo || (cfg.burst && cfg.burst > 1)) throw einval("the F1 channel DMA has no FIFO and no bursts (RM0008 13.3): leave fifo and burst out");
  // No FIFO: different widths truncate or zero-extend each item (RM0008 table 76), which is
  // not a copy.
  if (mem && pw !== mw) throw einval("memcpy on the F1 needs periphWidth == memWidth (no FIFO to pack, RM0008 13.3.4)");
  var pl = PRIORITY[cfg.priority || "medium"];
  // MEM2MEM with DIR=0 reads at CPAR (the source) and writes at CMAR (RM0008 13.3.3).
  var cr = (pl << PL_SHIFT) | (sizeCode(mw) << MSIZE_SHIFT) | (sizeCode(pw) << PSIZE_SHIFT) | MINC |
    (mem ? PINC | MEM2MEM : 0) | (req.kind === "cyclic" ? CIRC : 0) | (req.dir === "mem2dev" ? DIR : 0);
  return baseDesc(c, req, cr, 0, mw, mem ? pw : 0, board);
}

var F1: Family = {
  regs: regs, first: 1, EN: EN, IE: IE, CIRC: CIRC, TE: TE, TC: TC, ALL: ALL, tcStops: false,
  flagNames: ["GIF", "TCIF", "HTIF", "TEIF"],
  encode: encode,
  describe: function (cr: number): string {
    return "DIR=" + ((cr & MEM2MEM) ? "M2M" : (cr & DIR) ? "M2P" : "P2M") + " CIRC=" + ((cr >> 5) & 1) +
      " PSIZE=" + ((cr >> PSIZE_SHIFT) & 3) + " MSIZE=" + ((cr >> MSIZE_SHIFT) & 3) + " PL=" + ((cr >> PL_SHIFT) & 3);
  },
};

/** The provider for an F1 board. */
export function createChannelProvider(platform: Platform, board: BoardDef): Provider {
  return createStmProvider(platform, board, F1);
}
