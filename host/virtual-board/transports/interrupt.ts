// Control blocks for Ctrl-C across threads (see interrupt-raise.mjs), and the process's SIGINT
// handling while one is in use: a SIGINT the process sent itself to stop busy board code is
// swallowed if that code had already ended; any other SIGINT goes to onUserInterrupt()
// handlers, or to the process's other SIGINT listeners, or, with none, ends the process as
// Node's default would (exit code 130).
import { BLOCK_WORDS, raiseCtrlC } from "./interrupt-raise.mjs";

export { raiseCtrlC };

const live = new Set<Int32Array>();
const userHandlers: (() => void)[] = [];
let guarding = false;

function onSigint(): void {
  for (const b of live) {
    if (Atomics.load(b, 2) > 0) { Atomics.sub(b, 2, 1); return; }
  }
  if (userHandlers.length) { for (const f of userHandlers.slice()) f(); return; }
  // Someone else listens (a test runner, a host program): leave it to them.
  if (process.listenerCount("SIGINT") > 1) return;
  process.exit(130);
}

function guard(): void {
  var need = live.size > 0 || userHandlers.length > 0;
  if (need && !guarding) process.on("SIGINT", onSigint);
  if (!need && guarding) process.off("SIGINT", onSigint);
  guarding = need;
}

/** A new control block, live until releaseInterruptBlock(). */
export function createInterruptBlock(): Int32Array {
  var b = new Int32Array(new SharedArrayBuffer(BLOCK_WORDS * 4));
  live.add(b);
  guard();
  return b;
}

export function releaseInterruptBlock(b: Int32Array): void {
  live.delete(b);
  guard();
}

/** Call fn on a SIGINT that is not one of ours (the user's Ctrl-C, kill -INT). */
export function onUserInterrupt(fn: () => void): () => void {
  userHandlers.push(fn);
  guard();
  return () => {
    var i = userHandlers.indexOf(fn);
    if (i >= 0) userHandlers.splice(i, 1);
    guard();
  };
}
