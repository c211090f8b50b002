// The nRF52 EasyDMA provider (nRF52832 PS v1.4, nRF52840 PS v1.7). There is no DMA controller:
// each peripheral instance with EasyDMA is one channel (SAADC, UARTEn, SPIMn, PWMn, I2S). The
// register map is Nordic's MDK (nrf52.h / nrf52840.h); the stop sequences follow the PS and
// Nordic's nrfx drivers (nrfx_saadc.c, nrfx_uarte.c, nrfx_spim.c, nrfx_pwm.c, nrfx_i2s.c).
//
// - Buffers: PTR/MAXCNT (AMOUNT after it) are double-buffered: the start task copies them in
//   and the next buffer's pointer is written as soon as the started event says so. The
//   hardware chains the buffers itself where a receiver would otherwise lose data (UARTE
//   ENDRX_STARTRX; I2S takes the new pointers at every PTRUPD; PWM rings LOOPSDONE_SEQSTART0);
//   elsewhere (SAADC, UARTE TX, SPIM, PWM lists) poll() triggers the start task at each end.
// - terminateAll: SHORTS = 0 first (a shortcut may restart the peripheral in the clock the
//   STOP arrives: nrfx_pwm_stop()), then the stop task. It does not wait.
// - synchronize: waits, bounded, for the stopped event: SAADC STOPPED, UARTE RXTO (after
//   STOPRX "up to four bytes" still land) or TXSTOPPED, SPIM / PWM / I2S STOPPED. The PS
//   promises no EasyDMA access after it; before it, the hardware may still write.
// - Refused: a peripheral that reads enabled (ENABLE, base + 0x500, non-zero: Espruino or
//   someone else drives it), buffers outside Data RAM (EasyDMA elsewhere "may result in
//   HardFault or RAM corruption"), pause (no peripheral here can hold a transfer and report
//   that it has: see PAUSE).
// - Residue: (MAXCNT - AMOUNT) items of the buffer in progress plus the buffers not started;
//   PWM and I2S have no AMOUNT register, so their buffer in progress counts whole.
//
// A channel's fields: _b base, _k kind row (KINDS), _used, _hw descriptor on the hardware, _i
// buffer the hardware fills, _ld buffer whose pointer is in PTR, _tx the descriptor terminateAll
// took off (until synchronize), _run started and not stopped, _stop stop task given, _en ENABLE
// value. A descriptor's: _a addresses, _n items per buffer, _cyc, _u bytes per item, _res.

import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan, ChannelRequest, PrepRequest, HwDesc, HwEvent } from "../dmaengine/provider";
import { fail, inval } from "../dmaengine/errors";
import { MEM2DEV, DEV2MEM, COMPLETE } from "../dmaengine/provider";
import { NRF_BOARDS } from "../../boards/compact";

// Peripheral bases (MDK NRF_xxx_BASE); the last three only on the nRF52840.
var BASES: any = {
  SAADC: 0x40007000, UARTE0: 0x40002000, SPIM0: 0x40003000, SPIM1: 0x40004000, SPIM2: 0x40023000,
  PWM0: 0x4001c000, PWM1: 0x40021000, PWM2: 0x40022000, I2S: 0x40025000,
  UARTE1: 0x40028000, SPIM3: 0x4002f000, PWM3: 0x4002d000,
};

