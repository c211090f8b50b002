// Entry of the worker thread that runs a virtual board (worker-board.ts). Plain ESM: it loads
// the board's TypeScript through tsx when the host runs from source (a worker does not inherit
// the loader of its parent).
import { workerData } from "node:worker_threads";

if (/\.ts$/.test(workerData.entry)) {
  const { register } = await import("tsx/esm/api");
  register();
}
const m = await import(workerData.entry);
m.runBoardThread();
