// STM32F2/F4 stream DMA controller (RM0090 section 10, RM0368 section 9, RM0383 section 9):
// 8 streams, LISR/HISR, LIFCR/HIFCR, SxCR/SxNDTR/SxPAR/SxM0AR/SxM1AR/SxFCR.
// Modelled from the manual, not from our driver; each behaviour cites its section.
import type { DmaInstance } from "../../../boards/types";
import type { ModelContext } from "./context";
import type { DmaBus, DmaMaster } from "./dma-bus";
import type { DmaEngine, DmaTiming } from "./dma-engine";
import { changeFlags, FlagNames } from "./flags";
import { arbitrate } from "./arbiter";
import { FIFO_BYTES, StreamFifo } from "./dma-fifo";

// ---- Register map (RM0090 10.5.11 table 48 register map) ----
export const LISR = 0x00, HISR = 0x04, LIFCR = 0x08, HIFCR = 0x0c;
export const SCR = (x: number) => 0x10 + 0x18 * x;
export const SNDTR = (x: number) => 0x14 + 0x18 * x;
export const SPAR = (x: number) => 0x18 + 0x18 * x;
export const SM0AR = (x: number) => 0x1c + 0x18 * x;
export const SM1AR = (x: number) => 0x20 + 0x18 * x;
export const SFCR = (x: number) => 0x24 + 0x18 * x;

// SxCR fields (RM0090 10.5.5)
export const CR_EN = 1 << 0, CR_DMEIE = 1 << 1, CR_TEIE = 1 << 2, CR_HTIE = 1 << 3, CR_TCIE = 1 << 4;
export const CR_PFCTRL = 1 << 5, CR_DIR_SHIFT = 6, CR_CIRC = 1 << 8, CR_PINC = 1 << 9, CR_MINC = 1 << 10;
export const CR_PSIZE_SHIFT = 11, CR_MSIZE_SHIFT = 13, CR_PINCOS = 1 << 15, CR_PL_SHIFT = 16;
export const CR_DBM = 1 << 18, CR_CT = 1 << 19, CR_PBURST_SHIFT = 21, CR_MBURST_SHIFT = 23, CR_CHSEL_SHIFT = 25;
const CR_MASK = 0x0fefffff; // bit 20 and 28-31 reserved
/** Bits software may change while EN=1: the interrupt enables (and EN itself). */
const CR_LIVE = CR_DMEIE | CR_TEIE | CR_HTIE | CR_TCIE;

// SxFCR fields (RM0090 10.5.10): FTH[1:0], DMDIS, FS[2:0] (read-only), FEIE. Reset 0x21.
export const FCR_DMDIS = 1 << 2, FCR_FEIE = 1 << 7;
const FCR_RESET = 0x21;

// Stream flags in their canonical 6-bit form (RM0090 10.5.1): bit 1 is reserved.
export const FEIF = 1 << 0, DMEIF = 1 << 2, TEIF = 1 << 3, HTIF = 1 << 4, TCIF = 1 << 5;
const FLAG_NAMES: FlagNames = [[FEIF, "FEIF"], [DMEIF, "DMEIF"], [TEIF, "TEIF"], [HTIF, "HTIF"], [TCIF, "TCIF"]];

/** The odd LISR/HISR layout, in one place: streams 0-3 in LISR and 4-7 in HISR, each
 * stream's six flags starting at bit 0, 6, 16, 22 (RM0090 10.5.1-10.5.4). */
export function flagShift(stream: number): number {
  return [0, 6, 16, 22][stream & 3];
}

const SIZES = [1, 2, 4, 4]; // PSIZE/MSIZE 11 is reserved; treated as word
const BEATS = [1, 4, 8, 16]; // PBURST/MBURST: single, INCR4, INCR8, INCR16

