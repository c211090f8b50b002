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
}

const APB1_START = 0x40000000, APB1_END = 0x40008000;

export class DmaBus {
  private flashBase: number;
  private flashEnd: number;
  constructor(board: BoardDef, private mem: Memory, private map: AddressMap, private trace: Trace) {
    this.flashBase = board.flash.base;
    this.flashEnd = board.flash.base + board.flash.size;
  }

  /** The live heap block containing addr (its id), 0 if none. */
  ownerAt(addr: number): number {
    return this.mem.ownerAt(addr);
  }

  read(m: DmaMaster, periphPort: boolean, addr: number, size: number): number {
    addr = addr >>> 0;
    if (periphPort && m.periphApb1Only && !(addr >= APB1_START && addr + size <= APB1_END)) return -1;
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
    if (periphPort && m.periphApb1Only && !(addr >= APB1_START && addr + size <= APB1_END)) return false;
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
