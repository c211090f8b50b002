// What the STM32 stream DMA (F2/F4, RM0090 s.10) and channel DMA (F1, RM0008 s.13) drivers
// share: the logic is the same once a family says where its registers and flags are. A family
// file (stm32-stream.ts, stm32-channel.ts) gives the register map and computes the control
// register at prep; this module allocates channels, starts, stops, polls and counts.
//
// Completion is found by polling the flags (they are set whatever the interrupt enables say,
// RM0090 10.5.1 / RM0008 13.4.1); the interrupt enables stay off because Espruino installs no
// handler for these vectors.
import type { Platform } from "../platform/platform";
import type { BoardDef, RequestLine } from "../../boards/types";
import type { Provider, ProviderChan, ChannelRequest, SlaveConfig, PrepRequest, HwDesc, HwEvent } from "../dmaengine/provider";
import { dmaError, codes } from "../dmaengine/errors";
import { paceHz } from "./stm32-timer";

/** One family's register map and encodings. Flag masks are in the 'canonical' per-stream
 * form (shifted by `shift(n)` in the status/clear registers). */
export interface Family {
  /** Addresses of stream/channel n's registers in a controller at base:
   * [CR, NDTR, PAR, MAR, FCR (0: none), status register, flag-clear register, flag shift]. */
  regs(base: number, n: number): number[];
  /** First and last stream/channel number (F4 0..7, F1 1..count). */
  first: number;
  EN: number;
  /** The interrupt enable bits (masked by terminateAll). */
  IE: number;
  CIRC: number;
  TE: number;
  TC: number;
  /** All flags of one stream/channel, as written to the clear register. */
  ALL: number;
  /** F4: the hardware clears EN at transfer complete (RM0090 10.5.5); F1 leaves it set. */
  tcStops: boolean;
  /** The manual's names of the flags, bit 0 first ("" for a reserved bit). */
  flagNames: string[];
  /** Register values for a transfer (throws DmaError EINVAL when the hardware cannot do it). */
  encode(c: Chan, req: PrepRequest, board: BoardDef): Desc;
  /** The DIR/CIRC/width fields of a control register, decoded for dump(). */
  describe(cr: number): string;
}

/** A provider channel: one stream (F4) or channel (F1) of a controller. */
export interface Chan extends ProviderChan {
  dma: string;
  n: number;
  chsel: number;
  /** May do memory-to-memory transfers (F4: DMA2 only, RM0090 10.3.6). */
  m2m: boolean;
  /** The request line name it was allocated for ("TIM2_UP", "MEM2MEM", "" when pinned). */
  req: string;
  cr: number; ndtr: number; par: number; mar: number; fcr: number; isr: number; ifcr: number; shift: number;
  cfg: SlaveConfig;
  /** The descriptor on the hardware, or null. */
  hw: Desc | null;
  /** Index of the segment on the hardware. */
  seg: number;
  /** Last value written to CR, without EN. */
  crv: number;
  /** What the current programming started from: PAR, MAR and item count. */
  p0: number; m0: number; cnt: number;
  /** Cyclic: position (items into the ring) at the last poll, and a wrap counted before its TCIF. */
  pos: number;
  skipTc: boolean;
  /** Cyclic resumed mid-ring: the rest of the lap runs without CIRC, then the ring restarts. */
  tail: boolean;
  /** Paused: items left in the current programming; -1 when not paused. */
  left: number;
  /** Flags to act on at the next poll as if the hardware had set them (a pause that landed on TC). */
  pend: number;
  used: boolean;
}

/** Prepared register values (provider-private HwDesc). */
export interface Desc extends HwDesc {
  cyclic: boolean;
  dir: string;
  cr: number;
  fcr: number;
  par: number;
  /** Memory address and item count per segment. */
  addrs: number[];
  items: number[];
  /** Bytes per item on the memory side, and on the peripheral side when PAR increments (else 0). */
  unit: number;
  pstep: number;
  /** Cyclic: items per period and in the ring. */
  per: number;
  /** Residue once off the hardware (complete: 0, error: where it stopped). */
  res: number;
}