class Stream {
  cr = 0;
  ndtr = 0;
  /** The value software last wrote to NDTR: reloaded in circular/double-buffer mode and when
   * the stream is enabled again after it reached 0 (RM0090 10.5.6). */
  ndtrProgrammed = 0;
  par = 0;
  m0ar = 0;
  m1ar = 0;
  fcr = FCR_RESET;
  flags = 0;
  /** EN reads 1. */
  active = false;
  /** Software cleared EN; the stream finishes its current item before EN reads 0 (10.3.14). */
  stopping = false;
  /** Requests latched from the selected request line and not served yet. */
  pending = 0;
  // Latched at enable:
  m2m = false;
  dir = 0;
  psize = 1;
  pstep = 0;
  mstep = 0;
  beats = 1;
  circular = false;
  dbm = false;
  direct = true;
  total = 0;
  done = 0;
  htDone = false;
  pPtr = 0;
  mPtr = 0;
  /** Heap block ids the destinations started in (see Memory.dmaWrite): PAR, M0AR, M1AR. */
  ownerP = 0;
  owner0 = 0;
  owner1 = 0;
  // The FIFO path (RM0090 10.3.12): every transfer but peripheral-to-memory in direct mode
  // goes through the FIFO; in direct mode memory-to-peripheral it holds the one preloaded item.
  fifo = new StreamFifo();
  buffered = false;
  msize = 1;
  /** FIFO threshold in bytes (FTH: 1/4 .. full, RM0090 10.5.10). */
  threshold = FIFO_BYTES;
  /** Memory side: bytes done in this lap, the buffer in use (DBM), bytes still to read (M2P). */
  mOff = 0;
  mCt = 0;
  memLeft = 0;
  constructor(readonly index: number, readonly label: string) {}
  hasWork(): boolean {
    return this.active && (this.stopping || (this.ndtr > 0 && (this.m2m || this.pending > 0)));
  }
  priority(): number {
    return (this.cr >>> CR_PL_SHIFT) & 3;
  }
}

export class StreamDma implements DmaEngine, DmaMaster {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  readonly periphApb1Only: boolean;
  /** "The DMA registers have to be accessed by words (32 bits)" (RM0090 10.5, RM0368 9.5). */
  readonly wordOnly = true;
  readyAt = 0;
  readonly streams: Stream[] = [];
  /** Trace every data item (off by default: it is the bulk of a trace). */
  traceItems = false;

  constructor(
    readonly def: DmaInstance,
    private ctx: ModelContext,
    private bus: DmaBus,
    private timing: DmaTiming,
    private rccEnr: number,
  ) {
    this.name = def.name;
    this.base = def.base;
    // F4 DMA1's peripheral port reaches APB1 only (RM0090 figure 1; AN4031 2.1).
    this.periphApb1Only = !def.mem2mem;
    for (var i = 0; i < def.count; i++) this.streams.push(new Stream(i, def.name + " stream " + i));
  }

  reset(): void {
    for (var i = 0; i < this.streams.length; i++) this.streams[i] = new Stream(i, this.def.name + " stream " + i);
  }

  /** RCC AHB1ENR.DMAxEN (RM0090 6.3.10, RM0368 6.3.9): the manual only says the controller is
   * then not clocked; on the chip it neither answers the CPU (reads 0, writes lost, no bus
   * error) nor moves data, and that is what the model does. */
  clocked(): boolean {
    return this.ctx.clockEnabled(this.rccEnr, this.def.rccBit);
  }

  // ---------------------------------------------------------------- register interface

  read32(off: number): number {
    if (off === LISR || off === HISR) {
      var v = 0, first = off === LISR ? 0 : 4;
      for (var i = 0; i < 4; i++) v |= this.streams[first + i].flags << flagShift(i);
      return v >>> 0;
    }
    if (off === LIFCR || off === HIFCR) return 0; // write-only
    var x = this.streamOf(off);
    if (x < 0) return this.unmodelled(off, "r", 0);
    var s = this.streams[x], r = (off - 0x10) % 0x18;
    switch (r) {
      case 0x00: return ((s.cr & ~CR_EN) | (s.active ? CR_EN : 0)) >>> 0;
      case 0x04: return s.ndtr;
      case 0x08: return s.par >>> 0;
      case 0x0c: return s.m0ar >>> 0;
      case 0x10: return s.m1ar >>> 0;
      default: return (s.fcr & 0x87) | (s.fifo.fs() << 3); // FS: the FIFO level (RM0090 10.5.10)
    }
  }

