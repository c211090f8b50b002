// STM32F1 channel DMA controller (RM0008 section 13): ISR/IFCR and, per channel x (1..7),
// CCRx/CNDTRx/CPARx/CMARx at 0x08 + 0x14*(x-1). Modelled from the manual, not our driver.
import type { DmaInstance } from "../../../boards/types";
import type { ModelContext } from "./context";
import type { DmaBus, DmaMaster } from "./dma-bus";
import type { DmaEngine, DmaTiming } from "./dma-engine";
import { changeFlags, FlagNames } from "./flags";
import { arbitrate } from "./arbiter";

export const ISR = 0x00, IFCR = 0x04;
export const CCR = (x: number) => 0x08 + 0x14 * (x - 1);
export const CNDTR = (x: number) => 0x0c + 0x14 * (x - 1);
export const CPAR = (x: number) => 0x10 + 0x14 * (x - 1);
export const CMAR = (x: number) => 0x14 + 0x14 * (x - 1);

// CCRx fields (RM0008 13.4.3)
export const CCR_EN = 1 << 0, CCR_TCIE = 1 << 1, CCR_HTIE = 1 << 2, CCR_TEIE = 1 << 3, CCR_DIR = 1 << 4;
export const CCR_CIRC = 1 << 5, CCR_PINC = 1 << 6, CCR_MINC = 1 << 7, CCR_PSIZE_SHIFT = 8, CCR_MSIZE_SHIFT = 10;
export const CCR_PL_SHIFT = 12, CCR_MEM2MEM = 1 << 14;

// Flags of channel x at bits 4*(x-1) (RM0008 13.4.1).
export const GIF = 1, TCIF = 2, HTIF = 4, TEIF = 8;
const FLAG_NAMES: FlagNames = [[GIF, "GIF"], [TCIF, "TCIF"], [HTIF, "HTIF"], [TEIF, "TEIF"]];
const SIZES = [1, 2, 4, 4];

class Channel {
  ccr = 0;
  cndtr = 0;
  cndtrProgrammed = 0;
  cpar = 0;
  cmar = 0;
  flags = 0;
  pending = 0;
  done = 0;
  total = 0;
  htDone = false;
  pPtr = 0;
  mPtr = 0;
  /** Heap block id the destination started in (see Memory.dmaWrite). */
  owner = 0;
  constructor(readonly number: number, readonly label: string) {}
  get enabled(): boolean {
    return (this.ccr & CCR_EN) !== 0;
  }
  get m2m(): boolean {
    return (this.ccr & CCR_MEM2MEM) !== 0;
  }
  hasWork(): boolean {
    // "If CNDTR is zero, no transaction can be served whether the channel is enabled or not" (13.4.4).
    return this.enabled && this.cndtr > 0 && (this.m2m || this.pending > 0);
  }
  priority(): number {
    return (this.ccr >>> CCR_PL_SHIFT) & 3;
  }
}