export var PRIORITY: any = { low: 0, medium: 1, high: 2, very_high: 3 };

/** SxCR.PSIZE/MSIZE, CCR.PSIZE/MSIZE encoding: 1, 2, 4 bytes -> 0, 1, 2. */
export function sizeCode(w: number): number {
  return w === 4 ? 2 : w === 2 ? 1 : 0;
}

export function einval(msg: string): any {
  return dmaError(codes.EINVAL, msg);
}

/** The descriptor fields every family fills the same way. `unit` bytes of memory per item. */
export function baseDesc(c: Chan, req: PrepRequest, cr: number, fcr: number, unit: number, pstep: number, board: BoardDef): Desc {
  var addrs: number[] = [], items: number[] = [], total = 0, segs = req.segments;
  for (var i = 0; i < segs.length; i++) {
    var n = segs[i].len / unit;
    if (n !== Math.floor(n) || n < 1) throw einval("length " + segs[i].len + " is not a whole number of " + unit + "-byte items");
    if (n > 65535) throw dmaError(codes.E2BIG, "a segment holds at most 65535 items (NDTR): split it");
    addrs.push(segs[i].addr);
    items.push(n);
    total += n;
  }
  var cyc = req.kind === "cyclic", per = 0;
  if (cyc) {
    per = (req.periodLen || 0) / unit;
    if (per < 1 || per !== Math.floor(per) || total % per) throw einval("period of " + req.periodLen + " bytes must be whole items and divide the ring");
  }
  var kind = req.kind === "memcpy";
  var par = kind ? (req.src as number) : c.cfg.periphAddr;
  if (!kind && typeof par !== "number") throw einval("no peripheral address: call config({ periphAddr: ... }) first");
  if (kind) addrs[0] = req.dst as number;
  // Expected duration: memory-to-memory runs at bus speed (a few cycles per item); a paced
  // request at the pacing timer's rate when known (espdma.pace), else "as fast as it goes".
  var hz = paceHz[c.req];
  var ms = kind ? total * 8000 / board.cpuHz : hz ? total * 1000 / hz : 0;
  return {
    len: total * unit, expectedMs: ms, cyclic: cyc, dir: req.dir, cr: cr, fcr: fcr, par: par as number,
    addrs: addrs, items: items, unit: unit, pstep: pstep, per: per, res: total * unit,
  };
}