// Per kind and direction: [start task, stop task, started event, end event, stopped event,
// PTR register (MAXCNT +4, AMOUNT +8), bytes per item, ENABLE value, chaining SHORTS bit or -1,
// MAXCNT mask on the nRF52832, on the nRF52840]. SAADC (RESULT.MAXCNT 15 bits,
// 16-bit results). UARTE RX/TX (ENABLE 8; MAXCNT 8 bits / 16 bits on the 52840;
// ENDRX_STARTRX bit 5). SPIM (ENABLE 7). SPIM does not chain with END_START: as the
// master it clocks the bus, so a gap between buffers loses nothing, while the shortcut would
// restart a short buffer with the old pointer before an interpreted poke32 can write the next
// one (30 bytes at 8 MHz take 30 us, about three register accesses). PWM (SEQ[0], CNT 15 bits of 16-bit values). I2S
// (RXD.PTR 0x538, TXD.PTR 0x540, MAXCNT 0x550 in 32-bit words, 14 bits; PTRUPD is both
// "started" and "ended").
var KINDS: any = {
  SAADC: [0, 8, 0x100, 0x104, 0x114, 0x62c, 2, 1, -1, 0x7fff, 0x7fff],
  UARTErx: [0, 4, 0x14c, 0x110, 0x144, 0x534, 1, 8, 5, 0xff, 0xffff],
  UARTEtx: [8, 12, 0x150, 0x120, 0x158, 0x544, 1, 8, -1, 0xff, 0xffff],
  SPIMrx: [16, 20, 0x14c, 0x118, 0x104, 0x534, 1, 7, -1, 0xff, 0xffff],
  SPIMtx: [16, 20, 0x14c, 0x118, 0x104, 0x544, 1, 7, -1, 0xff, 0xffff],
  PWMtx: [8, 4, 0x108, 0x110, 0x104, 0x520, 2, 1, -1, 0x7fff, 0x7fff],
  I2Srx: [0, 4, 0x104, 0x104, 0x108, 0x538, 4, 1, -1, 0x3fff, 0x3fff],
  I2Stx: [0, 4, 0x114, 0x114, 0x108, 0x540, 4, 1, -1, 0x3fff, 0x3fff],
};

/** Why a kind cannot pause: none of them can hold a transfer and confirm it. */
var PAUSE: any = {
  SAADC: "STOP ends the run and START restarts AMOUNT at 0",
  UARTE: "STOPRX ends reception (the sender does not wait)",
  SPIM: "SUSPEND has no event confirming it",
  PWM: "STOP ends the sequence",
  I2S: "STOP ends the stream",
};

export function nrf52Row(name: string): any[] | undefined {
  var n = String(name).toLowerCase();
  for (var i = 0; i < NRF_BOARDS.length; i++) if (NRF_BOARDS[i][0] === n || NRF_BOARDS[i][1].toLowerCase() === n) return NRF_BOARDS[i];
  return undefined;
}

