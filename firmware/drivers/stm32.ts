// The STM32 DMA provider, one for both families, after Linux stm32-dma.c: stream DMA on the
// F2/F4 (RM0090 s.10; the F401's RM0368 s.9 and the F411's RM0383 s.9 describe the same
// controller) and channel DMA on the F1 (RM0008 s.13). The families differ in where the
// registers and flags sit and in the control register's bit positions, both set up once in
// createStm(); the logic is shared. Register values are computed at prep; start writes them out.
//
// Completion is found by polling the flags: they are set whatever the interrupt enables say
// (RM0090 10.5.1, RM0008 13.4.1), and the enables stay off (Espruino has no handler for them).
//
// Internal fields start with "_" (the build shortens them, rollup.config.js). A channel:
// _d controller (1, 2), _cr its CR address (NDTR +4, PAR +8, M0AR/MAR +12, F4 FCR +20), _isr its
// status register, _sh its flags' shift there, _used, _req request line name, _chsel F4
// CHSEL, _cfg slave config, _hw the descriptor on the hardware, _seg its segment there, _crv
// the CR last written (EN aside), _p0/_m0/_cnt PAR/MAR/NDTR of the last programming, _left
// items left while paused (-1: not paused), _pos/_skip/_tail cyclic position (see handle()).

import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan, ChannelRequest, SlaveConfig, PrepRequest, HwDesc, HwEvent } from "../dmaengine/provider";
import { fail, inval } from "../dmaengine/errors";
import { MEM2MEM, MEM2DEV, COMPLETE } from "../dmaengine/provider";
import { F4_REQUESTS, F1_REQUESTS } from "../../boards/compact";

/** SxCR.PL / CCRx.PL values 0..3 (a string: split when used, an array would hold about ten
 * variable blocks of the board's RAM from load on). */
var PRIORITIES = "low,medium,high,very_high";

/** Timer TIMn of a board (a boards/compact.ts row): [registers base, RCC enable register offset,
 * bit, kernel clock Hz]. TIM2-5 sit on APB1 at 0x40000000 + 0x400 * (n - 2), TIM1 on APB2
 * (RM0090 2.3 + 6.3.13-6.3.14; RM0008 3.3 + 7.3.7-7.3.8). APB1 timers are clocked at twice
 * PCLK1 when APB1 is divided (RM0090 6.2): HCLK on the F401/F411 (APB1 /2) and the F1, HCLK / 2
 * on the 168 MHz F407 (APB1 /4); TIM1 at HCLK. */
export function timerOf(board: any[], n: number): number[] {
  var f4 = board[2] === 4, hz = board[4] * 1e6;
  if (n === 1) return f4 ? [0x40010000, 0x44, 0, hz] : [0x40012c00, 0x18, 11, hz];
  return [0x40000000 + 0x400 * (n - 2), f4 ? 0x40 : 0x1c, n - 2, hz > 1e8 ? hz / 2 : hz];
}