  write32(off: number, value: number): void {
    value = value >>> 0;
    if (off === LISR || off === HISR) {
      this.ctx.trace.push("write_ignored", { periph: this.name, offset: off, value: value, why: "read-only (RM0090 10.5.1)" });
      return;
    }
    if (off === LIFCR || off === HIFCR) {
      // Write 1 to clear, 0 has no effect (RM0090 10.5.3-10.5.4).
      var first = off === LIFCR ? 0 : 4;
      for (var i = 0; i < 4; i++) this.clearFlags(this.streams[first + i], (value >>> flagShift(i)) & 0x3d);
      return;
    }
    var x = this.streamOf(off);
    if (x < 0) {
      this.unmodelled(off, "w", value);
      return;
    }
    var s = this.streams[x], r = (off - 0x10) % 0x18;
    if (r === 0x00) this.writeCr(s, value);
    else if (r === 0x04) {
      // NDTR: writable only while the stream is disabled (RM0090 10.5.6).
      if (this.locked(s, off, value)) return;
      s.ndtr = s.ndtrProgrammed = value & 0xffff;
    } else if (r === 0x08) {
      if (this.locked(s, off, value)) return; // PAR (RM0090 10.5.7)
      s.par = value;
    } else if (r === 0x0c || r === 0x10) this.writeMar(s, r === 0x0c ? 0 : 1, off, value);
    else {
      // FCR: FTH and DMDIS only while disabled; FEIE any time (RM0090 10.5.10).
      if (s.active && ((value ^ s.fcr) & 0x07)) this.ignored(s, off, value);
      s.fcr = s.active ? (s.fcr & 0x07) | (value & FCR_FEIE) : value & 0x87;
    }
  }

  private streamOf(off: number): number {
    if (off < 0x10) return -1;
    var x = Math.floor((off - 0x10) / 0x18);
    return x < this.streams.length ? x : -1;
  }

  private unmodelled(off: number, op: string, value: number): number {
    this.ctx.trace.push("unmodelled", { periph: this.name, offset: off, op: op, value: value });
    return 0;
  }

  /** Configuration registers are write-protected while EN reads 1 (RM0090 10.5.5-10.5.10). */
  private locked(s: Stream, off: number, value: number): boolean {
    if (!s.active) return false;
    this.ignored(s, off, value);
    return true;
  }

  private ignored(s: Stream, off: number, value: number): void {
    this.ctx.trace.push("write_ignored", { source: s.label, offset: off, value: value, why: "EN=1" });
  }

  private writeMar(s: Stream, which: number, off: number, value: number): void {
    if (s.active) {
      // In double-buffer mode the memory register not in use may be rewritten while the
      // stream runs (RM0090 10.3.9, 10.5.8-10.5.9); writing the one in use is a transfer
      // error that disables the stream (RM0090 10.3.18).
      var ct = (s.cr & CR_CT) ? 1 : 0;
      if (!s.dbm) return this.ignored(s, off, value);
      if (which === ct) return this.transferError(s, value, "write to the memory address register in use (DBM)");
    }
    if (which === 0) s.m0ar = value;
    else s.m1ar = value;
    if (s.active) {
      if (which === 0) s.owner0 = this.bus.ownerAt(value);
      else s.owner1 = this.bus.ownerAt(value);
    }
  }

  private writeCr(s: Stream, value: number): void {
    value &= CR_MASK;
    if (s.active) {
      if ((value ^ s.cr) & ~CR_LIVE & ~CR_EN & CR_MASK) this.ignored(s, SCR(s.index), value);
      s.cr = (s.cr & ~CR_LIVE) | (value & CR_LIVE);
      if ((value & CR_EN) && s.stopping) {
        this.ctx.trace.push("write_ignored", { source: s.label, offset: SCR(s.index), value: value, why: "EN set while the stream is still stopping" });
      }
      if (!(value & CR_EN) && !s.stopping) {
        // Clearing EN: the stream stops after the current item; EN reads 1 until then (10.3.14).
        s.stopping = true;
        this.ctx.trace.push("disable_requested", { source: s.label, ndtr: s.ndtr });
        this.wake();
      }
      return;
    }
    s.cr = value & ~CR_EN;
    if (value & CR_EN) this.enable(s);
  }

  // ---------------------------------------------------------------- enabling