export class ChannelDma implements DmaEngine, DmaMaster {
  readonly name: string;
  readonly base: number;
  readonly size = 0x400;
  readonly periphApb1Only = false;
  /** RM0008 13.3.4: narrow writes to APB peripherals arrive on every byte lane (see DmaBus). */
  readonly replicatesNarrowWrites = true;
  readyAt = 0;
  /** channels[0] is channel 1, as the manual numbers them. */
  readonly channels: Channel[] = [];
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
    this.reset();
  }

  reset(): void {
    this.channels.length = 0;
    for (var i = 1; i <= this.def.count; i++) this.channels.push(new Channel(i, this.def.name + " channel " + i));
  }

  /** RCC AHBENR.DMAxEN (RM0008 7.3.6): with the clock off the controller does not respond. */
  clocked(): boolean {
    return this.ctx.clockEnabled(this.rccEnr, this.def.rccBit);
  }

  read32(off: number): number {
    if (off === ISR) {
      var v = 0;
      for (var i = 0; i < this.channels.length; i++) v |= this.channels[i].flags << (4 * i);
      return v >>> 0;
    }
    if (off === IFCR) return 0;
    var c = this.channelOf(off);
    if (!c) return this.unmodelled(off, "r", 0);
    switch ((off - 0x08) % 0x14) {
      case 0x00: return c.ccr;
      case 0x04: return c.cndtr;
      case 0x08: return c.cpar >>> 0;
      default: return c.cmar >>> 0;
    }
  }

  write32(off: number, value: number): void {
    value = value >>> 0;
    if (off === ISR) {
      this.ctx.trace.push("write_ignored", { periph: this.name, offset: off, value: value, why: "read-only (RM0008 13.4.1)" });
      return;
    }
    if (off === IFCR) {
      // Write 1 to clear; CGIF clears all four flags of the channel (RM0008 13.4.2).
      for (var i = 0; i < this.channels.length; i++) {
        var f = (value >>> (4 * i)) & 0xf;
        if (f & GIF) f = 0xf;
        this.clearFlags(this.channels[i], f);
      }
      return;
    }
    var c = this.channelOf(off);
    if (!c) {
      this.unmodelled(off, "w", value);
      return;
    }
    var r = (off - 0x08) % 0x14;
    if (r === 0) return this.writeCcr(c, value & 0x7fff);
    if (c.enabled) {
      // CNDTR is read-only while the channel is enabled; CPAR/CMAR must not be written then
      // (RM0008 13.4.4-13.4.6): the model ignores such writes and reports them.
      this.ctx.trace.push("write_ignored", { source: c.label, offset: off, value: value, why: "EN=1" });
      return;
    }
    if (r === 0x04) c.cndtr = c.cndtrProgrammed = value & 0xffff;
    else if (r === 0x08) c.cpar = value;
    else c.cmar = value;
  }

  private channelOf(off: number): Channel | undefined {
    if (off < 0x08) return undefined;
    return this.channels[Math.floor((off - 0x08) / 0x14)];
  }

  private unmodelled(off: number, op: string, value: number): number {
    this.ctx.trace.push("unmodelled", { periph: this.name, offset: off, op: op, value: value });
    return 0;
  }

  private writeCcr(c: Channel, value: number): void {
    var was = c.enabled;
    // CCR bits other than EN are not write-protected on the F1 (RM0008 13.4.3); the model
    // latches the transfer geometry at enable and reads the rest live.
    c.ccr = value;
    if (!was && c.enabled) {
      c.pPtr = c.cpar;
      c.mPtr = c.cmar;
      c.owner = this.bus.ownerAt((c.ccr & CCR_DIR) ? c.cpar : c.cmar);
      c.total = c.cndtr;
      c.done = 0;
      c.htDone = false;
      c.pending = 0;
      this.ctx.trace.push("en", { source: c.label, value: 1, ndtr: c.cndtr });
      if (c.hasWork()) this.wake();
    } else if (was && !c.enabled) {
      // Disabling takes effect at once. Checked against RM0008 13.4.3: EN "is set and cleared
      // by software" and reads back as written; unlike the F4's SxCR.EN (RM0090 10.5.5) there
      // is no "reads 1 until the current transfer has stopped". A transaction (load, store,
      // CNDTR decrement, RM0008 13.3.1) is atomic in the model, so none is half done here.
      // No flag is set: TCIF only at the end of the transfer (RM0008 13.3.5, 13.4.1).
      c.pending = 0;
      this.ctx.trace.push("en", { source: c.label, value: 0, ndtr: c.cndtr, why: "disabled" });
    }
  }

  private setFlags(c: Channel, f: number): void {
    f |= GIF; // GIF is set with any of TE, HT, TC (RM0008 13.4.1)
    changeFlags(this.ctx.trace, FLAG_NAMES, c, f, 1);
  }

  private clearFlags(c: Channel, f: number): void {
    changeFlags(this.ctx.trace, FLAG_NAMES, c, f, 0);
  }

  wants(channel: number, _sel: number | undefined): boolean {
    var c = this.channels[channel - 1];
    return !!c && c.enabled && !c.m2m && this.clocked();
  }

  request(channel: number, _sel: number | undefined): void {
    if (!this.wants(channel, _sel)) return;
    var c = this.channels[channel - 1];
    // Requests of the peripherals mapped to a channel are ORed (RM0008 13.3.7); a request
    // arriving while one is pending is merged with it (no error flag exists on the F1).
    if (c.pending === 0) {
      c.pending = 1;
      this.wake();
    }
  }

  private wake(): void {
    var t = this.ctx.now() + this.timing.latencyCycles;
    if (this.readyAt < t) this.readyAt = t;
  }

  hasWork(): boolean {
    if (!this.clocked()) return false;
    for (var i = 0; i < this.channels.length; i++) if (this.channels[i].hasWork()) return true;
    return false;
  }

  /** Highest software priority, then the lower channel number (RM0008 13.3.2 arbiter). */
  private pick(): Channel | undefined {
    return arbitrate(this.channels, (c) => c.hasWork());
  }

  step(): boolean {
    if (!this.clocked()) return false;
    var c = this.pick();
    if (!c) return false;
    this.readyAt = this.ctx.now() + this.timing.itemCycles;
    if (!c.m2m) c.pending = 0;
    this.item(c);
    return true;
  }

  serveRequests(): void {
    if (!this.clocked()) return;
    for (var c = this.pickRequested(); c; c = this.pickRequested()) {
      c.pending = 0;
      this.item(c);
    }
  }

  private pickRequested(): Channel | undefined {
    return arbitrate(this.channels, (c) => !c.m2m && c.pending > 0 && c.hasWork());
  }


  /** One item: read at the source width, write at the destination width, the value
   * truncated or zero-extended (RM0008 13.3.4, table 76). */
  private item(c: Channel): void {
    var psize = SIZES[(c.ccr >>> CCR_PSIZE_SHIFT) & 3], msize = SIZES[(c.ccr >>> CCR_MSIZE_SHIFT) & 3];
    var fromMem = (c.ccr & CCR_DIR) !== 0;
    var src = fromMem ? c.mPtr : c.pPtr, dst = fromMem ? c.pPtr : c.mPtr;
    var ssize = fromMem ? msize : psize, dsize = fromMem ? psize : msize;
    var v = this.bus.read(this, !fromMem, src, ssize);
    if (v < 0) return this.transferError(c, src);
    if (dsize < 4) v = v & (dsize === 1 ? 0xff : 0xffff);
    if (!this.bus.write(this, fromMem, dst, dsize, v, c.label, c.owner)) return this.transferError(c, dst);
    if (this.traceItems) this.ctx.trace.push("item", { source: c.label, src: src, dst: dst, value: v });
    if (c.ccr & CCR_PINC) c.pPtr += psize;
    if (c.ccr & CCR_MINC) c.mPtr += msize;
    c.cndtr--;
    c.done++;
    if (!c.htDone && c.done * 2 >= c.total) {
      c.htDone = true;
      this.setFlags(c, HTIF);
    }
    if (c.cndtr > 0) return;
    this.setFlags(c, TCIF);
    // Circular mode reloads CNDTR and the pointers; it cannot be combined with MEM2MEM
    // (RM0008 13.3.3 "Circular mode", "Memory-to-memory mode"), so there the channel just stops. EN is not cleared by hardware
    // at the end of a transfer: it stays 1 with CNDTR at 0.
    if ((c.ccr & CCR_CIRC) && !c.m2m) {
      c.cndtr = c.total = c.cndtrProgrammed;
      c.done = 0;
      c.htDone = false;
      c.pPtr = c.cpar;
      c.mPtr = c.cmar;
    }
  }

  /** Bus error: TEIF set, the channel disabled by hardware clearing EN (RM0008 13.3.5). */
  private transferError(c: Channel, addr: number): void {
    this.ctx.trace.push("bus_error", { source: c.label, addr: addr >>> 0 });
    this.setFlags(c, TEIF);
    c.ccr &= ~CCR_EN;
    c.pending = 0;
    this.ctx.trace.push("en", { source: c.label, value: 0, ndtr: c.cndtr, why: "transfer error" });
  }
}
