// The worker side of worker-board.ts: a virtual board whose REPL talks to the parent thread by
// messages ({t:"in"} bytes in, {t:"out"} bytes out), with the parent's Ctrl-C control block as
// the runtime's interrupt source.
import { parentPort, workerData } from "node:worker_threads";
import { createVirtualBoard, VirtualBoard } from "../index";

export interface BoardThreadData {
  entry: string;
  board: string;
  seed?: number;
  schedule?: "normal" | "adversarial";
  bundle?: string;
  clock?: "simulated" | "realtime";
  interrupt: SharedArrayBuffer;
}

export function runBoardThread(): void {
  var port = parentPort!, d = workerData as BoardThreadData;
  var vb: VirtualBoard;
  try {
    vb = createVirtualBoard({ board: d.board, seed: d.seed, schedule: d.schedule, bundle: d.bundle, clock: d.clock });
  } catch (e: any) {
    port.postMessage({ t: "error", message: e && e.message ? e.message : String(e) });
    return;
  }
  vb.runtime.setInterruptSource(new Int32Array(d.interrupt));
  vb.repl.onOutput((b) => port.postMessage({ t: "out", d: b }));
  port.on("message", (m: any) => {
    if (m.t === "in") vb.repl.receive(Buffer.from(m.d));
    else if (m.t === "idle") vb.repl.settle(0).then(() => port.postMessage({ t: "idle", id: m.id }));
    else if (m.t === "close") { vb.close(); port.close(); }
  });
  port.postMessage({ t: "ready", name: vb.board.name });
}