  private enable(s: Stream): void {
    // "Before setting EN, the stream's event flags must be cleared" (RM0090 10.5.5 EN bit,
    // 10.3.17 step 8). The manual leaves the result open; the model refuses to start, so a
    // driver that forgets to clear them sees it at once.
    if (s.flags) {
      this.ctx.trace.push("enable_refused", { source: s.label, flags: s.flags, why: "stream flags still set (RM0090 10.5.5)" });
      return;
    }
    var dir = (s.cr >>> CR_DIR_SHIFT) & 3;
    if (dir === 3) {
      this.ctx.trace.push("enable_refused", { source: s.label, why: "DIR=11 is reserved (RM0090 10.5.5)" });
      return;
    }
    if (s.cr & CR_PFCTRL) this.ctx.trace.push("unmodelled", { source: s.label, what: "PFCTRL (peripheral flow control)" });
    var m2m = dir === 2;
    // Memory-to-memory forces FIFO mode (DMDIS set by hardware, RM0090 10.5.10) and allows
    // neither circular nor double-buffer mode (RM0090 10.3.6, 10.3.9): they are ignored.
    if (m2m) s.fcr |= FCR_DMDIS;
    var direct = !(s.fcr & FCR_DMDIS);
    if (direct) {
      // Direct mode: MSIZE forced to PSIZE, bursts forced to single, PINCOS forced low (10.5.5).
      var ps = (s.cr >>> CR_PSIZE_SHIFT) & 3;
      s.cr = (s.cr & ~(3 << CR_MSIZE_SHIFT) & ~(3 << CR_PBURST_SHIFT) & ~(3 << CR_MBURST_SHIFT) & ~CR_PINCOS) | (ps << CR_MSIZE_SHIFT);
    } else {
      // FIFO mode: the threshold must hold a whole number of memory bursts, else FEIF and the
      // stream is not enabled (RM0090 10.3.12 "FIFO threshold and burst configuration", table 48).
      var mbeats = BEATS[(s.cr >>> CR_MBURST_SHIFT) & 3];
      var burst = mbeats * SIZES[(s.cr >>> CR_MSIZE_SHIFT) & 3];
      var threshold = ((s.fcr & 3) + 1) * 4;
      if (mbeats > 1 && (burst > 16 || threshold % burst !== 0)) {
        this.setFlags(s, FEIF);
        this.ctx.trace.push("enable_refused", { source: s.label, why: "FIFO threshold incompatible with MBURST (RM0090 table 48)" });
        return;
      }
      if ((s.cr >>> CR_PBURST_SHIFT) & 3) s.cr &= ~CR_PINCOS;
    }
    if (!m2m && (s.cr & CR_DBM)) s.cr |= CR_CIRC; // CIRC forced to 1 with DBM (10.5.5)
    s.m2m = m2m;
    s.dir = dir;
    s.direct = direct;
    s.psize = SIZES[(s.cr >>> CR_PSIZE_SHIFT) & 3];
    s.msize = SIZES[(s.cr >>> CR_MSIZE_SHIFT) & 3];
    s.buffered = !direct || dir === 1;
    s.threshold = ((s.fcr & 3) + 1) * 4;
    s.fifo.clear();
    s.mOff = 0;
    s.mCt = (s.cr & CR_CT) ? 1 : 0;
    s.pstep = (s.cr & CR_PINC) ? ((s.cr & CR_PINCOS) ? 4 : s.psize) : 0;
    // The FIFO packs/unpacks between PSIZE and MSIZE; the bytes reach memory in order, so the
    // memory pointer advances by the bytes moved per item (NDTR counts PSIZE items, 10.3.10).
    s.mstep = (s.cr & CR_MINC) ? s.psize : 0;
    s.beats = m2m ? 1 : BEATS[(s.cr >>> CR_PBURST_SHIFT) & 3];
    s.circular = !m2m && (s.cr & CR_CIRC) !== 0;
    s.dbm = !m2m && (s.cr & CR_DBM) !== 0;
    if (s.ndtr === 0) s.ndtr = s.ndtrProgrammed; // reload on re-enable (RM0090 10.5.6)
    s.total = s.ndtr;
    s.memLeft = s.circular ? Infinity : s.total * s.psize;
    this.checkPacking(s);
    s.done = 0;
    s.htDone = false;
    s.pending = 0;
    s.pPtr = s.par;
    s.mPtr = (s.cr & CR_CT) ? s.m1ar : s.m0ar;
    s.ownerP = this.bus.ownerAt(s.par);
    s.owner0 = this.bus.ownerAt(s.m0ar);
    s.owner1 = this.bus.ownerAt(s.m1ar);
    s.active = true;
    s.stopping = false;
    this.ctx.trace.push("en", { source: s.label, value: 1, ndtr: s.ndtr });
    // Memory to peripheral reads ahead as soon as EN is set (RM0090 10.3.12, AN4031 2.2.2).
    if (s.dir === 1) this.fillUp(s);
    if (s.hasWork()) this.wake();
  }

