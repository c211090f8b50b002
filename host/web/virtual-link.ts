// The page's in-page virtual board: a CoreBoard (host/virtual-board/board.ts) whose REPL is
// reached through a Transport that hands bytes to it directly (no Node stream), and the
// OpenedLink the runner, the terminal and flash use.
import { createCoreBoard, CoreBoard } from "../virtual-board/board";
import type { Repl } from "../virtual-board/repl/repl";
import { findBoard } from "../../boards/index";
import { LinkError, Listeners, Transport, latin1Bytes } from "../link/transport";
import { ReplClient } from "../link/repl-client";
import type { LinkTarget, OpenedLink } from "../link/open";

/** Bytes to the board's REPL, what it prints back: as the Node in-process Duplex does. */
export class ReplTransport implements Transport {
  private data = new Listeners<(b: Uint8Array) => void>();
  private closed = new Listeners<(err?: Error) => void>();
  private off: (() => void) | null = null;
  constructor(readonly description: string, private repl: Repl) {}
  async open(): Promise<void> {
    if (this.off) return;
    this.off = this.repl.onOutput((b) => this.data.emit(b.slice()));
  }
  write(d: Uint8Array | string): Promise<void> {
    if (!this.off) return Promise.reject(new LinkError("Cannot write to " + this.description + ": the link is closed", "ECLOSED"));
    this.repl.receive(typeof d === "string" ? latin1Bytes(d) : d);
    return Promise.resolve();
  }
  onData(fn: (b: Uint8Array) => void): () => void { return this.data.add(fn); }
  onClose(fn: (err?: Error) => void): () => void { return this.closed.add(fn); }
  async close(): Promise<void> {
    if (!this.off) return;
    this.off();
    this.off = null;
    this.closed.emit();
  }
}

/** A virtual board created for the target, or the one given (target.board). */
export async function openVirtualLink(t: LinkTarget, given?: CoreBoard): Promise<OpenedLink> {
  var vb = given;
  if (!vb) {
    var name = t.virtual ?? "pico";
    if (!findBoard(name)) throw new LinkError("Unknown board " + JSON.stringify(name) + ": use one of pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2.", "EBOARD");
    vb = createCoreBoard({ board: name, seed: t.seed, schedule: t.schedule, storage: t.storage });
  }
  var board = vb;
  var transport = new ReplTransport("virtual " + board.board.name, board.repl);
  await transport.open();
  var client = new ReplClient(transport, t.client);
  return { client, transport, vb: board, close: async () => { await client.close(); if (!given) board.close(); } };
}
