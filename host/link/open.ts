// Open a link from CLI-style options: a serial port, a TCP address, or an in-process virtual board.
import { createVirtualBoard, type VirtualBoard } from "../virtual-board/index";
import type { CoreBoard } from "../virtual-board/board";
import { findBoard } from "../../boards/index";
import { ReplClient, ReplClientOptions } from "./repl-client";
import { LinkError, Transport } from "./transport";
import { StreamTransport, serialTransport, tcpTransport } from "./stream-transport";
import { findEspruino, listPorts } from "./ports";

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
  /** Storage files a virtual board created for the target starts with (runSuite: the
   * driver and agent the first scenario wrote, as a real board keeps them across resets). */
  storage?: Record<string, Uint8Array>;
  /** A transport made elsewhere (the browser's Web Serial, WebUSB, Web Bluetooth): a real board. */
  transport?: Transport;
  client?: ReplClientOptions;
}

export interface OpenedLink {
  client: ReplClient;
  transport: Transport;
  /** The in-process virtual board, when the target is one. */
  vb?: CoreBoard;
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
  if (t.transport) {
    transport = t.transport;
  } else if (t.port && /^tcp:\/\//.test(t.port)) {
    var a = parseTcp(t.port);
    if (!a) throw new LinkError("Bad TCP address " + JSON.stringify(t.port) + ": write tcp://HOST:PORT", "EINVAL");
    transport = tcpTransport(a.host, a.port);
  } else if (t.port) {
    // --port auto: the one attached Espruino, by USB ID.
    var path = t.port === "auto" ? await findEspruino(() => listPorts(t.binding)) : t.port;
    transport = serialTransport(path, t.baud, t.binding);
  } else {
    if (!vb) {
      var name = t.virtual ?? "pico";
      if (!findBoard(name)) throw new LinkError("Unknown board " + JSON.stringify(name) + ": use one of pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2 (see `espdma boards`).", "EBOARD");
      vb = createVirtualBoard({ board: name, seed: t.seed, schedule: t.schedule, storage: t.storage });
    }
    var board = vb;
    transport = new StreamTransport("virtual " + board.board.name, () => board.stream());
  }
  if (t.port && /^tcp:\/\//.test(t.port)) {
    try {
      await transport.open();
    } catch (e: any) {
      throw tcpError(e, t.port);
    }
  } else await transport.open();
  var client = new ReplClient(transport, t.client);
  return {
    client, transport, vb,
    close: async () => { await client.close(); if (vb && !t.board) vb.close(); },
  };
}

/** What a failed TCP connect means, in the user's terms: a name that does not resolve is not
 * a sim to start. */
function tcpError(e: any, url: string): any {
  var a = parseTcp(url)!;
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/.test(e && e.code)) {
    return new LinkError("Cannot resolve the host " + JSON.stringify(a.host) + " of " + url + " (" + e.code + "): check the name, or give an IP address (tcp://127.0.0.1:" + a.port + " for `espdma sim` on this machine).", e.code);
  }
  if (e && e.code === "ECONNREFUSED") {
    return new LinkError("Cannot connect to " + url + ": nothing listens there (ECONNREFUSED). Start a virtual board there with `espdma sim --virtual pico --tcp " + a.host + ":" + a.port + "`, or check the address of your serial-to-TCP bridge.", "ECONNREFUSED");
  }
  return e;
}
