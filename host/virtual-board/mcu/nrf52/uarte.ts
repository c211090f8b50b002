// UARTE (UART with EasyDMA), nRF52832 PS v1.4 and nRF52840 PS v1.7, UARTE chapter;
// offsets as in the MDK (nrf52.h NRF_UARTE_Type). From the specification:
// - STARTRX copies RXD.PTR/MAXCNT in, RXSTARTED; each received byte goes to PTR + AMOUNT;
//   at MAXCNT bytes ENDRX; SHORTS ENDRX_STARTRX (bit 5) starts the next buffer at once,
//   ENDRX_STOPRX (bit 6) stops;
// - STOPRX: "the UARTE is able to receive up to four bytes after the STOPRX task has been
//   triggered" (PS; nrfx_uarte.c says the same): they land while room is left, the rest stays
//   in the RX FIFO; ENDRX if not yet generated, then RXTO: nothing is written after RXTO;
// - FLUSHRX writes what is left in the FIFO to RXD.PTR as it is now, then ENDRX;
// - STARTTX / ENDTX / STOPTX / TXSTOPPED likewise for TXD (reads).
// RXD.MAXCNT is 8 bits on the nRF52832, 16 on the nRF52840 (MDK bitfields).
// Received bytes come from `line`, one every 10 bit times at BAUDRATE (a sender on RXD).
import { EasyDma } from "./easydma";

export const T_STARTRX = 0x000, T_STOPRX = 0x004, T_STARTTX = 0x008, T_STOPTX = 0x00c, T_FLUSHRX = 0x02c;
export const E_RXDRDY = 0x108, E_ENDRX = 0x110, E_ENDTX = 0x120, E_ERROR = 0x124, E_RXTO = 0x144, E_RXSTARTED = 0x14c, E_TXSTARTED = 0x150, E_TXSTOPPED = 0x158;
export const BAUDRATE = 0x524, RXD_PTR = 0x534, RXD_MAXCNT = 0x538, RXD_AMOUNT = 0x53c, TXD_PTR = 0x544, TXD_MAXCNT = 0x548, TXD_AMOUNT = 0x54c;
export const SH_ENDRX_STARTRX = 5, SH_ENDRX_STOPRX = 6;

export class Uarte extends EasyDma {
  rxOn = false;
  txOn = false;
  private rx = { ptr: 0, max: 0, amount: 0, owner: 0, ended: false };
  private tx = { ptr: 0, max: 0, amount: 0 };
  /** Bytes left to accept after STOPRX (-1: not stopping). */
  private trailing = -1;
  /** The RX FIFO (bytes received with no room in the buffer). */
  fifo: number[] = [];
  /** The sender on RXD: the next byte, or undefined when it is silent. */
  line: () => number | undefined = () => undefined;
  /** Bytes the transmitter sent (read from RAM by EasyDMA). */
  sent: number[] = [];

  protected resetState(): void {
    this.rxOn = this.txOn = false;
    this.trailing = -1;
    this.fifo = [];
    this.rx = { ptr: 0, max: 0, amount: 0, owner: 0, ended: false };
    this.tx = { ptr: 0, max: 0, amount: 0 };
  }

  private maxMask(): number {
    return this.env.part === "nRF52832" ? 0xff : 0xffff;
  }

  protected writeReg(off: number, v: number): void {
    if (off === RXD_MAXCNT || off === TXD_MAXCNT) v &= this.maxMask();
    this.regs.set(off, v);
  }

  protected readReg(off: number): number {
    if (off === RXD_AMOUNT) return this.rx.amount;
    if (off === TXD_AMOUNT) return this.tx.amount;
    return this.reg(off);
  }

  /** Cycles per byte: start + 8 data + stop bits at the BAUDRATE register's rate
   * (baud ~ BAUDRATE * 16 MHz / 2^32, PS BAUDRATE table: 0x00275000 is 9600). */
  byteCycles(): number {
    var baud = (this.reg(BAUDRATE) * 16e6) / 4294967296 || 9600;
    return this.cyclesAt(baud / 10);
  }

