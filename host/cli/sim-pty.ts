// `espdma sim --pty [--link NAME]`: a virtual board on a new pseudo-terminal, which any tool
// that opens serial ports reaches as it reaches a board on /dev/ttyACM0.
import { boards, findBoard } from "../../boards/index";
import { createVirtualBoard, VirtualBoard } from "../virtual-board/index";
import { listenPty, PtyServer } from "../virtual-board/transports/pty";
import { CliError, Io, parseSeed, stdio } from "./commands";

export interface SimPtyOptions {
  board?: string;
  seed?: string | number;
  link?: string;
  /** Board timers: "realtime" (default, as a board) or "fast" (tests: simulated time jumps). */
  pace?: "fast" | "realtime";
  /** Firmware bundle source to preload, as if flashed. */
  bundle?: string;
}

export interface SimPty {
  readonly path: string;
  readonly link?: string;
  readonly pty: PtyServer;
  readonly board: VirtualBoard;
  close(): Promise<void>;
}

export async function simPtyCommand(o: SimPtyOptions, io: Io = stdio): Promise<SimPty> {
  var name = o.board ?? "pico";
  if (!findBoard(name)) throw new CliError("Unknown board " + JSON.stringify(name) + ": use one of " + boards.map((b) => b.name).join(", ") + ".");
  var seed = parseSeed(o.seed);
  var vb = createVirtualBoard({ board: name, seed, bundle: o.bundle, repl: { pace: o.pace ?? "realtime" } });
  try {
    var pty = await listenPty(vb.repl, { link: o.link });
  } catch (e: any) {
    vb.close();
    throw new CliError(e.message);
  }
  var name_ = pty.link ?? pty.path;
  io.out("virtual " + name + " on " + pty.path + (pty.link ? " (linked as " + pty.link + ")" : "") +
    " (espdma test --port " + name_ + ", or espruino --no-ble -p " + name_ + ")");
  // Say when a host comes and goes: a hang-up drops the board's output until the next open.
  var watching = true;
  (async () => {
    while (watching) {
      var c = await pty.nextChange();
      if (!watching) break;
      io.err(c === "connect" ? "espdma sim: a host opened " + name_ : "espdma sim: the host closed " + name_ + " (hang-up)");
    }
  })();
  return {
    path: pty.path, link: pty.link, pty, board: vb,
    close: async () => { watching = false; await pty.close(); vb.close(); },
  };
}
