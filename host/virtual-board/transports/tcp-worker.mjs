// The TCP side of serveTcp, in a worker thread: it keeps reading sockets while the board's
// main thread is busy running JavaScript, so a Ctrl-C (0x03) from the client can interrupt that
// code through the shared control block (interrupt-raise.mjs), as Espruino's receive interrupt
// does. Plain ESM (no TypeScript) so the worker starts without a loader.
import { parentPort, workerData } from "node:worker_threads";
import net from "node:net";
import { raiseCtrlC } from "./interrupt-raise.mjs";

const flag = new Int32Array(workerData.interrupt);
const sockets = new Set();
function accept(sock) {
  sockets.add(sock);
  sock.setNoDelay(true);
  sock.on("data", (d) => {
    if (d.includes(3)) raiseCtrlC(flag);
    parentPort.postMessage({ t: "in", d });
  });
  sock.resume();
  const drop = () => sockets.delete(sock);
  sock.on("close", drop);
  sock.on("error", drop);
}

function refuse(sock) {
  const a = server.address();
  sock.end(workerData.busy.replace("{port}", a.port).replace("{next}", a.port + 1));
  // Read (and drop) what it sends, so its end is seen and the socket closes.
  sock.resume();
  sock.on("error", () => {});
}

// One client at a time (see busyMessage in tcp.ts): two would type into one REPL and each read
// the other's answers. A client that reconnects at once may arrive before its old connection is
// seen closed: it waits up to a second for that.
const server = net.createServer((sock) => {
  if (!sockets.size) return accept(sock);
  sock.pause();
  let waited = 0;
  const t = setInterval(() => {
    if (!sockets.size) { clearInterval(t); accept(sock); }
    else if ((waited += 50) >= 1000 || sock.destroyed) { clearInterval(t); refuse(sock); }
  }, 50);
});
server.on("error", (e) => parentPort.postMessage({ t: "error", message: e.message, code: e.code }));
server.listen(workerData.port, workerData.host, () => {
  const a = server.address();
  parentPort.postMessage({ t: "listening", host: a.address, port: a.port });
});
parentPort.on("message", (m) => {
  if (m.t === "out") {
    for (const s of sockets) if (!s.destroyed) s.write(Buffer.from(m.d));
  } else if (m.t === "close") {
    for (const s of sockets) s.destroy();
    server.close(() => parentPort.postMessage({ t: "closed" }));
  }
});
