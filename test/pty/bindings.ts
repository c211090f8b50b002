// One virtual board behind each way the host reaches a board (node-serialport's habit: one
// suite, several bindings): node-serialport's stream over @serialport/binding-mock, TCP
// (`sim --tcp`), and a pseudo-terminal (`sim --pty`) opened by serialport's native binding,
// the code `--port /dev/ttyACM0` runs.
import { createVirtualBoard, listenTcpInterruptible, MockBinding, VirtualBoard } from "../../host/virtual-board/index";
import type { ReplOptions } from "../../host/virtual-board/repl/repl";
import type { LinkTarget } from "../../host/link/open";
import { listenPty, PtyServer } from "../../host/virtual-board/transports/pty";
import { simPtyCommand } from "../../host/cli/sim-pty";
import type { Io } from "../../host/cli/commands";
import { createRequire } from "node:module";

export interface Served {
  /** What --port gets (and the binding, for the mock). */
  target: LinkTarget;
  vb: VirtualBoard;
  /** The pty, for the pty binding. */
  pty?: PtyServer;
  close(): Promise<void>;
}

export interface BindingCase {
  name: "mock" | "tcp" | "pty";
  /** A fresh board. Timers run in simulated time ("fast"), so results do not hang on the
   * machine's load; the link itself is real. */
  serve(opts?: { board?: string; repl?: ReplOptions }): Promise<Served>;
}

export const quiet: Io = { out: () => {}, err: () => {}, tty: false };

var mockNo = 0;

export const bindings: BindingCase[] = [
  {
    name: "mock",
    async serve(o = {}) {
      var vb = createVirtualBoard({ board: o.board ?? "pico", repl: o.repl });
      var path = "/dev/ttyESPDMA-mock" + mockNo++;
      var detach = vb.attachMockPort(path);
      return { target: { port: path, binding: MockBinding }, vb, close: async () => { detach(); vb.close(); } };
    },
  },
  {
    name: "tcp",
    async serve(o = {}) {
      // What serveTcp (sim --tcp) builds, with the board's REPL options given here.
      var vb = createVirtualBoard({ board: o.board ?? "pico", repl: { pace: "fast", ...o.repl } });
      var s = await listenTcpInterruptible(vb.repl, "127.0.0.1", 0);
      return { target: { port: "tcp://127.0.0.1:" + s.address.port }, vb, close: async () => { await s.close(); vb.close(); } };
    },
  },
  {
    name: "pty",
    async serve(o = {}) {
      if (o.repl) {
        // A board with its own REPL options (a small input buffer) on a pty.
        var vb = createVirtualBoard({ board: o.board ?? "pico", repl: { pace: "fast", ...o.repl } });
        var pty = await listenPty(vb.repl);
        return { target: { port: pty.path }, vb, pty, close: async () => { await pty.close(); vb.close(); } };
      }
      var s = await simPtyCommand({ board: o.board ?? "pico", pace: "fast" }, quiet);
      return { target: { port: s.path }, vb: s.board, pty: s.pty, close: () => s.close() };
    },
  },
];

/** Why the pty cases cannot run here, or "" when they can. */
export function ptyUnavailable(): string {
  if (process.platform === "win32") return "Windows has no pseudo-terminals (the pty tests run on Linux and macOS)";
  try {
    createRequire(import.meta.url)("@lydell/node-pty/requireBinary").requireBinary("pty.node");
  } catch (e: any) {
    // Only a platform without a prebuilt binary skips; a broken install here fails the tests.
    if (/does not support your platform/.test(String(e && e.message))) return "@lydell/node-pty has no prebuilt binary for " + process.platform + "-" + process.arch + ": the pty tests need one (serve with --tcp there)";
  }
  return "";
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll until pred() holds, at most ms; returns whether it did. */
export async function until(pred: () => boolean, ms = 3000): Promise<boolean> {
  var end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}