  protected task(off: number): void {
    if (!this.enabled) return;
    if (off === T_STARTRX) {
      this.rx = { ptr: this.reg(RXD_PTR), max: this.reg(RXD_MAXCNT), amount: 0, owner: this.ownerAt(this.reg(RXD_PTR)), ended: false };
      this.rxOn = true;
      this.trailing = -1;
      this.event(E_RXSTARTED, "RXSTARTED");
      // Bytes waiting in the FIFO go first.
      while (this.fifo.length && this.rx.amount < this.rx.max) this.store(this.fifo.shift()!);
      if (!this.pending("rxbyte")) this.at(this.byteCycles(), "rxbyte");
    } else if (off === T_STOPRX) {
      if (!this.rxOn || this.trailing >= 0) return;
      var t = this.env.faults.uarteTrailingBytes;
      this.trailing = t === undefined ? 4 : Math.max(0, Math.min(4, t));
      if (!this.pending("rxbyte")) this.at(this.byteCycles(), "rxbyte");
    } else if (off === T_FLUSHRX) {
      // Into RXD.PTR as it reads now (PS: FLUSHRX); ENDRX with AMOUNT = bytes flushed.
      var p = this.reg(RXD_PTR), n = 0, o = this.ownerAt(p);
      while (this.fifo.length && n < this.reg(RXD_MAXCNT)) this.dmaWrite(p + n++, 1, this.fifo.shift()!, o);
      this.rx.amount = n;
      this.event(E_ENDRX, "ENDRX");
    } else if (off === T_STARTTX) {
      this.tx = { ptr: this.reg(TXD_PTR), max: this.reg(TXD_MAXCNT), amount: 0 };
      this.txOn = true;
      this.event(E_TXSTARTED, "TXSTARTED");
      this.at(this.byteCycles(), "txbyte");
    } else if (off === T_STOPTX) {
      if (!this.txOn) return;
      // The byte in the shift register finishes; TXSTOPPED then (no read after it).
      this.cancel("txbyte");
      this.at(this.byteCycles(), "txstopped");
    }
  }

  private store(b: number): void {
    this.dmaWrite(this.rx.ptr + this.rx.amount++, 1, b, this.rx.owner);
    if (this.rx.amount === this.rx.max) this.endRx();
  }

  private endRx(): void {
    this.rx.ended = true;
    this.event(E_ENDRX, "ENDRX");
    if (this.shorts(SH_ENDRX_STOPRX) && this.trailing < 0) this.task(T_STOPRX);
    if (this.shorts(SH_ENDRX_STARTRX) && this.trailing < 0) this.task(T_STARTRX);
  }

  protected fire(what: string): void {
    if (what === "rxbyte") {
      if (!this.rxOn) return;
      var b = this.trailing === 0 ? undefined : this.line();
      if (b !== undefined) {
        this.event(E_RXDRDY, "RXDRDY");
        if (this.rx.amount < this.rx.max) this.store(b & 0xff);
        else if (this.fifo.length < 4) this.fifo.push(b & 0xff);
        else this.event(E_ERROR, "ERROR");
        if (this.trailing > 0) this.trailing--;
      }
      if (this.trailing === 0 || (this.trailing > 0 && b === undefined)) {
        // Receiver stopped: ENDRX unless already generated for this buffer, then RXTO.
        this.rxOn = false;
        this.trailing = -1;
        if (!this.rx.ended) this.event(E_ENDRX, "ENDRX");
        this.stopped(E_RXTO, "RXTO");
      } else this.at(this.byteCycles(), "rxbyte");
    } else if (what === "txbyte") {
      if (this.tx.amount < this.tx.max) {
        this.sent.push(this.dmaRead(this.tx.ptr + this.tx.amount++, 1));
        if (this.tx.amount === this.tx.max) this.event(E_ENDTX, "ENDTX");
        else this.at(this.byteCycles(), "txbyte");
      }
    } else if (what === "txstopped") {
      this.txOn = false;
      this.stopped(E_TXSTOPPED, "TXSTOPPED");
    }
  }
}
