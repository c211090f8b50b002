// "Soon, after what is already due": setImmediate in Node; in a page a MessageChannel message
// (setTimeout(0) there is clamped to 4 ms once nested, which would make every REPL turn slow).
export function soon(fn: () => void): void {
  if (typeof setImmediate === "function") { setImmediate(fn); return; }
  var ch = new MessageChannel();
  ch.port1.onmessage = () => { ch.port1.close(); fn(); };
  ch.port2.postMessage(0);
}

/** A promise of the next turn (see soon). */
export function nextTurn(): Promise<void> {
  return new Promise((r) => soon(r));
}