  /** Packing rules of RM0090 10.3.11: the memory address aligned to MSIZE, the peripheral
   * address to PSIZE, and, when PSIZE < MSIZE, NDT a multiple of MSIZE/PSIZE (table "Restriction
   * on NDT versus PSIZE and MSIZE"; RM0368 9.3.11). The manual does not say what the controller
   * does otherwise: the model goes on and records a `dma_undefined` violation, so a driver that
   * programs it is caught. */
  private checkPacking(s: Stream): void {
    var why = "";
    var mar = s.mCt ? s.m1ar : s.m0ar;
    if (mar % s.msize) why = "M" + s.mCt + "AR 0x" + (mar >>> 0).toString(16) + " not aligned to MSIZE " + s.msize;
    else if (s.par % s.psize) why = "PAR 0x" + (s.par >>> 0).toString(16) + " not aligned to PSIZE " + s.psize;
    else if (s.psize < s.msize && s.total % (s.msize / s.psize)) why = "NDT " + s.total + " not a multiple of MSIZE/PSIZE " + s.msize / s.psize;
    if (why) this.bus.undefinedConfig(s.label, mar, why + " (RM0090 10.3.11)");
  }

  // ---------------------------------------------------------------- flags

  private setFlags(s: Stream, f: number): void {
    changeFlags(this.ctx.trace, FLAG_NAMES, s, f, 1);
  }

  private clearFlags(s: Stream, f: number): void {
    changeFlags(this.ctx.trace, FLAG_NAMES, s, f, 0);
  }

  // ---------------------------------------------------------------- requests and transfers

  wants(stream: number, channel: number | undefined): boolean {
    var s = this.streams[stream];
    // Only the request line selected by CHSEL reaches the stream (RM0090 10.3.3, table 42/43).
    return !!s && s.active && !s.stopping && !s.m2m && ((s.cr >>> CR_CHSEL_SHIFT) & 7) === (channel || 0) && this.clocked();
  }

  request(stream: number, channel: number | undefined): void {
    if (!this.wants(stream, channel)) return;
    var s = this.streams[stream];
    // A request arriving before the previous one was served: in direct mode the data is lost
    // (DMEIF); in FIFO mode the FIFO absorbs up to 16 bytes, beyond that overrun (FEIF). The
    // stream keeps running (RM0090 10.3.18).
    var capacity = s.direct ? 1 : Math.max(1, Math.floor(16 / (s.psize * s.beats)));
    if (s.pending >= capacity) {
      this.setFlags(s, s.direct ? DMEIF : FEIF);
      return;
    }
    s.pending++;
    this.wake();
  }

  private wake(): void {
    var t = this.ctx.now() + this.timing.latencyCycles;
    if (this.readyAt < t) this.readyAt = t;
  }

  hasWork(): boolean {
    if (!this.clocked()) return false;
    var st = this.streams;
    for (var i = 0; i < st.length; i++) if (st[i].hasWork()) return true;
    return false;
  }

  /** Highest software priority first, then the lower stream number (RM0090 10.3.4 arbiter). */
  private pick(): Stream | undefined {
    return arbitrate(this.streams, (s) => s.hasWork());
  }

