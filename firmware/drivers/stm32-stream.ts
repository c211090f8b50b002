// STM32F2/F4 stream DMA (RM0090 s.10, RM0368 s.9, RM0383 s.9): 8 streams per controller, after
// Linux stm32-dma.c. Register values are computed at prep; start only writes them out.
import type { Platform } from "../platform/platform";
import type { BoardDef } from "../../boards/types";
import type { Provider, PrepRequest } from "../dmaengine/provider";
import { createStmProvider, baseDesc, sizeCode, einval, PRIORITY, Chan, Desc, Family } from "./stm32-common";

// ---- Register map (RM0090 10.5.11): LISR 0x00, HISR 0x04, LIFCR 0x08, HIFCR 0x0C, then per
// stream x at 0x10 + 0x18*x: SxCR, SxNDTR, SxPAR, SxM0AR, SxM1AR, SxFCR.
// SxCR fields (RM0090 10.5.5)
var EN = 1 << 0;
var IE = 0x1e;            // DMEIE | TEIE | HTIE | TCIE
var DIR_SHIFT = 6;        // 00 P2M, 01 M2P, 10 M2M
var CIRC = 1 << 8;
var PINC = 1 << 9;
var MINC = 1 << 10;
var PSIZE_SHIFT = 11;
var MSIZE_SHIFT = 13;
var PL_SHIFT = 16;
var MBURST_SHIFT = 23;
var CHSEL_SHIFT = 25;
// SxFCR fields (RM0090 10.5.10): FTH[1:0] in quarters - 1, DMDIS (FIFO mode).
var DMDIS = 1 << 2;
// Stream flags, canonical 6-bit form (RM0090 10.5.1): FEIF, -, DMEIF, TEIF, HTIF, TCIF.
var TE = 1 << 3, TC = 1 << 5, ALL = 0x3d;

/** The only place that knows where a stream's registers and its flags in LISR/HISR are:
 * streams 0-3 in LISR/LIFCR, 4-7 in HISR/HIFCR, at bits 0, 6, 16, 22 (RM0090 10.5.1-10.5.4). */
function regs(base: number, x: number): number[] {
  var cr = base + 0x10 + 0x18 * x, hi = x >> 2;
  return [cr, cr + 4, cr + 8, cr + 12, cr + 20, base + 4 * hi, base + 8 + 4 * hi, [0, 6, 16, 22][x & 3]];
}

function burstCode(b: number): number {
  if (b === 1) return 0;
  if (b === 4) return 1;
  if (b === 8) return 2;
  if (b === 16) return 3;
  throw einval("burst must be 1, 4, 8 or 16 beats");
}

function encode(c: Chan, req: PrepRequest, board: BoardDef): Desc {
  var cfg = c.cfg, mem = req.kind === "memcpy";
  // Memory-to-memory only on DMA2, and never circular (RM0090 10.3.6).
  if (mem && !c.m2m) throw einval(c.name + " cannot copy memory: only DMA2 can (RM0090 10.3.6); request { request: \"mem2mem\" }");
  var mw = cfg.memWidth || 1, pw = cfg.periphWidth || mw, burst = cfg.burst || 1, fifo = cfg.fifo || 0;
  // The FIFO packs between different widths and is forced on for memory-to-memory
  // (RM0090 10.3.11, 10.5.10 DMDIS); direct mode otherwise.
  if (mem || pw !== mw || burst > 1) fifo = fifo || 4;
  if (fifo !== Math.floor(fifo) || fifo < 0 || fifo > 4) throw einval("fifo threshold must be 1..4 quarters");
  var bc = burstCode(burst);
  // The threshold must hold a whole number of memory bursts (RM0090 10.3.12, table 48).
  if (burst > 1 && (burst * mw > 16 || (fifo * 4) % (burst * mw))) throw einval("a burst of " + burst + " x " + mw + " bytes does not fit the FIFO threshold of " + fifo + "/4: raise fifo or lower burst");
  var pl = PRIORITY[cfg.priority || "medium"];
  var dir = mem ? 2 : req.dir === "mem2dev" ? 1 : 0;
  var cr = (c.chsel << CHSEL_SHIFT) | (bc << MBURST_SHIFT) | (pl << PL_SHIFT) | (sizeCode(mw) << MSIZE_SHIFT) |
    (sizeCode(pw) << PSIZE_SHIFT) | MINC | (mem ? PINC : 0) | (req.kind === "cyclic" ? CIRC : 0) | (dir << DIR_SHIFT);
  // NDTR counts peripheral-size items; memory advances by the same bytes (RM0090 10.3.10).
  return baseDesc(c, req, cr, fifo ? (fifo - 1) | DMDIS : 0, pw, mem ? pw : 0, board);
}

var F4: Family = {
  regs: regs, first: 0, EN: EN, IE: IE, CIRC: CIRC, TE: TE, TC: TC, ALL: ALL, tcStops: true,
  flagNames: ["FEIF", "", "DMEIF", "TEIF", "HTIF", "TCIF"],
  encode: encode,
  describe: function (cr: number): string {
    return "DIR=" + ["P2M", "M2P", "M2M", "?"][(cr >> DIR_SHIFT) & 3] + " CIRC=" + ((cr >> 8) & 1) + " CHSEL=" + ((cr >> CHSEL_SHIFT) & 7) +
      " PSIZE=" + ((cr >> PSIZE_SHIFT) & 3) + " MSIZE=" + ((cr >> MSIZE_SHIFT) & 3) + " PL=" + ((cr >> PL_SHIFT) & 3);
  },
};

/** The provider for an F2/F4 board. */
export function createStreamProvider(platform: Platform, board: BoardDef): Provider {
  return createStmProvider(platform, board, F4);
}