/** The provider for a board (a boards/compact.ts row). */
export function createStm(P: Platform, board: any[]): Provider {
  var f4 = board[2] === 4;
  // Control register fields: SxCR (RM0090 10.5.5) / CCRx (RM0008 13.4.3).
  var M2P = f4 ? 0x40 : 0x10;          // DIR=01 / DIR: read from memory
  var M2M = f4 ? 0x80 : 0x4000;        // DIR=10 / MEM2MEM
  var CIRC = f4 ? 0x100 : 0x20, PINC = CIRC << 1, MINC = CIRC << 2;
  var PSIZE = f4 ? 11 : 8, MSIZE = PSIZE + 2, PL = f4 ? 16 : 12;
  var IE = f4 ? 0x1e : 0x0e;           // (DMEIE) TEIE HTIE TCIE
  // One stream's flags, unshifted: RM0090 10.5.1 FEIF - DMEIF TEIF HTIF TCIF; RM0008 13.4.1
  // GIF TCIF HTIF TEIF. The flag-clear register is 8 (LIFCR/HIFCR) / 4 (IFCR) above the status.
  var TE = 8, TC = f4 ? 0x20 : 2, ALL = f4 ? 0x3d : 0xf, IFCR = f4 ? 8 : 4;
  // DMA1; DMA2 is 0x400 above (RM0090 2.3, RM0008 3.3). RCC AHB1ENR DMA1EN bit 21 (RM0090
  // 6.3.10) / AHBENR DMA1EN bit 0 (RM0008 7.3.6); DMA2EN is the next bit.
  var DMA = f4 ? 0x40026000 : 0x40020000, ENR = f4 ? 0x40023830 : 0x40021014, ENBIT = f4 ? 21 : 0;
  var REQ = f4 ? F4_REQUESTS : F1_REQUESTS;
  /** The codes of request line `name` (boards/compact.ts; as strings: only arithmetic reads
   * them), or undefined; "" lists the names. */
  function lines(name: string): any {
    for (var t = REQ.split(";"), i = 0, known = "", r; i < t.length; i++) {
      r = t[i].split(" ");
      if (r[0] === name) return r.slice(1);
      known += " " + r[0];
    }
    if (!name) return known;
  }
  var chans: any = {};
  /** What a poll that finds nothing returns: the same empty array (no allocation). */
  var NONE: HwEvent[] = [];
  /** Polls so far (see poll()). */
  var polls = 0;

  // All register access goes through these two.
  function rd(a: number): number {
    return P.peek32(a) >>> 0;
  }
  function wr(a: number, v: number): void {
    P.poke32(a, v);
  }

  /** Stream n exists on controller d: F4 0-7 on both; F1 1-7 on DMA1, 1-5 on DMA2. */
  function exists(d: number, n: number): boolean {
    return (d === 1 || d === 2) && (f4 ? n >= 0 && n < 8 : n >= 1 && n <= (d === 1 ? 7 : 5));
  }

  /** Stream n of DMAd: where its registers and its flags are. */
  function chanAt(d: number, n: number): any {
    var c = chans[d * 10 + n];
    if (c) return c;
    var base = DMA + 0x400 * (d - 1), cr, isr, sh;
    if (f4) {
      // Streams 0-3 in LISR/LIFCR, 4-7 in HISR/HIFCR, at bits 0, 6, 16, 22 (RM0090 10.5.1-10.5.4).
      cr = base + 0x10 + 0x18 * n;
      isr = base + 4 * (n >> 2);
      sh = 6 * (n & 1) + 8 * (n & 2);
    } else {
      // ISR, IFCR, then CCRx at 0x08 + 0x14 * (x - 1); 4 flags per channel (RM0008 13.4.1-13.4.7).
      cr = base + 8 + 0x14 * (n - 1);
      isr = base;
      sh = 4 * (n - 1);
    }
    return (chans[d * 10 + n] = { name: "DMA" + d + (f4 ? " stream " : " channel ") + n, _d: d, _cr: cr, _isr: isr, _sh: sh });
  }

  /** Items left (SxNDTR / CNDTRx: 16 bits). */
  function ndtr(c: any): number {
    return rd(c._cr + 4) & 0xffff;
  }

  function clearFlags(c: any): void {
    wr(c._isr + IFCR, ALL << c._sh);
  }

  /** EN reads 0 within ms, else ETIMEDOUT. */
  function waitStopped(c: any, ms: number): void {
    var t0 = -1, t;
    while (rd(c._cr) & 1) {
      t = P.now();
      if (t0 < 0) t0 = t;
      else if (t - t0 > ms) fail("ETIMEDOUT", c.name + " did not stop: buffers stay in use; retry synchronize()");
    }
  }

  /** Write one programming out, EN last (RM0090 10.3.17, RM0008 13.3.3 channel configuration
   * procedure). EN must read 0 and the flags be clear before. */
  function program(c: any, par: number, mar: number, n: number, cr: number): void {
    wr(c._cr + 8, (c._p0 = par));
    wr(c._cr + 12, (c._m0 = mar));
    wr(c._cr + 4, (c._cnt = n));
    wr(c._cr, (c._crv = cr) | 1);
  }

  /** Program segment j of descriptor h (the ring for cyclic). */
  function segment(c: any, h: any, j: number): void {
    c._d0 = 0;
    program(c, h._par, h._addrs[j], h._items[j], h._cr);
  }

  /** Items of segment j already in memory, n left by NDTR. Peripheral to memory through the
   * F4 FIFO, NDTR counts what was read from the peripheral; memory gets it a threshold's worth
   * at a time (RM0090 10.3.12), so only whole thresholds are promised (as Linux stm32-dma
   * rounds its residue to the memory burst). A paused stream was flushed: all of it is there. */
  function inMemory(c: any, h: any, n: number, j: number): number {
    var d = h._items[j] - n, t = h._thr, d0 = c._d0;
    return t && c._left < 0 ? d0 + ((((d - d0) * h._unit) / t) | 0) * t / h._unit : d;
  }

  /** Bytes not yet moved of the descriptor on the hardware. */
  function left(c: any, h: any): number {
    var j = c._seg, n = h._items[j] - inMemory(c, h, c._left >= 0 ? c._left : ndtr(c), j);
    if (!h._cyc) while (++j < h._items.length) n += h._items[j];
    return n * h._unit;
  }

  /** Update events per second of the timer behind a "TIMn_UP" line, 0 when it does not run
   * (TIMx_CR1.CEN, PSC, ARR: RM0090 17.4 / 18.4, RM0008 14.4 / 15.4). */
  function rate(name: string): number {
    if (!lines(name)) return 0;
    var t = timerOf(board, +name[3]), b = t[0];
    return rd(b) & 1 ? t[3] / (rd(b + 0x28) + 1) / (rd(b + 0x2c) + 1) : 0;
  }

  /** One stream's flags f: the event for the core, if any. */
  function handle(c: any, h: any, f: number): HwEvent | void {
    if (f & TE) {
      // Transfer error: the hardware cleared EN (RM0090 10.3.18, RM0008 13.3.5). Memory was
      // checked at prep, so it is the peripheral side that failed.
      h._res = left(c, h);
      clearFlags(c);
      c._hw = null;
      return { chan: c, kind: h._cr & M2P ? "write_failed" : "read_failed" };
    }
    if (f & TC) {
      clearFlags(c);
      // F1: EN stays 1 after the last item, it is "set and cleared by software" (RM0008
      // 13.4.3); clear it, so that the channel reads stopped and takes a new CNDTR (13.4.4).
      if (!f4 && !(c._crv & CIRC)) wr(c._cr, c._crv);
    }
    if (h._cyc) {
      // The ring position is read from NDTR; TCIF says a lap ended since the last poll.
      var ring = h._items[0], pos, wraps = 0;
      if (f & TC) {
        if (c._skip) c._skip = false;
        else wraps = 1;
        if (c._tail) {
          // The rest of the lap after a resume is done: the whole ring again, circular.
          c._tail = false;
          segment(c, h, 0);
        }
      }
      pos = inMemory(c, h, ndtr(c), 0);
      // NDTR wrapped after the status read: count the lap now, and its TCIF at the next poll not.
      if (!wraps && pos < c._pos) {
        wraps = 1;
        c._skip = true;
      }
      var k = (((wraps * ring + pos) / h._per) | 0) - ((c._pos / h._per) | 0);
      c._pos = pos;
      if (k > 0) return { chan: c, kind: "period", count: k };
    } else if (f & TC) {
      if (++c._seg < h._items.length) {
        // Scatter-gather: the next entry, from this poll (the core times it from now).
        segment(c, h, c._seg);
        return { chan: c, kind: "segment" };
      } else {
        c._hw = null;
        h._res = 0;
        return { chan: c, kind: COMPLETE };
      }
    }
  }

  var prov: Provider = {
    reachable: function (addr: number, len: number): boolean {
      return addr >= 0x20000000 && addr + len <= 0x20000000 + board[3] * 1024;
    },

    maxSegmentLen: function (pc: ProviderChan | null, width: number): number {
      // NDTR is 16 bits (RM0090 10.5.6, RM0008 13.4.4) and counts peripheral-size items on the
      // F4 (RM0090 10.3.10), memory-size items on the F1.
      var cf = (pc && (pc as any)._cfg) || {}, mw = cf.memWidth || 1;
      return 65535 * (pc ? (f4 ? cf.periphWidth || mw : mw) : width || 1);
    },

    allocChan: function (req: ChannelRequest): ProviderChan {
      var r: any = req, pin = r.dma ? +String(r.dma).slice(-1) : 0, st = r.stream, busy = 0, i, c;
      if (r.dma && (!(pin * (3 - pin) > 1) || st === undefined)) fail("ENODEV", "pin with {dma: \"DMA1\"|\"DMA2\", stream: n}");
      var name = String(r.request || (r.dir === MEM2MEM || !(pin || r.dir) ? "MEM2MEM" : "")).toUpperCase();
      var codes = (name ? lines(name) : [pin * 100 + st * 10 + (f4 ? r.channel & 7 : 0)]) || [];
      for (i = 0; i < codes.length; i++) {
        var d = (codes[i] / 100) | 0, n = ((codes[i] / 10) | 0) % 10;
        if ((pin && d !== pin) || (st !== undefined && n !== st) || !exists(d, n)) continue;
        c = chanAt(d, n);
        if (!c._used) {
          var v = rd(ENR), bit = 1 << (ENBIT + d - 1);
          if (!(v & bit)) wr(ENR, v | bit);
          // EN=1 here means someone else (Espruino's own drivers) runs it: leave it alone.
          if (!(rd(c._cr) & 1)) {
            c._used = true;
            c._req = name;
            c._chsel = codes[i] % 10;
            c._cfg = {};
            c._hw = null;
            return c;
          }
        }
        busy++;
      }
      name = name || r.dma + " " + st;
      if (busy) fail("EBUSY", name + " in use: release() one");
      fail("ENODEV", (pin ? r.dma + " " + st + " cannot serve " : "unknown request ") + name + ": use" + lines("") + ", or {dma, stream, channel}");
    },

    freeChan: function (c: any): void {
      c._used = false;
      c._hw = c._ab = null;
    },

    config: function (c: any, cfg: SlaveConfig): void {
      if (cfg.priority !== undefined && PRIORITIES.split(",").indexOf(cfg.priority) < 0) inval("priority: use " + PRIORITIES);
      c._cfg = cfg;
    },

    prep: function (c: any, req: PrepRequest): HwDesc {
      var cfg = c._cfg, mem = req.kind === "memcpy", cyc = req.kind === "cyclic", segs = req.segments;
      var mw = cfg.memWidth || 1, pw = cfg.periphWidth || mw, fifo = cfg.fifo || 0;
      // memcpy reads PAR (the source) and writes M0AR/CMAR (RM0090 10.3.6, RM0008 13.3.3).
      var par = mem ? req.src : cfg.periphAddr;
      if (typeof par !== "number") inval("config({periphAddr}) first");
      // The FIFO packs between widths, and memory-to-memory needs it (RM0090 10.3.11, 10.5.10).
      // Otherwise direct mode: each item reaches memory at once. Forced, the threshold is a
      // quarter (4 bytes): the least that peripheral-to-memory data waits in the FIFO.
      if (f4 && (mem || pw !== mw)) fifo = fifo || 1;
      // Single transfers only: bursts add FIFO threshold rules (RM0090 10.3.12) for little gain
      // at the rates an interpreted program feeds. The F1 has no FIFO, and without one
      // different widths truncate or zero-extend each item (RM0008 13.3.4): no copy.
      if (cfg.burst > 1 || fifo !== (fifo & 7) || fifo > 4 || (mem && (f4 ? c._d < 2 : pw !== mw)) || (fifo && !f4)) {
        inval("unsupported: burst, fifo (F4: 0-4), memcpy (F4: DMA2; F1: equal widths)");
      }
      // NDTR counts peripheral-size items on the F4, the memory side following by as many
      // bytes (RM0090 10.3.10); on the F1 each item is one access of each width.
      var unit = f4 ? pw : mw, items: number[] = [], addrs: number[] = [], total = 0, per = (req.periodLen || unit) / unit;
      var m2p = req.dir === MEM2DEV, thr = fifo && !m2p ? fifo * 4 : 0;
      // F1: a byte or half-word DMA write reaches an APB peripheral on every byte lane (RM0008
      // 13.3.4): to GPIO (0x40010800-0x400123FF, words only, RM0008 9.2) it drives other pins.
      if (!f4 && m2p && pw < 4 && par >= 0x40010800 && par < 0x40012400) {
        inval("F1 GPIO: use periphWidth 4 (byte lanes)");
      }
      if (cyc && f4) {
        // Periods are reported when their bytes are in memory: peripheral to memory, a period
        // must hold whole FIFO thresholds. Memory to peripheral the stream reads ahead (one
        // item in direct mode, up to 16 bytes in FIFO mode, RM0090 10.3.12): the rest of the
        // ring must hold that, or a period refilled in its callback is already read.
        var ahead = fifo ? 16 : pw;
        var plen = req.periodLen || 0;
        if ((thr && plen % thr) || (m2p && segs[0].len - plen < ahead)) {
          inval("cyclic: " + (thr ? "periodLen a multiple of " + thr : "ring >= periodLen + " + ahead + " (read-ahead)"));
        }
      }
      for (var i = 0; i < segs.length; i++) {
        var k = segs[i].len / unit;
        if (k % 1 || k > 65535 || per % 1 || k % per) inval("lengths: whole " + unit + "-byte items, <= 65535, periods dividing the ring");
        items.push(k);
        addrs.push(segs[i].addr);
        total += k;
      }
      var cr = (c._chsel << 25) | (PRIORITIES.split(",").indexOf(cfg.priority || "medium") << PL) | ((mw >> 1) << MSIZE) | ((pw >> 1) << PSIZE) | MINC |
        (mem ? PINC | M2M : 0) | (cyc ? CIRC : 0) | (req.dir === MEM2DEV ? M2P : 0);
      // Items per second, for the poll schedule: memory-to-memory at about 8 cycles an item, a
      // paced transfer at its timer's rate (0, unknown: the core backs off). n items paced at hz
      // end within n periods of the start (the first request comes within one period).
      var hz = mem ? board[4] * 125000 : rate(c._req), len = total * unit, ms = 1000 / hz;
      return {
        len: len, expectedMs: hz ? total * ms : 0, segMs: hz && items.length > 1 ? items.map(function (k) { return k * ms; }) : undefined, _cyc: cyc, _cr: cr, _fcr: fifo ? (fifo - 1) | 4 : 0, _par: par,
        _addrs: addrs, _items: items, _unit: unit, _pstep: mem ? pw : 0, _per: per, _res: len, _thr: thr, _mw: mw,
      } as HwDesc;
    },

    start: function (c: any, h: any): void {
      // EN must read 0 and the stream's flags be clear before EN is set (RM0090 10.3.17,
      // 10.5.5); the flags are cleared blind, in one write.
      if (rd(c._cr) & 1) fail("EBUSY", c.name + " still running: synchronize() first");
      clearFlags(c);
      if (f4) wr(c._cr + 20, h._fcr);
      c._hw = h;
      c._seg = c._pos = 0;
      c._skip = c._tail = false;
      c._left = -1;
      segment(c, h, 0);
    },

    terminateAll: function (c: any): void {
      // Mask the interrupts and clear EN, one write; an F4 stream finishes its current item
      // first (RM0090 10.3.14): synchronize() waits for that.
      wr(c._cr, (c._crv &= ~IE));
      // Its residue is read live until synchronize() has seen the stop (_ab: aborted).
      c._ab = c._hw;
      c._hw = null;
    },

    synchronize: function (c: any, ms: number): void {
      waitStopped(c, ms);
      // EN=0: NDTR no longer moves, so the aborted transfer's residue is exact now (an F4
      // stream finishes its current item after EN is cleared, RM0090 10.3.14). The flags are
      // left: start() clears them before the next enable.
      if (c._ab) c._ab._res = left(c, c._ab);
      c._ab = null;
    },

    residue: function (c: any, h: any): number {
      return h === c._hw || h === c._ab ? left(c, h) : h._res;
    },

    pause: function (c: any): void {
      if (!c._hw || c._left >= 0) return;
      wr(c._cr, c._crv);
      waitStopped(c, 100);
      // The stop sets TCIF on the F4 (RM0090 10.3.14): clear it, unless it is the real
      // completion (nothing left), which the first poll after resume() then reports.
      if ((c._left = ndtr(c))) clearFlags(c);
      c._skip = false;
    },

    resume: function (c: any): void {
      var h = c._hw, n = c._left, done = c._cnt - n;
      if (!h || n < 0) return;
      c._left = -1;
      if (!n) return;
      // From where it stopped. A ring goes on without CIRC to the end of the lap (circular
      // mode would reload the shortened count, RM0090 10.3.8), then restarts whole (handle()).
      c._tail = h._cyc;
      // The packing rules (RM0090 10.3.11): memory address aligned to MSIZE, NDT a multiple of
      // MSIZE/PSIZE. Stopped mid-word, the rest of the segment goes with MSIZE = PSIZE (the
      // FIFO then neither packs nor unpacks), which keeps both. (Segments are whole memory
      // words, so an aligned resume address leaves a whole number of words.)
      var cr = h._cr & ~CIRC;
      c._d0 = h._items[c._seg] - n; // in memory: the flush at pause wrote all that was read
      var mar = c._m0 + done * h._unit;
      if (f4 && mar % h._mw) cr = (cr & ~(3 << MSIZE)) | ((h._unit >> 1) << MSIZE);
      program(c, c._p0 + done * h._pstep, mar, n, cr);
    },

    poll: function (list: ProviderChan[]): HwEvent[] {
      var evs: HwEvent[] | null = null, pn = ++polls, i, j, c: any, o: any, h, v, f, ev;
      for (i = 0; i < list.length; i++) {
        c = list[i];
        h = c._hw;
        if (!h || c._left >= 0) continue;
        // One status read per status register, shared by the streams it covers: _v is the
        // value read in poll number _pn (no lookup object, which would be allocated per poll).
        for (j = 0; j < i; j++) if ((o = list[j] as any)._pn === pn && o._isr === c._isr) break;
        v = c._v = j < i ? o._v : rd(c._isr);
        c._pn = pn;
        f = (v >>> c._sh) & ALL;
        ev = (f || h._cyc) && handle(c, h, f);
        if (ev) (evs || (evs = [])).push(ev);
      }
      return evs || NONE;
    },

    dump: function (): string {
      var s = "", hex = function (v: number) { return "=0x" + v.toString(16); };
      for (var d = 1; d < 3; d++) {
        for (var n = f4 ? 0 : 1; exists(d, n); n++) {
          var c = chanAt(d, n), cr = rd(c._cr), f: number, fl = "";
          if (!(cr & 1)) continue;
          f = rd(c._isr) >>> c._sh;
          // (bit 1 of an F4 stream's flags is reserved: it reads 0)
          (f4 ? "FEIF,,DMEIF,TEIF,HTIF,TCIF" : "GIF,TCIF,HTIF,TEIF").split(",").forEach(function (name, b) { if ((f >> b) & 1) fl += " " + name; });
          s += c.name + ": EN=1 DIR=" + (cr & M2M ? "M2M" : cr & M2P ? "M2P" : "P2M") + " CIRC=" + (cr & CIRC ? 1 : 0) + " NDTR=" + ndtr(c) +
            " PAR" + hex(rd(c._cr + 8)) + " M0AR" + hex(rd(c._cr + 12)) + " CR" + hex(cr) + " flags:" + (fl || " -") + "\n";
        }
      }
      return s || "no DMA stream enabled\n";
    },
  };
  return prov;
}
