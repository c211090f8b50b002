// What a DMA controller's master ports can reach, and what happens when they touch memory.
// - SRAM on the bus matrix: yes; every write is checked against the live heap blocks: a write
//   outside them, or into a block other than the one the transfer started in, is a Violation
//   (the write itself still happens, as on the chip).
// - CCM RAM (F407): no path from either DMA (RM0090 2.3.1 and figure 1): a bus error.
// - F4 DMA1's peripheral port is wired to APB1 only, not to the bus matrix (RM0090 figure 1,
//   AN4031 2.1): anything else on that port is a bus error (this is also why DMA1 cannot do
//   memory-to-memory, RM0090 10.3.6).
// - Flash: readable; a DMA write to flash is treated as a bus error (simplification: on the chip
//   a plain write to locked flash is refused with a flash error and a bus error).
// - Peripherals: through their models (byte lanes of the 32-bit register); unmodelled
//   peripheral space reads 0 and ignores writes (reported); anything else is a bus error.
// Reads return -1 on a bus error, writes return false.
import type { BoardDef } from "../../../boards/types";
import type { AddressMap } from "./bus";
import { inPeripheralSpace } from "./bus";
import type { Memory } from "./memory";
import type { Trace } from "./trace";

export interface DmaMaster {
  /** "DMA1" / "DMA2" */
  readonly name: string;
  /** F4 DMA1: the peripheral port reaches APB1 only. */
  readonly periphApb1Only: boolean;
  /** F1: a byte or half-word write reaches an APB peripheral as a word with the data on every
   * lane (RM0008 13.3.4, RM0041 9.3.4). */
  readonly replicatesNarrowWrites?: boolean;
}

const APB1_START = 0x40000000, APB1_END = 0x40008000;
/** F1 APB1 + APB2 (RM0008 3.3 table 3): 0x40000000-0x40017FFF; AHB starts at 0x40018000 (SDIO). */
const F1_APB_END = 0x40018000;

export class DmaBus {
  private flashBase: number;
  private flashEnd: number;
  /** F405/F407: DMA1's memory port has no path to the AHB1/APB peripherals (RM0090 figure 1,
   * bus matrix; AN4031 2.1): there it gets a bus error. */
  private dma1MemNoPeriph: boolean;
  constructor(board: BoardDef, private mem: Memory, private map: AddressMap, private trace: Trace, private now: () => number) {
    this.flashBase = board.flash.base;
    this.flashEnd = board.flash.base + board.flash.size;
    this.dma1MemNoPeriph = /^STM32F40[57]/.test(board.mcu);
  }

  private blocked(m: DmaMaster, periphPort: boolean, addr: number, size: number): boolean {
    if (periphPort) return m.periphApb1Only && !(addr >= APB1_START && addr + size <= APB1_END);
    return this.dma1MemNoPeriph && m.name === "DMA1" && inPeripheralSpace(addr);
  }

  /** The live heap block containing addr (its id), 0 if none. */
  ownerAt(addr: number): number {
    return this.mem.ownerAt(addr);
  }

  /** A configuration the manual leaves undefined, met by a model: recorded as a violation
   * (kind `dma_undefined`), the model then goes on as described where it is. */
  undefinedConfig(source: string, addr: number, detail: string): void {
    this.mem.record({ cycle: this.now(), source: source, addr: addr >>> 0, kind: "dma_undefined", detail: detail });
    this.trace.push("dma_undefined", { source: source, detail: detail });
  }

  read(m: DmaMaster, periphPort: boolean, addr: number, size: number): number {
    addr = addr >>> 0;
    if (this.blocked(m, periphPort, addr, size)) return -1;
    var r = this.mem.regionAt(addr);
    if (r) {
      if (!r.def.dma || !r.contains(addr + size - 1)) return -1;
      return this.mem.read(r, addr, size);
    }
    var p = this.map.find(addr);
    if (p) {
      if (!p.clocked()) return 0;
      var off = addr - p.base, sh = (off & 3) * 8;
      var w = p.read32(off & ~3);
      return size === 4 ? w >>> 0 : (w >>> sh) & (size === 1 ? 0xff : 0xffff);
    }
    if (addr >= this.flashBase && addr + size <= this.flashEnd) return size === 4 ? 0xffffffff : size === 1 ? 0xff : 0xffff;
    if (inPeripheralSpace(addr)) {
      this.trace.push("unmodelled", { master: m.name, addr: addr, op: "r" });
      return 0;
    }
    return -1;
  }

  /** `owner`: id of the heap block the transfer's destination started in (0: unknown). */
  write(m: DmaMaster, periphPort: boolean, addr: number, size: number, value: number, source: string, owner: number): boolean {
    addr = addr >>> 0;
    if (this.blocked(m, periphPort, addr, size)) return false;
    var r = this.mem.regionAt(addr);
    if (r) {
      if (!r.def.dma || !r.contains(addr + size - 1)) return false;
      this.mem.dmaWrite(r, addr, size, value, owner, source);
      return true;
    }
    var p = this.map.find(addr);
    if (p) {
      if (!p.clocked()) return true; // an unclocked peripheral ignores the write
      var off = addr - p.base;
      if (size < 4 && m.replicatesNarrowWrites && addr < F1_APB_END) {
        // "Addressing an AHB peripheral that does not support byte or halfword write
        // operations" (RM0008 13.3.4, RM0041 9.3.4): the DMA puts the byte (half-word) on every
        // lane of HWDATA, and the AHB/APB bridge turns any narrow write into a 32-bit APB write
        // of that bus word at the word address: 0xB0 to offset 1 -> 0xB0B0B0B0 to offset 0.
        // Every F1 APB peripheral sees it so; the manual names the bridge, not single
        // peripherals. GPIO (RM0008 9.2: "must be accessed as 32-bit words") is where it bites:
        // a byte to ODR also drives pins 8-15, a byte to BSRR also sets pins n+8.
        var rep = size === 1 ? (value & 0xff) * 0x01010101 : (value & 0xffff) * 0x10001;
        this.trace.push("byte_lanes_replicated", { master: m.name, addr: addr, size: size, value: value >>> 0, word: rep >>> 0 });
        p.write32(off & ~3, rep >>> 0);
        return true;
      }
      if (size === 4) p.write32(off, value >>> 0);
      else {
        var sh = (off & 3) * 8, mask = size === 1 ? 0xff : 0xffff;
        var cur = p.read32(off & ~3);
        p.write32(off & ~3, ((cur & ~(mask << sh)) | ((value & mask) << sh)) >>> 0);
      }
      return true;
    }
    if (inPeripheralSpace(addr)) {
      this.trace.push("unmodelled", { master: m.name, addr: addr, op: "w", value: value >>> 0 });
      return true;
    }
    return false;
  }
}
