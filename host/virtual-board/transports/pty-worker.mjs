// The board's end of a pseudo-terminal, in a worker thread (as the TCP server's sockets are):
// it keeps reading while the board's main thread runs JavaScript, so a Ctrl-C (0x03)
// interrupts that code through a shared flag, as Espruino's receive interrupt does. Plain ESM
// so the worker starts without a loader.
//
// The master is non-blocking (openpty in pty.ts); reads and writes go through node:fs and
// wait a little on EAGAIN (a poll, not an event: serialport's uv_poll addon cannot be used
// from a worker while the main thread uses it too). What a USB CDC board does, this side does:
// - baud rate and line settings are the host's termios on the slave: the master never looks;
// - a hang-up (the host closed its end; the master then reads EIO) is a disconnect: output
//   is dropped until a host opens the port again, and what the last host left unread is
//   drained, so the next one does not get stale bytes;
// - "hold" stops reading: the kernel's buffer fills and the host's writes block, as a board
//   whose input buffer stays full NAKs on USB.
import { parentPort, workerData } from "node:worker_threads";
import fs from "node:fs";
const flag = new Int32Array(workerData.interrupt);
const master = workerData.master, slavePath = workerData.path;
/** Longest wait after EAGAIN while a host has the port open (ms): the most a byte waits. */
const IDLE_POLL_MAX_MS = 20;
/** Wait before retrying a write the pty did not take (ms). */
const WRITE_RETRY_MS = 2;
/** While nobody has the port open, how often to look whether someone opened it (ms). */
const RECONNECT_POLL_MS = 50;

let connected = false, held = false, closing = false, writing = false;
const outq = [];

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function setConnected(on) {
  connected = on;
  parentPort.postMessage({ t: on ? "connect" : "hangup" });
}

async function readLoop() {
  const buf = Buffer.alloc(4096);
  let idle = 0;
  while (!closing) {
    if (held) { await sleep(RECONNECT_POLL_MS); continue; }
    let n;
    try {
      n = fs.readSync(master, buf, 0, buf.length, null);
    } catch (e) {
      if (closing) return;
      if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK" || e.code === "EINTR") {
        if (!connected) setConnected(true);
        // Nothing to read: wait, longer the longer the line stays quiet (a byte after a
        // pause waits up to IDLE_POLL_MAX_MS; a busy line is read at once).
        await sleep(Math.min(IDLE_POLL_MAX_MS, 1 + (idle++ >> 3)));
      } else if (e.code === "EIO") {
        if (connected) hangUp();
        await sleep(RECONNECT_POLL_MS);
      } else {
        parentPort.postMessage({ t: "error", message: "The pseudo-terminal failed: " + e.message, code: e.code || "EPTY" });
        return;
      }
      continue;
    }
    idle = 0;
    if (!n) continue;
    if (!connected) setConnected(true);
    const d = Buffer.from(buf.subarray(0, n));
    if (d.includes(3)) Atomics.store(flag, 0, 1);
    parentPort.postMessage({ t: "in", d });
  }
}

function hangUp() {
  setConnected(false);
  outq.length = 0;
  // The slave keeps what the last host left unread for the next one: read it out. (The
  // master sees a host for this moment, and EIO again once it is closed.)
  try {
    const fd = fs.openSync(slavePath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
    try {
      const b = Buffer.alloc(4096);
      while (fs.readSync(fd, b, 0, b.length, null) > 0);
    } catch (e) { /* EAGAIN: empty */ }
    fs.closeSync(fd);
  } catch (e) { /* gone */ }
}

async function pump() {
  if (writing) return;
  writing = true;
  while (outq.length && connected && !closing) {
    const d = outq[0];
    try {
      const n = fs.writeSync(master, d, 0, d.length, null);
      if (n < d.length) outq[0] = d.subarray(n);
      else outq.shift();
    } catch (e) {
      if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK" || e.code === "EINTR") await sleep(WRITE_RETRY_MS);
      else outq.length = 0; // EIO: the host closed; the read loop sees the hang-up
    }
  }
  writing = false;
}

parentPort.on("message", (m) => {
  if (m.t === "out") {
    // No host: a USB CDC board drops console output it cannot send.
    if (!connected || closing) return;
    outq.push(Buffer.from(m.d));
    pump();
  } else if (m.t === "hold") {
    held = !!m.on;
  } else if (m.t === "close") {
    closing = true;
    outq.length = 0;
    parentPort.postMessage({ t: "closed" });
  }
});

parentPort.postMessage({ t: "started" });
readLoop();
