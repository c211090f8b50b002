// The smallest link between a fake device and a board: bytes in, bytes out, and how much room
// the board's input buffer has (USB holds an OUT packet back while it does not fit). A
// virtual board's REPL (Node or in-page) backs it through replBridge.
export interface BoardBridge {
  /** Bytes from the host into the board's input. */
  toBoard(bytes: Uint8Array): void;
  /** Everything the board prints on this console; returns an unsubscribe function. */
  onOutput(fn: (bytes: Uint8Array) => void): () => void;
  /** Free bytes in the board's input buffer. */
  inputSpace(): number;
}

/** What replBridge needs of a virtual board's REPL (host/virtual-board/repl/repl.ts). */
export interface ReplLike {
  receive(data: Uint8Array): void;
  onOutput(fn: (bytes: Uint8Array) => void): () => void;
  buffered(): number;
  readonly size: number;
}

export function replBridge(repl: ReplLike): BoardBridge {
  return {
    toBoard: (b) => repl.receive(b),
    onOutput: (fn) => repl.onOutput((b) => fn(new Uint8Array(b))),
    inputSpace: () => Math.max(0, repl.size - repl.buffered()),
  };
}