  step(): boolean {
    if (!this.clocked()) return false;
    var s = this.pick();
    if (!s) return false;
    this.readyAt = this.ctx.now() + this.timing.itemCycles;
    if (s.stopping) {
      // The item in progress when EN was cleared completes, then the stream stops and TCIF
      // is set (RM0090 10.3.14 "DMA transfer suspension", 10.5.5 EN). Peripheral-to-memory and
      // memory-to-memory, what is left in the FIFO is flushed to memory first (10.3.12 "FIFO
      // flush"); memory-to-peripheral, the bytes read ahead are dropped (the flush is for those
      // two directions only; NDTR counts what reached the peripheral).
      if (s.ndtr > 0 && (s.m2m || s.pending > 0)) this.item(s);
      if (s.active) {
        if (s.buffered && s.dir !== 1) this.drain(s, s.fifo.level);
        if (s.active) {
          this.setFlags(s, TCIF);
          this.stopped(s, "disabled");
        }
      }
      return true;
    }
    this.serve(s);
    return true;
  }

  /** One request (or, memory-to-memory, one item): a burst of `beats` items. */
  private serve(s: Stream): void {
    if (!s.m2m) s.pending--;
    for (var b = 0; b < s.beats && s.active && s.ndtr > 0 && !s.stopping; b++) this.item(s);
  }

  serveRequests(): void {
    if (!this.clocked()) return;
    for (var s = this.pickRequested(); s; s = this.pickRequested()) this.serve(s);
  }

  private pickRequested(): Stream | undefined {
    return arbitrate(this.streams, (s) => s.active && !s.stopping && !s.m2m && s.pending > 0 && s.ndtr > 0);
  }

  /** Move one data item (PSIZE bytes) on the peripheral side. */
  private item(s: Stream): void {
    if (!s.buffered) return this.directItem(s);
    var v: number;
    if (s.dir !== 1) {
      // P2M, M2M: into the FIFO. When its level reaches the threshold, that much goes to memory
      // (RM0090 10.3.12 "FIFO threshold"). The model drains in the same bus slot; on the chip it
      // follows within a few cycles. So between two slots the FIFO holds under FTH bytes.
      v = this.bus.read(this, true, s.pPtr, s.psize);
      if (v < 0) return this.transferError(s, s.pPtr, "bus error reading");
      s.fifo.push(v, s.psize);
    } else {
      // M2P: from the bytes read ahead (fillUp keeps at least one item there).
      v = s.fifo.pop(s.psize).value;
      if (!this.bus.write(this, true, s.pPtr, s.psize, v, s.label, s.ownerP)) return this.transferError(s, s.pPtr, "bus error writing");
    }
    if (this.traceItems) this.ctx.trace.push("item", { source: s.label, periph: s.pPtr, value: v, fifo: s.fifo.level });
    s.pPtr += s.pstep;
    if (s.dir !== 1 && s.fifo.level >= s.threshold) this.drain(s, s.threshold);
    if (s.active) this.counted(s);
    if (s.active && s.dir === 1) this.fillUp(s);
  }

  /** Direct mode, peripheral to memory: each item goes straight to memory (RM0090 10.3.11). */
  private directItem(s: Stream): void {
    var src = s.pPtr, dst = s.mPtr;
    var v = this.bus.read(this, true, src, s.psize);
    if (v < 0) return this.transferError(s, src, "bus error reading");
    var owner = (s.cr & CR_CT) ? s.owner1 : s.owner0;
    if (!this.bus.write(this, false, dst, s.psize, v, s.label, owner)) return this.transferError(s, dst, "bus error writing");
    if (this.traceItems) this.ctx.trace.push("item", { source: s.label, src: src, dst: dst, value: v });
    s.pPtr += s.pstep;
    s.mPtr += s.mstep;
    this.counted(s);
  }

