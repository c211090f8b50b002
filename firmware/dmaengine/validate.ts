// Argument checks for the client API. Each failure is a DmaError whose message says what to do.
import { dmaError, codes } from "./errors";
import type { Platform } from "../platform/platform";
import type { Provider, ProviderChan } from "./provider";

export function isWholePositive(n: any): boolean {
  return typeof n === "number" && n > 0 && n === Math.floor(n);
}

/** The callback option: a function or absent. */
export function callbackOf(opts: any): ((r: any) => void) | null {
  if (opts === undefined || opts === null) return null;
  if (typeof opts !== "object") throw dmaError(codes.EINVAL, "options must be an object such as { callback: function (r) {...} }");
  var cb = opts.callback;
  if (cb === undefined || cb === null) return null;
  if (typeof cb !== "function") throw dmaError(codes.EINVAL, "callback must be a function (or left out)");
  return cb;
}

/** A transfer length: whole, > 0, within one segment of the hardware. */
export function checkLen(provider: Provider, pc: ProviderChan, len: any, width: number, what: string): void {
  if (!isWholePositive(len)) throw dmaError(codes.EINVAL, what + " length must be a whole number of bytes > 0, got " + len);
  var max = provider.maxSegmentLen(pc, width);
  if (len > max) throw dmaError(codes.E2BIG, what + " length " + len + " exceeds the hardware maximum " + max + " bytes: split it (prepSlaveSg) or use a wider data width");
  if (len % width) throw dmaError(codes.EINVAL, what + " length " + len + " is not a multiple of the data width " + width + " bytes");
}

/** A buffer the hardware will access: a typed array (or view), flat, reachable, aligned, long
 * enough. Returns the address of its first byte. */
export function checkBuffer(platform: Platform, provider: Provider, buf: any, len: number, width: number, what: string): number {
  if (!buf || typeof buf !== "object" || typeof buf.byteLength !== "number") {
    throw dmaError(codes.EINVAL, what + " must be a typed array (allocate it with espdma.alloc(n))");
  }
  if (len > buf.byteLength) throw dmaError(codes.EINVAL, what + " holds " + buf.byteLength + " bytes, fewer than the " + len + " to transfer");
  var addr = platform.addressOf(buf);
  if (!addr) throw dmaError(codes.EFAULT, what + " is not flat: allocate with espdma.alloc()");
  if (!provider.reachable(addr, len)) throw dmaError(codes.EFAULT, what + " at 0x" + addr.toString(16) + " is in memory the DMA controller cannot reach: allocate with espdma.alloc()");
  if (addr % width) throw dmaError(codes.EINVAL, what + " at 0x" + addr.toString(16) + " is not aligned to the data width " + width + " bytes");
  return addr;
}

/** A data width from a slave config: 1, 2 or 4 bytes, or absent. */
export function checkWidth(w: any, what: string): void {
  if (w !== undefined && w !== 1 && w !== 2 && w !== 4) throw dmaError(codes.EINVAL, what + " must be 1, 2 or 4 bytes, got " + w);
}
