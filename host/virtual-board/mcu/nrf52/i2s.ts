// I2S with EasyDMA, nRF52832 PS v1.4 and nRF52840 PS v1.7, I2S chapter; offsets as in
// the MDK (NRF_I2S_Type). From the specification:
// - START copies RXD.PTR / TXD.PTR into internal double-buffers and raises RXPTRUPD /
//   TXPTRUPD; after every RXTXD.MAXCNT words (14 bits) it takes the pointers again (the CPU
//   writes the next ones after each PTRUPD) and raises the events again: it runs until STOP;
// - STOP: the word in progress completes, then STOPPED. There is no AMOUNT register.
// Fault: anomaly 55 (nRF52832 from rev 2 and nRF52840, nrf52_erratas.h; nrfx_i2s_stop()
// disables the PTRUPD interrupts before STOP): RXPTRUPD and TXPTRUPD are set after STOP.
// One 32-bit word per LRCK frame (16-bit stereo): LRCK = MCK / RATIO, MCK = 32 MHz * MCKFREQ /
// 2^32 (PS CONFIG.MCKFREQ table: 0x80000000 is 16 MHz); reset values MCKFREQ 0x20000000,
// RATIO 6 (256X): 15,625 words a second.
import { EasyDma } from "./easydma";

export const T_START = 0x000, T_STOP = 0x004;
export const E_RXPTRUPD = 0x104, E_STOPPED = 0x108, E_TXPTRUPD = 0x114;
const RATIOS = [32, 48, 64, 96, 128, 192, 256, 384, 512];
export const CONFIG_RXEN = 0x508, CONFIG_TXEN = 0x50c, CONFIG_MCKFREQ = 0x514, CONFIG_RATIO = 0x518, RXD_PTR = 0x538, TXD_PTR = 0x540, RXTXD_MAXCNT = 0x550;

export class I2s extends EasyDma {
  running = false;
  private b = { rx: 0, tx: 0, max: 0, i: 0, owner: 0 };
  input: (i: number) => number = () => 0xffffffff;
  out: number[] = [];

  protected resetState(): void {
    this.running = false;
    this.out = [];
    this.regs.set(CONFIG_MCKFREQ, 0x20000000);
    this.regs.set(CONFIG_RATIO, 6);
  }

  /** Cycles per word (per LRCK frame). */
  private wordCycles(): number {
    var mck = (32e6 * this.reg(CONFIG_MCKFREQ)) / 4294967296;
    return this.cyclesAt(mck / (RATIOS[this.reg(CONFIG_RATIO)] || 256) || 15625);
  }

  protected writeReg(off: number, v: number): void {
    if (off === RXTXD_MAXCNT) v &= 0x3fff;
    this.regs.set(off, v);
  }

  private swap(): void {
    var rx = this.reg(RXD_PTR);
    this.b = { rx: rx, tx: this.reg(TXD_PTR), max: this.reg(RXTXD_MAXCNT), i: 0, owner: this.ownerAt(rx) };
    if (this.reg(CONFIG_RXEN) & 1) this.event(E_RXPTRUPD, "RXPTRUPD");
    if (this.reg(CONFIG_TXEN) & 1) this.event(E_TXPTRUPD, "TXPTRUPD");
  }

  protected task(off: number): void {
    if (!this.enabled) return;
    if (off === T_START) {
      this.running = true;
      this.swap();
      this.at(this.wordCycles(), "word");
    } else if (off === T_STOP) {
      var was = this.running;
      this.running = false;
      this.cancel("word");
      this.at(was ? this.wordCycles() : this.env.latencyCycles, was ? "lastword" : "stopped");
    }
  }

  private word(): void {
    var b = this.b;
    if (this.reg(CONFIG_RXEN) & 1) this.dmaWrite(b.rx + 4 * b.i, 4, this.input(b.i), b.owner);
    if (this.reg(CONFIG_TXEN) & 1) this.out.push(this.dmaRead(b.tx + 4 * b.i, 4));
    if (++b.i >= b.max) this.swap();
  }

  protected fire(what: string): void {
    if (what === "word") {
      if (!this.running) return;
      this.word();
      this.at(this.wordCycles(), "word");
    } else if (what === "lastword") {
      this.word();
      this.at(this.env.latencyCycles, "stopped");
    } else if (what === "stopped") {
      this.stopped(E_STOPPED, "STOPPED");
      if (this.env.faults.i2sPtrupdAfterStop) {
        this.event(E_RXPTRUPD, "RXPTRUPD");
        this.event(E_TXPTRUPD, "TXPTRUPD");
      }
    }
  }
}
