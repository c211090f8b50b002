// What the three browser transports share: strings as the bytes Espruino sees (one byte per
// character), listener lists, the name of a DOMException (the browser APIs' errors say what
// went wrong by name: NotFoundError, NetworkError...), and a bounded wait.
import { LinkError } from "../../link/transport";
import type { Transport } from "../../link/transport";

/** What a Transport hands its listeners (Uint8Array; Buffer in Node's older interface). */
export type Received = Parameters<Parameters<Transport["onData"]>[0]>[0];

/** A copy the caller owns, on a plain ArrayBuffer (what the browser APIs take). */
export function toBytes(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  if (typeof data !== "string") return new Uint8Array(data);
  var b = new Uint8Array(data.length);
  for (var i = 0; i < data.length; i++) b[i] = data.charCodeAt(i) & 0xff;
  return b;
}

export class Listeners<T extends (...a: any[]) => void> {
  private fns: T[] = [];
  add(fn: T): () => void {
    this.fns.push(fn);
    return () => { this.fns = this.fns.filter((f) => f !== fn); };
  }
  emit(...a: Parameters<T>): void {
    for (const f of this.fns.slice()) f(...a);
  }
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