/** The generic provider over a family. */
export function createStmProvider(P: Platform, board: BoardDef, fam: Family): Provider {
  var chans: Chan[] = [];
  var EN = fam.EN, TE = fam.TE, TC = fam.TC, ALL = fam.ALL;

  // All register access goes through these two.
  function rd(a: number): number {
    return P.peek32(a) >>> 0;
  }
  function wr(a: number, v: number): void {
    P.poke32(a, v);
  }

  function dmaOf(name: string): any {
    for (var i = 0; i < board.dma.length; i++) if (board.dma[i].name === name) return board.dma[i];
    return null;
  }

  /** EN reads 0 within timeoutMs (measured with platform.now()), else ETIMEDOUT. */
  function waitStopped(c: Chan, timeoutMs: number): void {
    var t0 = -1;
    while (rd(c.cr) & EN) {
      var t = P.now();
      if (t0 < 0) t0 = t;
      else if (t - t0 > timeoutMs) {
        throw dmaError(codes.ETIMEDOUT, c.name + " did not stop within " + timeoutMs + " ms: its buffers stay in use; retry synchronize() or reset the board");
      }
    }
  }

  /** Write one programming out: PAR, MAR, NDTR, then CR with EN (RM0090 10.3.17 steps 2-8,
   * RM0008 13.3.3). EN must read 0 and the flags be clear before this. */
  function program(c: Chan, par: number, mar: number, n: number, cr: number): void {
    wr(c.par, par);
    wr(c.mar, mar);
    wr(c.ndtr, n);
    c.p0 = par;
    c.m0 = mar;
    c.cnt = n;
    c.crv = cr;
    wr(c.cr, cr | EN);
  }

  function clearFlags(c: Chan): void {
    wr(c.ifcr, ALL << c.shift);
  }

  /** Bytes left of the descriptor on the hardware. */
  function left(c: Chan, h: Desc): number {
    var n = c.left >= 0 ? c.left : c.pend ? 0 : rd(c.ndtr) & 0xffff;
    var r = n * h.unit;
    if (!h.cyclic) for (var j = c.seg + 1; j < h.items.length; j++) r += h.items[j] * h.unit;
    return r;
  }

  /** Act on one channel's flags; push the events for the core. */
  function handle(c: Chan, h: Desc, f: number, evs: HwEvent[]): void {
    if (f & TE) {
      // Transfer error: the hardware cleared EN (RM0090 10.3.18, RM0008 13.3.5). The peripheral
      // side is the one nobody checked, so it names the failing access.
      h.res = left(c, h);
      clearFlags(c);
      c.hw = null;
      evs.push({ chan: c, kind: h.dir === "mem2dev" ? "write_failed" : "read_failed" });
      return;
    }
    if (h.cyclic) {
      var ring = h.items[0], pos, wraps = 0;
      if (f & TC) {
        clearFlags(c);
        if (c.skipTc) c.skipTc = false;
        else wraps = 1;
      }
      if (c.tail && (f & TC)) {
        // The rest of the lap after a resume is done: restart the whole ring, circular.
        if (!fam.tcStops) wr(c.cr, c.crv);
        c.tail = false;
        program(c, h.par, h.addrs[0], ring, h.cr);
        pos = 0;
        wraps = 1;
      } else {
        pos = ring - (rd(c.ndtr) & 0xffff);
        // NDTR wrapped after the status read: count it now, and its TCIF at the next poll not.
        if (!wraps && pos < c.pos) {
          wraps = 1;
          c.skipTc = true;
        }
      }
      var k = Math.floor((wraps * ring + pos) / h.per) - Math.floor(c.pos / h.per);
      c.pos = pos;
      if (k > 0) evs.push({ chan: c, kind: "period", count: k });
      return;
    }
    if (!(f & TC)) return;
    clearFlags(c);
    // F1: EN stays 1 at transfer complete (RM0008 13.3.1): clear it so the channel reads stopped.
    if (!fam.tcStops) wr(c.cr, c.crv);
    if (c.seg + 1 < h.addrs.length) {
      // Scatter-gather: the next entry, from where this one left off.
      c.seg++;
      program(c, h.par, h.addrs[c.seg], h.items[c.seg], h.cr);
      return;
    }
    c.hw = null;
    h.res = 0;
    evs.push({ chan: c, kind: "complete" });
  }

  function findChan(c: any): Chan {
    return c as Chan;
  }

  var prov: Provider = {
    reachable: function (addr: number, len: number): boolean {
      // Walk the range region by region: SRAM1 and SRAM2 of the F407 are contiguous.
      var end = addr + len, more = true;
      while (addr < end && more) {
        more = false;
        for (var i = 0; i < board.ram.length; i++) {
          var r = board.ram[i];
          if (r.dma && addr >= r.base && addr < r.base + r.size) {
            addr = r.base + r.size;
            more = true;
          }
        }
      }
      return addr >= end;
    },

    maxSegmentLen: function (pc: ProviderChan | null, width: number): number {
      return 65535 * (width || 1);
    },

    allocChan: function (req: ChannelRequest): ProviderChan {
      var name = req.request ? String(req.request).toUpperCase() : req.dma || req.stream !== undefined ? "" : "MEM2MEM";
      if (req.dir === "mem2mem") name = "MEM2MEM";
      else if (!name && !req.dma) throw dmaError(codes.ENODEV, "a " + req.dir + " channel needs a request line such as { request: \"TIM2_UP\" } or a pinned { dma, stream }");
      var lines: RequestLine[] = [];
      if (name) {
        var all = board.requests[name];
        if (!all) {
          var known: string[] = [];
          for (var k in board.requests) known.push(k);
          throw dmaError(codes.ENODEV, "no request line " + name + " on " + board.name + ": use one of " + known.join(", "));
        }
        for (var i = 0; i < all.length; i++) {
          var l = all[i];
          if ((!req.dma || req.dma === l.dma) && (req.stream === undefined || req.stream === l.stream)) lines.push(l);
        }
      } else if (req.dma && req.stream !== undefined) {
        lines.push({ dma: req.dma, stream: req.stream, channel: 0 });
      }
      if (!lines.length) throw dmaError(codes.ENODEV, "no stream on " + board.name + " serves " + (name || "that pin") + (req.dma ? " on " + req.dma + (req.stream !== undefined ? " stream " + req.stream : "") : ""));
      var busy = 0;
      for (var j = 0; j < lines.length; j++) {
        var ln = lines[j], d = dmaOf(ln.dma);
        if (!d || ln.stream < fam.first || ln.stream >= fam.first + d.count) continue;
        if (name === "MEM2MEM" && !d.mem2mem) continue;
        var c: Chan | null = null;
        for (var m = 0; m < chans.length; m++) if (chans[m].dma === ln.dma && chans[m].n === ln.stream) c = chans[m];
        if (c && c.used) {
          busy++;
          continue;
        }
        if (!c) {
          var r = fam.regs(d.base, ln.stream);
          c = {
            name: ln.dma + (fam.first ? " channel " : " stream ") + ln.stream, dma: ln.dma, n: ln.stream, chsel: ln.channel || 0,
            m2m: d.mem2mem, req: name, cr: r[0], ndtr: r[1], par: r[2], mar: r[3], fcr: r[4], isr: r[5], ifcr: r[6], shift: r[7],
            cfg: {}, hw: null, seg: 0, crv: 0, p0: 0, m0: 0, cnt: 0, pos: 0, skipTc: false, tail: false, left: -1, pend: 0, used: false,
          };
          chans.push(c);
        }
        // Clock the controller (RCC AHB1ENR / AHBENR: RM0090 6.3.10, RM0008 7.3.6).
        var enr = board.rcc.base + board.rcc.dmaEnr, v = rd(enr);
        if (!(v & (1 << d.rccBit))) wr(enr, v | (1 << d.rccBit));
        // Something else (Espruino's own drivers) may run this stream: leave it alone.
        if (rd(c.cr) & EN) {
          busy++;
          continue;
        }
        c.used = true;
        c.req = name;
        c.chsel = ln.channel || 0;
        c.cfg = {};
        c.hw = null;
        return c;
      }
      throw dmaError(busy ? codes.EBUSY : codes.ENODEV, (busy ? "every stream serving " : "no usable stream for ") + (name || "that pin") + " is in use: release a channel first");
    },

    freeChan: function (pc: ProviderChan): void {
      var c = findChan(pc);
      c.used = false;
      c.hw = null;
    },

    config: function (pc: ProviderChan, cfg: SlaveConfig): void {
      if (cfg.priority !== undefined && PRIORITY[cfg.priority] === undefined) throw einval("priority must be low, medium, high or very_high");
      findChan(pc).cfg = cfg;
    },

    prep: function (pc: ProviderChan, req: PrepRequest): HwDesc {
      return fam.encode(findChan(pc), req, board);
    },

    start: function (pc: ProviderChan, hw: HwDesc): void {
      var c = findChan(pc), h = hw as Desc;
      // The manual: EN must read 0 and the stream's flags be clear before enabling (RM0090
      // 10.3.17, 10.5.5); the flags are cleared blind, one write.
      if (rd(c.cr) & EN) throw dmaError(codes.EBUSY, c.name + " is still running: terminate and synchronize() it first");
      clearFlags(c);
      if (c.fcr) wr(c.fcr, h.fcr);
      c.hw = h;
      c.seg = 0;
      c.pos = 0;
      c.skipTc = false;
      c.tail = false;
      c.left = -1;
      c.pend = 0;
      program(c, h.par, h.addrs[0], h.items[0], h.cr);
    },

    terminateAll: function (pc: ProviderChan): void {
      // Mask the interrupts and clear EN in one write; an F4 stream finishes its current item
      // first (RM0090 10.3.14): synchronize() waits for that.
      var c = findChan(pc);
      c.crv &= ~fam.IE;
      wr(c.cr, c.crv);
      c.hw = null;
      c.left = -1;
      c.pend = 0;
      c.tail = false;
    },

    synchronize: function (pc: ProviderChan, timeoutMs: number): void {
      var c = findChan(pc);
      waitStopped(c, timeoutMs);
      clearFlags(c);
    },

    residue: function (pc: ProviderChan, hw: HwDesc): number {
      var c = findChan(pc), h = hw as Desc;
      return h === c.hw ? left(c, h) : h.res;
    },

    pause: function (pc: ProviderChan): void {
      var c = findChan(pc);
      if (!c.hw || c.left >= 0) return;
      wr(c.cr, c.crv);
      waitStopped(c, 100);
      c.left = rd(c.ndtr) & 0xffff;
      // The stop itself sets TCIF on the F4 (RM0090 10.3.14); a real completion shows as 0 left.
      clearFlags(c);
    },

    resume: function (pc: ProviderChan): void {
      var c = findChan(pc), h = c.hw;
      if (!h || c.left < 0) return;
      var n = c.left, done = c.cnt - n;
      c.left = -1;
      if (!n) {
        c.pend = TC;
        return;
      }
      if (h.cyclic) c.tail = true;
      program(c, c.p0 + done * h.pstep, c.m0 + done * h.unit, n, h.cyclic ? h.cr & ~fam.CIRC : h.cr);
    },

    poll: function (list: ProviderChan[]): HwEvent[] {
      var evs: HwEvent[] = [], seen: any = {};
      for (var i = 0; i < list.length; i++) {
        var c = findChan(list[i]), h = c.hw;
        if (!h || c.left >= 0) continue;
        // One status read per status register, shared by every stream it covers.
        var v = seen[c.isr];
        if (v === undefined) v = seen[c.isr] = rd(c.isr);
        var f = ((v >>> c.shift) & ALL) | c.pend;
        c.pend = 0;
        if (f || h.cyclic) handle(c, h, f, evs);
      }
      return evs;
    },

    dump: function (): string {
      var s = "";
      for (var i = 0; i < board.dma.length; i++) {
        var d = board.dma[i];
        if (!(rd(board.rcc.base + board.rcc.dmaEnr) & (1 << d.rccBit))) continue;
        for (var n = fam.first; n < fam.first + d.count; n++) {
          var r = fam.regs(d.base, n), cr = rd(r[0]);
          if (!(cr & EN)) continue;
          var f = (rd(r[5]) >>> r[7]) & ALL, fl: string[] = [];
          for (var b = 0; b < fam.flagNames.length; b++) if (f & (1 << b) && fam.flagNames[b]) fl.push(fam.flagNames[b]);
          s += d.name + (fam.first ? " ch" : " S") + n + ": EN=1 " + fam.describe(cr) + " NDTR=" + (rd(r[1]) & 0xffff) +
            " PAR=0x" + rd(r[2]).toString(16) + " M0AR=0x" + rd(r[3]).toString(16) + " flags=" + (fl.join(",") || "-") + "\n";
        }
      }
      return s || "no DMA stream enabled\n";
    },
  };
  return prov;
}
