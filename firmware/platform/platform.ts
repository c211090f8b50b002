// The platform layer: the only code that touches the board. Everything else in the firmware
// reaches registers, buffer addresses, timers and the clock through a Platform, so that a test
// can substitute it and so that the same bundle runs on a board and on the virtual board.

export interface Platform {
  /** Read a 32-bit word (Espruino peek32: on a board a word with bit 31 set may read
   * negative, so callers take `>>> 0`). */
  peek32(addr: number): number;
  /** Write a 32-bit word (Espruino poke32). */
  poke32(addr: number, value: number): void;
  /** Address of a flat buffer's data, 0 if the data is not flat (Espruino E.getAddressOf(x, true)). */
  addressOf(buf: any): number;
  setTimeout(fn: () => void, ms: number): any;
  /** Optional: a repeating timer (Espruino setInterval); clearTimeout() clears it. Without it,
   * a steady poll re-arms a timeout each time (one timer allocation per poll). */
  setInterval?(fn: () => void, ms: number): any;
  clearTimeout(id: any): void;
  /** Milliseconds, monotonic enough for timeouts (Espruino getTime() * 1000). */
  now(): number;
  /** Report an error thrown by user code (a callback) the way the board reports uncaught errors. */
  report(err: any): void;
  /** Print a warning line. */
  warn(msg: string): void;
  /** The board's name as Espruino reports it (process.env.BOARD), or "" when unknown. */
  boardName(): string;
  /** Optional: n bytes of flat, DMA-reachable memory, 4-byte aligned, as an object with
   * `byteLength` n and indexable bytes (a Uint8Array, or what the engine has). Without it the
   * core uses `new Uint8Array(n)`: an engine without typed arrays (JerryScript es5.1, mujs)
   * supplies its buffers here, as an embedding would. Throws (ENOMEM) when there is no room. */
  alloc?(n: number): any;
  /** Optional: the core says whether any transfer may touch memory now (a descriptor is active
   * or terminated but not yet synchronized). The Espruino platform uses it to refuse heap moves
   * (E.defrag, E.toFlatString) while DMA owns a buffer. Called only when the state changes. */
  inFlight?(busy: boolean): void;
}