/** The provider for an nRF52 board (a boards/compact.ts NRF_BOARDS row). */
export function createNrf52(P: Platform, board: any[]): Provider {
  var big = board[2] === 840, chans: any = {};

  function rd(a: number): number {
    return P.peek32(a) >>> 0;
  }
  function wr(a: number, v: number): void {
    P.poke32(a, v);
  }

  function kindOf(name: string): string {
    return name.replace(/\d$/, "");
  }

  /** Event off of c set within ms (one read when ms is 0). */
  function waitEv(c: any, off: number, ms: number): boolean {
    var t0 = P.now();
    while (!rd(c._b + off)) if (P.now() - t0 >= ms) return false;
    return true;
  }

  /** Write buffer j of h into PTR/MAXCNT (taken by the next start task). */
  function load(c: any, h: any, j: number): void {
    var k = c._k, n = h._a.length;
    c._ld = j;
    if (h._cyc) j %= n;
    else if (j >= n) return;
    wr(c._b + k[5], h._a[j]);
    // (I2S: one MAXCNT for all buffers, at 0x550)
    if (k[6] < 4) wr(c._b + k[5] + 4, h._n[j]);
  }

  /** The hardware took buffer c._i (started event): clear it, write the next one's pointer. */
  function took(c: any, h: any): void {
    wr(c._b + c._k[2], 0);
    // SAADC in continuous mode (SAMPLERATE.MODE Timers): one SAMPLE starts its timer.
    if (c._smp && rd(c._b + 0x5f8) & 0x1000) wr(c._b + 4, 1);
    c._smp = false;
    load(c, h, c._i + 1);
    // A list's last buffer is running: no shortcut may start another.
    if (!h._cyc && c._i === h._a.length - 1 && c._k[8] >= 0) wr(c._b + 0x200, 0);
  }

  /** Stop task, once per run. */
  function stop(c: any): void {
    if (c._run && !c._stop) {
      wr(c._b + 0x200, 0);
      wr(c._b + c._k[1], 1);
      c._stop = true;
    }
  }

  /** The stopped event within ms, then clear the events; else ETIMEDOUT. */
  function stopped(c: any, ms: number): void {
    // (Disabled by someone else meanwhile - analogRead() waits for STOPPED before it disables.)
    if (c._stop && rd(c._b + 0x500) && !waitEv(c, c._k[4], ms)) fail("ETIMEDOUT", c.name + " did not stop: buffers stay in use; retry synchronize()");
    var k = c._k;
    // The terminated transfer's residue, exact now that it stopped (AMOUNT is final).
    if (c._tx) c._tx._res = left(c, c._tx);
    c._tx = null;
    [k[2], k[3], k[4], 0x110, 0x114].forEach(function (o) { wr(c._b + o, 0); });
    // Stopped: disabled until the next start, as the driver found it (Espruino's analogRead()
    // leaves the SAADC disabled too); ENABLE = 0 then also says "stopped" to anyone looking.
    if (c._run) wr(c._b + 0x500, 0);
    c._run = c._stop = false;
  }

  /** Bytes not moved; `whole`: the buffer in progress counts whole (its AMOUNT is lost). */
  function left(c: any, h: any, whole?: boolean): number {
    var k = c._k, n = 0, j = c._i % h._a.length;
    // Items of the buffer in progress not yet moved (whole where there is no AMOUNT).
    n = h._n[j] - (whole || k[5] === 0x520 || k[6] === 4 ? 0 : rd(c._b + k[5] + 8));
    for (j++; j < h._a.length; j++) n += h._n[j];
    return n * h._u;
  }

  /** Items per second the peripheral is set up for, 0 when unknown (poll as fast as it goes):
   * SAADC timer mode 16 MHz / SAMPLERATE.CC; UARTE BAUDRATE * 16 MHz / 2^32 / 10 bits; SPIM
   * FREQUENCY (0x80000000 = 8 MHz) / 8; PWM 16 MHz >> PRESCALER / COUNTERTOP / (REFRESH + 1);
   * I2S one word per LRCK frame, LRCK = MCK / RATIO, MCK = 32 MHz * MCKFREQ / 2^32. */
  function rate(c: any): number {
    var b = c._b, s = c._kind, v;
    if (s === "SAADC") return (v = rd(b + 0x5f8)) & 0x1000 ? 16e6 / (v & 0x7ff) : 0;
    if (s === "UARTE") return (rd(b + 0x524) * 16e6) / 4294967296 / 10;
    if (s === "SPIM") return (rd(b + 0x524) / 0x80000000) * 1e6;
    if (s === "PWM") return (16e6 >> (rd(b + 0x50c) & 7)) / (rd(b + 0x508) || 1) / ((rd(b + 0x528) & 0xffffff) + 1);
    return (32e6 * rd(b + 0x514)) / 4294967296 / [32, 48, 64, 96, 128, 192, 256, 384, 512][rd(b + 0x518)] || 0;
  }

  var prov: Provider = {
    reachable: function (addr: number, len: number): boolean {
      // Data RAM only (PS v1.4 / v1.7, EasyDMA chapter).
      return addr >= 0x20000000 && addr + len <= 0x20000000 + board[3] * 1024;
    },

    maxSegmentLen: function (pc: any, width: number): number {
      var k = pc ? pc._k || KINDS.SAADC : KINDS.UARTErx;
      return k[big ? 10 : 9] * (pc ? k[6] : width || 1);
    },

    allocChan: function (req: ChannelRequest): ProviderChan {
      var name = String(req.request || "").toUpperCase(), b = BASES[name], c = chans[name];
      if (!b || (!big && /[3]$|UARTE1/.test(name))) {
        var known = "";
        for (var k in BASES) if (big || !/[3]$|UARTE1/.test(k)) known += " " + k;
        fail("ENODEV", (!name || name === "MEM2MEM" ? "EasyDMA has no memory-to-memory" : "no EasyDMA peripheral " + name) + ": request one of" + known);
      }
      if (c && c._used) fail("EBUSY", name + " in use: release() it");
      // ENABLE non-zero: Espruino (analogRead, analogWrite, SPI1, I2C1, Serial, neopixel) or
      // other code drives it; leave it alone.
      var en = rd(b + 0x500);
      if (en) fail("EBUSY", name + " is enabled (ENABLE=" + en + "): in use by Espruino or other code; pick a free one");
      c = chans[name] = { name: name, _b: b, _kind: kindOf(name), _used: true, _hw: null, _run: false, _stop: false };
      c._k = KINDS[c._kind] || KINDS[c._kind + (req.dir === MEM2DEV ? "tx" : "rx")];
      return c;
    },

    freeChan: function (c: any): void {
      // Hand the peripheral back disabled, as we found it.
      wr(c._b + 0x500, 0);
      c._used = false;
      c._hw = null;
    },

    config: function (): void {
      // Sample rate, baud rate, pins, channels: the peripheral's own registers, set with poke32
      // before the transfer (after requestChannel: ENABLE must read 0 when the channel is taken).
    },

    prep: function (c: any, req: PrepRequest): HwDesc {
      var s = c._kind, dir = req.dir, k, cyc = req.kind === "cyclic", segs = req.segments;
      if (req.kind === "memcpy") inval("EasyDMA has no memory-to-memory: request a peripheral");
      if ((s === "SAADC" && dir !== DEV2MEM) || (s === "PWM" && dir !== MEM2DEV)) inval(s + " only " + (s === "PWM" ? MEM2DEV : DEV2MEM));
      k = c._k = KINDS[s] || KINDS[s + (dir === MEM2DEV ? "tx" : "rx")];
      if (s === "I2S" && !cyc) inval("I2S runs until STOP: use prepCyclic");
      var u = k[6], max = k[big ? 10 : 9], a: number[] = [], n: number[] = [], per = req.periodLen || 0, i;
      if (cyc) {
        var ring = segs[0], m = ring.len / per;
        if (m % 1 || (s === "PWM" ? m !== 2 : s === "I2S" && m < 2)) inval("cyclic: whole periods" + (s === "PWM" ? ", exactly 2 (SEQ[0], SEQ[1])" : s === "I2S" ? ", at least 2" : ""));
        segs = [];
        for (i = 0; i < m; i++) segs.push({ addr: ring.addr + i * per, len: per });
      }
      var total = 0;
      for (i = 0; i < segs.length; i++) {
        var len = segs[i].len, items = len / u;
        if (items % 1 || segs[i].addr % u || items > max) inval("buffers: whole " + u + "-byte items, aligned, at most " + max + " each");
        a.push(segs[i].addr);
        n.push(items);
        total += len;
      }
      // The core polls when a buffer is due to end (segMs: each buffer of a list; a ring: one
      // pass, a period each), from the rate the peripheral is set up for; 0: unknown.
      var hz = rate(c), seg = n.map(function (x) { return hz ? (x * 1000) / hz : 0; });
      return { len: cyc ? per * a.length : total, expectedMs: hz ? (total * 1000) / u / hz : 0, segMs: cyc || !hz ? undefined : seg, _a: a, _n: n, _cyc: cyc, _u: u, _res: total } as HwDesc;
    },

    start: function (c: any, h: any): void {
      var k = c._k, b = c._b, sh = k[8] >= 0 && (h._cyc || h._a.length > 1) ? 1 << k[8] : 0;
      // SAADC calibrated since (CALIBRATEDONE set): anomaly 86's workaround, STOP -> STOPPED
      // before START, or the first word of the buffer is a sample nobody took (nRF52832).
      if (c._kind === "SAADC" && rd(b + 0x110)) {
        wr(b + 0x500, 1);
        wr(b + 8, 1);
        waitEv(c, 0x114, 2);
      }
      // The previous run must have stopped (completion stops it, terminate waits for it).
      if (c._stop) stopped(c, 100);
      stopped(c, 0);
      wr(b + 0x500, k[7]);
      if (c._kind === "SPIM") wr(b + (k[5] === 0x534 ? 0x548 : 0x538), 0); // the other direction: none
      if (c._kind === "I2S") {
        wr(b + 0x508, k[5] === 0x538 ? 1 : 0); // CONFIG.RXEN
        wr(b + 0x50c, k[5] === 0x538 ? 0 : 1); // CONFIG.TXEN
        wr(b + 0x550, h._n[0]);
      }
      if (c._kind === "PWM") {
        // Lists: one SEQ[0] play per buffer. A ring of two periods: SEQ[0] then SEQ[1], LOOP 1,
        // LOOPSDONE_SEQSTART0 (PWM SHORTS bit 2).
        wr(b + 0x514, h._cyc ? 1 : 0);
        if (h._cyc) {
          wr(b + 0x540, h._a[1]);
          wr(b + 0x544, h._n[1]);
          sh = 4;
        }
      }
      wr(b + 0x200, sh);
      c._hw = h;
      c._i = 0;
      c._smp = c._kind === "SAADC";
      load(c, h, 0);
      wr(b + k[0], 1);
      c._run = true;
      // STARTED comes within microseconds; poll() finishes the job if it did not.
      if (waitEv(c, k[2], 2)) {
        if (c._kind !== "PWM" || !h._cyc) took(c, h);
        else wr(b + k[2], 0);
      }
    },

    terminateAll: function (c: any): void {
      stop(c);
      // Its residue is read live until synchronize() has seen the stop (contract, residue()).
      if (c._hw) c._tx = c._hw;
      c._hw = null;
    },

    synchronize: function (c: any, ms: number): void {
      stopped(c, ms);
    },

    residue: function (c: any, h: any): number {
      return h === c._hw || h === c._tx ? left(c, h) : h._res;
    },

    pause: function (c: any): void {
      fail("EPERM", c.name + " cannot pause: " + PAUSE[c._kind] + "; terminate and start again");
    },

    resume: function (): void {},

    poll: function (list: ProviderChan[]): HwEvent[] {
      var evs: HwEvent[] = [];
      for (var i = 0; i < list.length; i++) {
        var c: any = list[i], h = c._hw, k = c._k, b = c._b, done = 0;
        if (!h) continue;
        // Disabled under us (Espruino's analogRead() stops and disables the SAADC, and its own
        // START resets AMOUNT): how much of the buffer in progress landed is unknown.
        if (!rd(b + 0x500)) {
          h._res = left(c, h, true);
          c._hw = null;
          c._run = false;
          evs.push({ chan: c, kind: k === KINDS.UARTEtx || k === KINDS.SPIMtx || c._kind === "PWM" || k === KINDS.I2Stx ? "write_failed" : "read_failed" });
          continue;
        }
        if (c._kind === "PWM" && h._cyc) {
          // SEQEND0 / SEQEND1: one period each.
          for (var q = 0; q < 2; q++) if (rd(b + 0x110 + 4 * q)) wr(b + 0x110 + 4 * q, 0), done++;
          if (done) evs.push({ chan: c, kind: "period", count: done });
          continue;
        }
        // The end event first: a started event seen with it belongs to the buffer after it.
        var st = rd(b + k[2]), chain = k[8] >= 0 || k[2] === k[3];
        if (rd(b + k[3])) {
          wr(b + k[3], 0);
          if (!chain) st = 0; // (a started event of the buffer that just ended, not yet seen)
          c._i++;
          if (!h._cyc && c._i >= h._a.length) {
            // The list is done: stop what keeps running (RX, SAADC); the next start waits for it.
            h._res = 0;
            c._hw = null;
            stop(c);
            evs.push({ chan: c, kind: COMPLETE });
            continue;
          }
          if (!chain) {
            // No shortcut: start the next buffer (its pointer is normally in PTR already).
            if (c._ld !== c._i) load(c, h, c._i);
            wr(b + k[0], 1);
          }
          if (!st) st = waitEv(c, k[2], 1) ? 1 : 0;
          // A ring: one period; a list: the next buffer runs (the core times it from now).
          evs.push({ chan: c, kind: h._cyc ? "period" : "segment", count: 1 });
        }
        if (st) took(c, h);
      }
      return evs;
    },

    dump: function (): string {
      var s = "";
      for (var n in chans) {
        var c = chans[n], b = c._b, k = c._k || KINDS.SAADC;
        if (!c._used) continue;
        s += n + ": ENABLE=" + rd(b + 0x500) + " PTR=0x" + rd(b + k[5]).toString(16) + " MAXCNT=" + rd(b + (k[6] < 4 ? k[5] + 4 : 0x550)) + (k[5] === 0x520 || k[6] === 4 ? "" : " AMOUNT=" + rd(b + k[5] + 8)) +
          " SHORTS=0x" + rd(b + 0x200).toString(16) + " started=" + rd(b + k[2]) + " end=" + rd(b + k[3]) + " stopped=" + rd(b + k[4]) + "\n";
      }
      return s || "no EasyDMA channel in use\n";
    },
  };
  return prov;
}
