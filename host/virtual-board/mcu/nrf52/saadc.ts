// SAADC with EasyDMA (nRF52832 PS v1.4 and nRF52840 PS v1.7, SAADC chapter; offsets as
// in Nordic's MDK nrf52.h / nrf52840.h). Modelled from the specification, not from our driver:
// - START copies RESULT.PTR/MAXCNT in (double-buffered), AMOUNT = 0, then STARTED;
// - SAMPLE converts every enabled channel once (SAMPLERATE.MODE = Task), or starts the
//   internal timer, one sample every CC / 16 MHz (MODE = Timers, "continuous sampling");
// - each result is one 16-bit word at PTR + 2 * AMOUNT; at MAXCNT words, END (a new START is
//   needed to go on); AMOUNT counts the words written since the last START;
// - STOP ends sampling; a conversion whose result is already on its way to RAM still lands
//   (the PS only promises nothing after STOPPED), then STOPPED.
// Fault: anomaly 86 (nRF52832 only, nrf52_erratas.h): START after CALIBRATEOFFSET writes a
// sample though SAMPLE was never triggered; not after the workaround's STOP -> STOPPED.
// Espruino's analogRead() (targets/nrf5x/jshardware.c nrf_analog_read_start / nrf_analog_read)
// runs here at the register level: it STOPs and disables a SAADC it finds enabled, programs
// channel 0 and its own one-word result buffer, START, SAMPLE, END, STOP, disable.
import { EasyDma } from "./easydma";

export const T_START = 0x000, T_SAMPLE = 0x004, T_STOP = 0x008, T_CALIBRATEOFFSET = 0x00c;
export const E_STARTED = 0x100, E_END = 0x104, E_DONE = 0x108, E_RESULTDONE = 0x10c, E_CALIBRATEDONE = 0x110, E_STOPPED = 0x114;
export const STATUS = 0x400, CH_PSELP = (n: number) => 0x510 + 0x10 * n, CH_CONFIG = (n: number) => 0x518 + 0x10 * n;
export const RESOLUTION = 0x5f0, SAMPLERATE = 0x5f8, RESULT_PTR = 0x62c, RESULT_MAXCNT = 0x630, RESULT_AMOUNT = 0x634;

/** CH[n].CONFIG.TACQ (bits 16-18): acquisition time in us. */
const TACQ_US = [3, 5, 10, 15, 20, 40, 40, 40];
/** tCONV, at most 2 us (PS electrical specification). */
const TCONV_US = 2;

export class Saadc extends EasyDma {
  started = false;
  private ptr = 0;
  private max = 0;
  private amount = 0;
  private owner = 0;
  private calibrated = false;
  /** The value each analog input reads (a signed 16-bit result). -1 (0xFFFF) by default: a
   * grounded single-ended input can read slightly negative (PS: single-ended results may be
   * negative), and so captured bytes read 0xFF, never a canary pattern. */
  input: (ch: number) => number = () => -1;

  protected resetState(): void {
    this.started = false;
    this.ptr = this.max = this.amount = this.owner = 0;
    this.calibrated = false;
  }

  protected readReg(off: number): number {
    if (off === RESULT_AMOUNT) return this.amount;
    if (off === STATUS) return this.pending("convert") ? 1 : 0;
    return this.reg(off);
  }

  protected writeReg(off: number, v: number): void {
    // RESULT.MAXCNT is 15 bits (nrf52_bitfields.h SAADC_RESULT_MAXCNT_MAXCNT_Msk 0x7FFF).
    if (off === RESULT_MAXCNT) v &= 0x7fff;
    this.regs.set(off, v);
  }

  private channels(): number[] {
    var out: number[] = [];
    for (var n = 0; n < 8; n++) if (this.reg(CH_PSELP(n)) & 0x1f) out.push(n);
    return out;
  }

  private convUs(): number {
    return TACQ_US[(this.reg(CH_CONFIG(0)) >>> 16) & 7] + TCONV_US;
  }