  /** NDTR, HT and TC after a peripheral-side item (RM0090 10.3.10: NDTR counts PSIZE items). */
  private counted(s: Stream): void {
    s.ndtr--;
    s.done++;
    if (!s.htDone && s.done * 2 >= s.total) {
      s.htDone = true;
      this.setFlags(s, HTIF); // half transfer event (RM0090 10.4, table 44)
    }
    if (s.ndtr > 0) return;
    if (s.dbm) {
      // Double buffer: switch CT and continue on the other memory (RM0090 10.3.9).
      s.cr ^= CR_CT;
      this.ctx.trace.push("ct", { source: s.label, value: (s.cr & CR_CT) ? 1 : 0 });
    }
    if (s.circular) {
      // Circular: NDTR reloads with the programmed value, pointers restart (RM0090 10.3.8).
      // The FIFO is not flushed at the end of a lap: bytes of it may still be in the FIFO.
      this.setFlags(s, TCIF);
      s.ndtr = s.total = s.ndtrProgrammed;
      s.done = 0;
      s.htDone = false;
      s.pPtr = s.par;
      s.mPtr = (s.cr & CR_CT) ? s.m1ar : s.m0ar;
      return;
    }
    // End of transfer: what is left in the FIFO goes to memory first, then TCIF is set and EN
    // cleared by hardware (RM0090 10.3.12 "FIFO flush", 10.5.5 EN).
    if (s.buffered && s.dir !== 1) this.drain(s, s.fifo.level);
    if (!s.active) return;
    this.setFlags(s, TCIF);
    this.stopped(s, "complete");
  }

  /** The memory address of the memory side's next access. */
  private memAddr(s: Stream): number {
    return ((s.mCt ? s.m1ar : s.m0ar) + ((s.cr & CR_MINC) ? s.mOff : 0)) >>> 0;
  }

  private memAdvance(s: Stream, n: number): void {
    s.mOff += n;
    if (s.mOff < s.ndtrProgrammed * s.psize || !s.circular) return;
    s.mOff = 0; // the memory side wraps at its own pace, behind (P2M) or ahead (M2P) of NDTR
    if (s.dbm) s.mCt ^= 1;
  }

  /** Write `n` bytes from the FIFO to memory, one MSIZE access each. With fewer bytes left than
   * MSIZE (a flush) the last access is still MSIZE wide: its last bytes are undesired (RM0090
   * 10.3.12 "FIFO flush": software finds the good data from NDTR). */
  private drain(s: Stream, n: number): void {
    while (n > 0 && s.fifo.level > 0) {
      var addr = this.memAddr(s), p = s.fifo.pop(s.msize);
      if (p.valid < s.msize) this.ctx.trace.push("fifo_undesired_bytes", { source: s.label, addr: addr, valid: p.valid, size: s.msize });
      if (!this.bus.write(this, false, addr, s.msize, p.value, s.label, s.mCt ? s.owner1 : s.owner0)) return this.transferError(s, addr, "bus error writing");
      if (this.traceItems) this.ctx.trace.push("fifo_drain", { source: s.label, dst: addr, value: p.value, fifo: s.fifo.level });
      this.memAdvance(s, s.msize);
      n -= s.msize;
    }
  }

  /** Memory to peripheral: read ahead. Direct mode preloads one item; FIFO mode keeps the FIFO
   * filled (RM0090 10.3.12; AN4031 2.2.2). The model reads as far ahead as the FIFO allows, at
   * once: the most a client's late refill can lose. */
  private fillUp(s: Stream): void {
    var cap = s.direct ? s.psize : FIFO_BYTES;
    while (s.memLeft >= s.msize && cap - s.fifo.level >= s.msize) {
      var addr = this.memAddr(s), v = this.bus.read(this, false, addr, s.msize);
      if (v < 0) return this.transferError(s, addr, "bus error reading");
      s.fifo.push(v, s.msize);
      if (this.traceItems) this.ctx.trace.push("fifo_fill", { source: s.label, src: addr, value: v, fifo: s.fifo.level });
      this.memAdvance(s, s.msize);
      s.memLeft -= s.msize;
    }
  }

  /** EN reads 0 (the flags are the caller's). */
  private stopped(s: Stream, why: string): void {
    s.active = false;
    s.stopping = false;
    s.pending = 0;
    s.fifo.clear();
    this.ctx.trace.push("en", { source: s.label, value: 0, ndtr: s.ndtr, why: why });
  }

  /** Bus error: TEIF set and EN cleared by hardware (RM0090 10.3.18). */
  private transferError(s: Stream, addr: number, why: string): void {
    this.ctx.trace.push("bus_error", { source: s.label, addr: addr >>> 0, why: why });
    this.setFlags(s, TEIF);
    if (s.active) this.stopped(s, "transfer error");
  }
}
