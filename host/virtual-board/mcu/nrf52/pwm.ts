// PWM with EasyDMA sequences, nRF52832 PS v1.4 and nRF52840 PS v1.7, PWM chapter;
// offsets as in the MDK (NRF_PWM_Type). From the specification:
// - SEQSTART[n] loads SEQ[n].PTR/CNT (16-bit values, CNT 15 bits) and plays them, each value
//   held for REFRESH + 1 PWM periods (COUNTERTOP / (16 MHz >> PRESCALER)); SEQSTARTED[n],
//   then SEQEND[n] after its last value;
// - LOOP = 0: one sequence; LOOP > 0: SEQ[0] then SEQ[1], LOOP times, then LOOPSDONE;
// - SHORTS: SEQEND0_STOP (0), SEQEND1_STOP (1), LOOPSDONE_SEQSTART0 (2), LOOPSDONE_SEQSTART1
//   (3), LOOPSDONE_STOP (4);
// - STOP ends playback at the end of the current PWM period, then STOPPED.
// Fault: LOOPSDONE in the same clock as STOP: a LOOPSDONE_SEQSTARTn short restarts playback
// (nrfx_pwm_stop() clears SHORTS before STOP for this reason): reads after STOPPED.
import { EasyDma } from "./easydma";

export const T_STOP = 0x004, T_SEQSTART = (n: number) => 0x008 + 4 * n;
export const E_STOPPED = 0x104, E_SEQSTARTED = (n: number) => 0x108 + 4 * n, E_SEQEND = (n: number) => 0x110 + 4 * n, E_LOOPSDONE = 0x11c;
export const COUNTERTOP = 0x508, PRESCALER = 0x50c, LOOP = 0x514;
export const SEQ_PTR = (n: number) => 0x520 + 0x20 * n, SEQ_CNT = (n: number) => 0x524 + 0x20 * n, SEQ_REFRESH = (n: number) => 0x528 + 0x20 * n;
export const SH_SEQEND0_STOP = 0, SH_LOOPSDONE_SEQSTART0 = 2, SH_LOOPSDONE_STOP = 4;

export class Pwm extends EasyDma {
  playing = false;
  private s = { n: 0, ptr: 0, cnt: 0, i: 0, rep: 0, loops: 0 };
  /** The values read from RAM, in order (what the pins would show). */
  out: number[] = [];

  protected resetState(): void {
    this.playing = false;
    this.out = [];
  }

  protected writeReg(off: number, v: number): void {
    if (off === SEQ_CNT(0) || off === SEQ_CNT(1)) v &= 0x7fff;
    this.regs.set(off, v);
  }

  private periodCycles(): number {
    var top = this.reg(COUNTERTOP) & 0x7fff || 1000;
    return this.cyclesAt((16e6 >> (this.reg(PRESCALER) & 7)) / top);
  }

  private load(n: number, loops: number): void {
    this.s = { n: n, ptr: this.reg(SEQ_PTR(n)), cnt: this.reg(SEQ_CNT(n)), i: 0, rep: 0, loops: loops };
    this.playing = true;
    this.event(E_SEQSTARTED(n), "SEQSTARTED" + n);
    this.cancel("value");
    this.at(0, "value");
  }

  protected task(off: number): void {
    if (!this.enabled) return;
    if (off === T_SEQSTART(0) || off === T_SEQSTART(1)) this.load((off - 8) >> 2, this.reg(LOOP));
    else if (off === T_STOP) {
      var restart = this.env.faults.pwmLoopsdoneWithStop && (this.shorts(2) || this.shorts(3));
      this.cancel("value");
      this.at(this.playing ? this.periodCycles() : this.env.latencyCycles, restart ? "stopped+restart" : "stopped");
      this.playing = false;
    }
  }

  protected fire(what: string): void {
    if (what === "value") {
      if (!this.playing) return;
      var s = this.s, refresh = this.reg(SEQ_REFRESH(s.n)) & 0xffffff;
      if (s.i < s.cnt) {
        if (s.rep === 0) this.out.push(this.dmaRead(s.ptr + 2 * s.i, 2));
        if (++s.rep > refresh) {
          s.rep = 0;
          s.i++;
        }
        this.at(this.periodCycles(), "value");
        return;
      }
      this.event(E_SEQEND(s.n), "SEQEND" + s.n);
      if (this.shorts(s.n)) return this.task(T_STOP);
      if (s.loops > 0 && s.n === 0) return this.load(1, s.loops);
      if (s.loops > 0 && s.n === 1 && s.loops > 1) return this.load(0, s.loops - 1);
      if (s.loops > 0) {
        this.event(E_LOOPSDONE, "LOOPSDONE");
        if (this.shorts(SH_LOOPSDONE_STOP)) return this.task(T_STOP);
        if (this.shorts(SH_LOOPSDONE_SEQSTART0)) return this.load(0, this.reg(LOOP));
        if (this.shorts(3)) return this.load(1, this.reg(LOOP));
      }
      this.playing = false; // the last value stays on the pins; no more reads
    } else if (what === "stopped") this.stopped(E_STOPPED, "STOPPED");
    else if (what === "stopped+restart") {
      this.stopped(E_STOPPED, "STOPPED");
      this.event(E_LOOPSDONE, "LOOPSDONE");
      this.load(this.shorts(2) ? 0 : 1, this.reg(LOOP));
    }
  }
}
