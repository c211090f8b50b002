// Open a link from CLI-style options: a serial port, a TCP address, or an in-process virtual board.
import { createVirtualBoard, VirtualBoard } from "../virtual-board/index";
import { findBoard } from "../../boards/index";
import { ReplClient, ReplClientOptions } from "./repl-client";
import { LinkError, StreamTransport, Transport, serialTransport, tcpTransport } from "./transport";

export interface LinkTarget {
  /** A serial port path (/dev/ttyACM0, COM3) or tcp://host:port. */
  port?: string;
  baud?: number;
  /** A board name for an in-process virtual board (default when no port). */
  virtual?: string;
  seed?: number;
  schedule?: "normal" | "adversarial";
  /** serialport binding to use instead of the real one (tests: MockBinding). */
  binding?: any;
  /** Use this virtual board instead of creating one. */
  board?: VirtualBoard;
  client?: ReplClientOptions;
}

export interface OpenedLink {
  client: ReplClient;
  transport: Transport;
  /** The in-process virtual board, when the target is one. */
  vb?: VirtualBoard;
  close(): Promise<void>;
}

export function parseTcp(s: string): { host: string; port: number } | null {
  var m = /^(?:tcp:\/\/)?([^:/]*):(\d+)$/.exec(s);
  if (!m) return null;
  return { host: m[1] || "127.0.0.1", port: Number(m[2]) };
}

export async function openLink(t: LinkTarget): Promise<OpenedLink> {
  var transport: Transport;
  var vb: VirtualBoard | undefined = t.board;
  if (t.port && /^tcp:\/\//.test(t.port)) {
    var a = parseTcp(t.port);
    if (!a) throw new LinkError("Bad TCP address " + JSON.stringify(t.port) + ": write tcp://HOST:PORT", "EINVAL");
    transport = tcpTransport(a.host, a.port);
  } else if (t.port) {
    transport = serialTransport(t.port, t.baud, t.binding);
  } else {
    if (!vb) {
      var name = t.virtual ?? "pico";
      if (!findBoard(name)) throw new LinkError("Unknown board " + JSON.stringify(name) + ": use one of pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2 (see `espdma boards`).", "EBOARD");
      vb = createVirtualBoard({ board: name, seed: t.seed, schedule: t.schedule });
    }
    var board = vb;
    transport = new StreamTransport("virtual " + board.board.name, () => board.stream());
  }
  await transport.open();
  var client = new ReplClient(transport, t.client);
  return {
    client, transport, vb,
    close: async () => { await client.close(); if (vb && !t.board) vb.close(); },
  };
}
