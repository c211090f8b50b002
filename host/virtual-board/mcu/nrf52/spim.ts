// SPIM (SPI master with EasyDMA), nRF52832 PS v1.4 and nRF52840 PS v1.7, SPIM chapter;
// offsets as in the MDK (NRF_SPIM_Type). From the specification:
// - START copies RXD/TXD.PTR and MAXCNT in (double-buffered), STARTED; the transaction is
//   max(RXD.MAXCNT, TXD.MAXCNT) bytes; past TXD.MAXCNT it sends ORC, past RXD.MAXCNT it drops
//   what it receives; ENDTX, ENDRX, then END; SHORTS END_START (bit 17) starts the next one;
// - STOP: the byte being shifted completes, then STOPPED; nothing is written after STOPPED;
// - SUSPEND/RESUME pause after the current byte (there is no SUSPENDED event on SPIM).
// MAXCNT is 8 bits on the nRF52832, 16 on the nRF52840. MISO reads `miso(txByte)` (default
// 0xFF: an idle, pulled-up line).
import { EasyDma } from "./easydma";

export const T_START = 0x010, T_STOP = 0x014, T_SUSPEND = 0x01c, T_RESUME = 0x020;
export const E_STOPPED = 0x104, E_ENDRX = 0x110, E_END = 0x118, E_ENDTX = 0x120, E_STARTED = 0x14c;
export const FREQUENCY = 0x524, RXD_PTR = 0x534, RXD_MAXCNT = 0x538, RXD_AMOUNT = 0x53c, TXD_PTR = 0x544, TXD_MAXCNT = 0x548, TXD_AMOUNT = 0x54c, ORC = 0x5c0;
export const SH_END_START = 17;

export class Spim extends EasyDma {
  running = false;
  suspended = false;
  private t = { rx: 0, rmax: 0, tx: 0, tmax: 0, n: 0, owner: 0 };
  miso: (tx: number) => number = () => 0xff;
  mosi: number[] = [];

  protected resetState(): void {
    this.running = this.suspended = false;
    this.t = { rx: 0, rmax: 0, tx: 0, tmax: 0, n: 0, owner: 0 };
  }

  protected writeReg(off: number, v: number): void {
    if (off === RXD_MAXCNT || off === TXD_MAXCNT) v &= this.env.part === "nRF52832" ? 0xff : 0xffff;
    this.regs.set(off, v);
  }

  protected readReg(off: number): number {
    if (off === RXD_AMOUNT) return Math.min(this.t.n, this.t.rmax);
    if (off === TXD_AMOUNT) return Math.min(this.t.n, this.t.tmax);
    return this.reg(off);
  }

  /** 8 clocks at FREQUENCY (0x80000000 is 8 MHz, PS FREQUENCY table). */
  private byteCycles(): number {
    var hz = (this.reg(FREQUENCY) / 0x80000000) * 8e6 || 125000;
    return this.cyclesAt(hz / 8);
  }

  protected task(off: number): void {
    if (!this.enabled) return;
    if (off === T_START) {
      var rx = this.reg(RXD_PTR);
      this.t = { rx: rx, rmax: this.reg(RXD_MAXCNT), tx: this.reg(TXD_PTR), tmax: this.reg(TXD_MAXCNT), n: 0, owner: this.ownerAt(rx) };
      this.running = true;
      this.suspended = false;
      this.event(E_STARTED, "STARTED");
      this.cancel("byte");
      this.at(this.byteCycles(), "byte");
    } else if (off === T_STOP) {
      this.cancel("byte");
      // The byte on the wire finishes (its write may land), then STOPPED.
      this.at(this.running && !this.suspended ? this.byteCycles() : this.env.latencyCycles, this.running && !this.suspended ? "lastbyte" : "stopped");
      this.running = false;
    } else if (off === T_SUSPEND) {
      if (this.running) this.suspended = true;
    } else if (off === T_RESUME) {
      if (this.running && this.suspended) {
        this.suspended = false;
        if (!this.pending("byte")) this.at(this.byteCycles(), "byte");
      }
    }
  }

  private shift(): boolean {
    var t = this.t, len = Math.max(t.rmax, t.tmax);
    if (t.n >= len) return false;
    var out = t.n < t.tmax ? this.dmaRead(t.tx + t.n, 1) : this.reg(ORC) & 0xff;
    this.mosi.push(out);
    var inb = this.miso(out) & 0xff;
    if (t.n < t.rmax) this.dmaWrite(t.rx + t.n, 1, inb, t.owner);
    t.n++;
    if (t.n === t.tmax) this.event(E_ENDTX, "ENDTX");
    if (t.n === t.rmax) this.event(E_ENDRX, "ENDRX");
    return t.n < len;
  }

  protected fire(what: string): void {
    if (what === "byte") {
      if (!this.running || this.suspended) return;
      if (this.shift()) this.at(this.byteCycles(), "byte");
      else {
        this.event(E_END, "END");
        if (this.shorts(SH_END_START)) this.task(T_START);
      }
    } else if (what === "lastbyte") {
      this.shift();
      this.at(this.env.latencyCycles, "stopped");
    } else if (what === "stopped") this.stopped(E_STOPPED, "STOPPED");
  }
}
