// What the three browser transports share: strings as the bytes Espruino sees (one byte per
// character), on a plain ArrayBuffer as the browser APIs take them, the name of a DOMException (the browser APIs' errors say what
// went wrong by name: NotFoundError, NetworkError...), and a bounded wait.
import { LinkError, latin1Bytes } from "../../link/transport";

export { Listeners } from "../../link/transport";

/** A copy the caller owns, on a plain ArrayBuffer (what the browser APIs take). */
export function toBytes(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return typeof data === "string" ? latin1Bytes(data) as Uint8Array<ArrayBuffer> : new Uint8Array(data);
}

export function errName(e: any): string {
  return (e && typeof e.name === "string" && e.name) || "Error";
}

export function errText(e: any): string {
  return String((e && e.message) || e);
}

/** Rejects with a LinkError (made by `late`) if `p` takes longer than `ms`: a write the device
 * never takes must fail, not hang. */
export function bounded<T>(p: Promise<T>, ms: number, late: () => LinkError): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    var t = setTimeout(() => reject(late()), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export function hex4(n: number): string {
  return ("000" + n.toString(16)).slice(-4);
}

/** Why a page cannot use navigator[api] (for the connect menu), or null when it can. */
export function missing(api: string, title: string, instead: string): string | null {
  if (typeof isSecureContext !== "undefined" && !isSecureContext) return title + " needs a secure page: open it from https or http://127.0.0.1.";
  if (typeof navigator === "undefined" || !(navigator as any)[api]) return "This browser has no " + title + ": " + instead + ".";
  return null;
}
