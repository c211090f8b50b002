// Argument checks for the client API. Each failure is a DmaError whose message says what to do.
// Messages are short on purpose: the bundle's source stays in the board's RAM (one variable
// block per 12 characters on Espruino), so every character of text costs the user memory.
// The checks take the channel (its provider `_p`, provider channel `_pc`, platform `_f`):
// one argument instead of three at every call site.
import { fail, inval } from "./errors";

export function isWholePositive(n: any): boolean {
  return typeof n === "number" && n > 0 && n % 1 === 0;
}

/** The callback option: a function or absent. */
export function callbackOf(opts: any): ((r: any) => void) | null {
  var cb = opts == null ? null : typeof opts === "object" ? opts.callback : 0;
  if (cb != null && typeof cb !== "function") inval("pass options {callback: function (r) {..}}");
  return cb || null;
}

/** A transfer length: whole, > 0, within one segment of the hardware, whole items. */
export function checkLen(c: any, len: any, width: number, what: string): void {
  var max = c._p.maxSegmentLen(c._pc, width);
  if (!isWholePositive(len) || len % width) inval(what + " len " + len + ": use whole " + width + "-byte items");
  if (len > max) fail("E2BIG", what + " len " + len + " > " + max + ": split it, or use wider items");
}

/** A buffer the hardware will access: a typed array (or view), flat, reachable, aligned, long
 * enough. Returns the address of its first byte. */
export function checkBuffer(c: any, buf: any, len: number, width: number, what: string): number {
  // (only typed arrays and views have a byteLength: strings and plain arrays fail here)
  if (!(buf && buf.byteLength >= len)) inval(what + ": use espdma.alloc(" + len + ") or a bigger one");
  var addr = c._f.addressOf(buf);
  // Not flat (0) or out of the controller's reach (CCM, flash): the hardware cannot use it.
  if (!addr || !c._p.reachable(addr, len)) fail("EFAULT", what + " not flat/DMA-reachable: use espdma.alloc()");
  if (addr % width) inval(what + ": align to " + width + " bytes");
  return addr;
}

/** One segment of a slave transfer: its length and buffer checked. */
export function segment(c: any, buf: any, len: any, width: number, what: string): { addr: number; len: number } {
  checkLen(c, len, width, what);
  return { addr: checkBuffer(c, buf, len, width, what), len: len };
}

/** A data width from a slave config: 1, 2 or 4 bytes, or absent. */
export function checkWidth(w: any): void {
  if (w !== undefined && w !== 1 && w !== 2 && w !== 4) inval("width " + w + ": use 1, 2 or 4");
}
