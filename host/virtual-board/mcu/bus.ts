// The address table: which model answers which address. Peripherals sit on 1 KB pages
// (every STM32 peripheral we model is 1 KB aligned, RM0090 2.3 / RM0008 3.3 memory maps), so
// lookup is one Map probe per access.
import type { BusFault } from "../contract";

/** A memory-mapped peripheral model, after rp2040js: offsets are from its base. */
export interface Peripheral {
  readonly name: string;
  readonly base: number;
  /** Size of its register window in bytes (multiple of 1 KB). */
  readonly size: number;
  read32(offset: number): number;
  write32(offset: number, value: number): void;
  /** false while its RCC clock is off: then it does not respond (see Rcc). */
  clocked(): boolean;
  /** Registers the manual says must be accessed by words: a byte or half-word store is
   * ignored (and traced), a narrow load returns its byte lane. */
  readonly wordOnly?: boolean;
}

export class BusFaultError extends Error implements BusFault {
  readonly code = "BUS_FAULT" as const;
  constructor(public addr: number, message: string) {
    super(message);
    this.name = "BusFault";
  }
}

export function isBusFault(e: unknown): e is BusFault {
  return !!e && typeof e === "object" && (e as BusFault).code === "BUS_FAULT";
}

export function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16).padStart(8, "0");
}

export class AddressMap {
  private pages = new Map<number, Peripheral>();
  readonly peripherals: Peripheral[] = [];
  add(p: Peripheral): void {
    for (var a = p.base; a < p.base + p.size; a += 0x400) {
      var page = a >>> 10;
      var old = this.pages.get(page);
      if (old) throw new Error(p.name + " overlaps " + old.name + " at " + hex(a));
      this.pages.set(page, p);
    }
    this.peripherals.push(p);
  }
  find(addr: number): Peripheral | undefined {
    return this.pages.get(addr >>> 10);
  }
  byName(name: string): Peripheral | undefined {
    for (var i = 0; i < this.peripherals.length; i++) if (this.peripherals[i].name === name) return this.peripherals[i];
    return undefined;
  }
}

/** Cortex-M peripheral space (0x40000000-0x5FFFFFFF): addresses we do not model there answer
 * 0 and ignore writes (reported in the trace) instead of faulting, because real firmware
 * touches many peripherals we have no model for. */
export function inPeripheralSpace(addr: number): boolean {
  return addr >= 0x40000000 && addr < 0x60000000;
}
