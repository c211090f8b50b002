// Ctrl-C from the thread that reads the console to a board that runs on another thread (plain
// ESM, so the TCP worker can import it without a TypeScript loader). The control block is an
// Int32Array on a SharedArrayBuffer:
//   [0] a Ctrl-C is pending: the runtime polls it at every peek/poke/getTime, and the REPL
//       clears it when it reaches the byte while idle;
//   [1] the board is running sandbox code (the runtime raises it around each run);
//   [2] SIGINTs sent by raiseCtrlC that no running code has taken yet.
// A loop that touches nothing never polls [0]. If the Ctrl-C is still pending after graceMs
// and code is still running, the process sends itself SIGINT: the runtime runs code with
// vm's breakOnSigint, so that stops it ("Execution Interrupted"). Espruino stops code a
// SysTick or two (0.2 to 0.4 s on an 84 MHz STM32) after the Ctrl-C (jsparse.h, EXEC_CTRL_C).

/** Words in a control block. */
export const BLOCK_WORDS = 3;
/** How long a Ctrl-C may stay unanswered before SIGINT is used (ms). */
export const GRACE_MS = 250;

/** @param {Int32Array} block @param {number} [graceMs] */
export function raiseCtrlC(block, graceMs = GRACE_MS) {
  Atomics.store(block, 0, 1);
  const t = setTimeout(() => {
    if (Atomics.load(block, 0) === 1 && Atomics.load(block, 1) === 1) {
      Atomics.add(block, 2, 1);
      process.kill(process.pid, "SIGINT");
    }
  }, graceMs);
  if (t.unref) t.unref();
}