  protected task(off: number): void {
    if (!this.enabled) return;
    var env = this.env;
    if (off === T_START) {
      this.ptr = this.reg(RESULT_PTR);
      this.max = this.reg(RESULT_MAXCNT);
      this.owner = this.ownerAt(this.ptr);
      this.amount = 0;
      this.started = true;
      if (this.calibrated && env.part === "nRF52832" && env.faults.saadcCalibrationSample) this.result(0x7ff);
      this.calibrated = false;
      this.at(env.latencyCycles, "started");
    } else if (off === T_SAMPLE) {
      if (!this.started) return;
      if ((this.reg(SAMPLERATE) >>> 12) & 1) {
        // Timers: the internal timer samples every CC cycles of 16 MHz (CC 80..2047).
        if (!this.pending("tick")) this.at(0, "tick");
      } else this.at(this.cyclesAt(1e6 / this.convUs()), "convert");
    } else if (off === T_STOP) {
      // The errata's workaround (STOP, STOPPED after CALIBRATEDONE, then START) avoids the sample.
      this.calibrated = false;
      if (!this.started && !this.pending("started")) {
        this.at(env.latencyCycles, "stopped");
        return;
      }
      this.cancel("tick");
      this.cancel("started");
      this.started = false;
      // A conversion in progress still delivers its result before STOPPED.
      if (!this.pending("convert")) this.at(env.latencyCycles, "stopped");
    } else if (off === T_CALIBRATEOFFSET) {
      this.at(this.cyclesAt(1e6 / 100), "calibrated");
    }
  }

  protected fire(what: string): void {
    if (what === "started") this.event(E_STARTED, "STARTED");
    else if (what === "stopped") this.stopped(E_STOPPED, "STOPPED");
    else if (what === "calibrated") {
      this.calibrated = true;
      this.event(E_CALIBRATEDONE, "CALIBRATEDONE");
    } else if (what === "tick") {
      var cc = this.reg(SAMPLERATE) & 0x7ff;
      if (this.started) {
        this.at(this.cyclesAt(16e6 / Math.max(80, cc)), "tick");
        if (!this.pending("convert")) this.at(this.cyclesAt(1e6 / TCONV_US), "convert");
      }
    } else if (what === "convert") {
      var chs = this.channels();
      if (!chs.length) chs = [0];
      for (var i = 0; i < chs.length; i++) this.result(this.input(chs[i]));
      this.event(E_DONE, "DONE");
      // STOP came while this conversion ran: its result was the last access.
      if (!this.started) this.at(this.env.latencyCycles, "stopped");
    }
  }

  /** One result into RAM, if the buffer has room. */
  private result(v: number): void {
    if (this.amount >= this.max) return;
    this.dmaWrite(this.ptr + 2 * this.amount, 2, v & 0xffff, this.owner);
    this.amount++;
    this.event(E_RESULTDONE, "RESULTDONE");
    if (this.amount === this.max) this.event(E_END, "END");
  }

  /** Espruino's analogRead(pin) on nRF52, register for register (jshardware.c): returns the
   * 0..1 reading. `scratch` is where Espruino's stack variable `result` lives. */
  analogRead(ain: number, scratch: number): number {
    var w = (o: number, v: number) => this.write32(o, v), ev = (o: number) => this.read32(o);
    var wait = (o: number) => {
      for (var k = 0; k < 10000 && !ev(o); k++) {
        var a = this.agenda.slice().sort((x, y) => x.at - y.at)[0];
        if (!a) break;
        // Espruino busy-waits in C: time passes until the event.
        this.env.ctx.trace.push("busy_wait", { periph: this.name, until: a.at });
        a.at = Math.min(a.at, this.env.ctx.now());
        this.step();
      }
    };
    if (this.enabled) {
      // nrf_analog_read_start: "cancel old reading"
      w(T_STOP, 1);
      wait(E_STOPPED);
      w(E_STOPPED, 0);
      w(E_STARTED, 0);
      w(E_END, 0);
      w(0x500, 0);
    }
    w(0x500, 1);
    for (var n = 0; n < 8; n++) w(CH_PSELP(n), 0);
    w(CH_PSELP(0), ain + 1);
    w(SAMPLERATE, 0);
    w(RESULT_PTR, scratch);
    w(RESULT_MAXCNT, 1);
    w(T_START, 1);
    wait(E_STARTED);
    w(E_STARTED, 0);
    w(T_SAMPLE, 1);
    wait(E_END);
    w(E_END, 0);
    w(T_STOP, 1);
    wait(E_STOPPED);
    w(E_STOPPED, 0);
    w(0x500, 0);
    var r = this.dmaRead(scratch, 2);
    return ((r << 16) >> 16) / 16384;
  }
}
