// Argument checks for the client API. Each failure is a DmaError whose message says what to do.
// Messages are short on purpose: the bundle's source stays in the board's RAM (one variable
// block per 12 characters on Espruino), so every character of text costs the user memory.
import { dmaError, inval } from "./errors";
import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan } from "./provider";

export function isWholePositive(n: any): boolean {
  return typeof n === "number" && n > 0 && n === Math.floor(n);
}

/** The callback option: a function or absent. */
export function callbackOf(opts: any): ((r: any) => void) | null {
  var cb = opts == null ? null : typeof opts === "object" ? opts.callback : 0;
  if (cb != null && typeof cb !== "function") throw inval("callback must be a function");
  return cb || null;
}

/** A transfer length: whole, > 0, within one segment of the hardware, whole items. */
export function checkLen(provider: Provider, pc: ProviderChan, len: any, width: number, what: string): void {
  var max = provider.maxSegmentLen(pc, width);
  if (!isWholePositive(len) || len % width) throw inval(what + " len " + len + ": use whole " + width + "-byte items, > 0");
  if (len > max) throw dmaError("E2BIG", what + " len " + len + " > max " + max + ": split it (prepSlaveSg)");
}

/** A buffer the hardware will access: a typed array (or view), flat, reachable, aligned, long
 * enough. Returns the address of its first byte. */
export function checkBuffer(platform: Platform, provider: Provider, buf: any, len: number, width: number, what: string): number {
  if (!buf || typeof buf !== "object" || !(buf.byteLength >= len)) throw inval(what + ": need a typed array of >= " + len + " bytes");
  var addr = platform.addressOf(buf);
  // Not flat (0) or out of the controller's reach (CCM, flash): the hardware cannot use it.
  if (!addr || !provider.reachable(addr, len)) throw dmaError("EFAULT", what + " not flat/DMA-reachable: use espdma.alloc()");
  if (addr % width) throw inval(what + " not " + width + "-byte aligned");
  return addr;
}

/** A data width from a slave config: 1, 2 or 4 bytes, or absent. */
export function checkWidth(w: any): void {
  if (w !== undefined && w !== 1 && w !== 2 && w !== 4) throw inval("width " + w + ": use 1, 2 or 4");
}
