// TCP transport: a server whose connections talk to one virtual board's REPL, the way
// Espruino's CLI reaches a board with `-p tcp://host:port` (core/serial_node_socket.js). The
// board stays powered between connections; output goes to every connected client.
import net from "node:net";
import { Worker } from "node:worker_threads";
import type { Repl } from "../repl/repl";
import { createInterruptBlock, releaseInterruptBlock } from "./interrupt";

export interface TcpServer {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
  /** The listening server (listenTcp only; the interruptible server lives in its worker). */
  readonly server: net.Server;
}

export function listenTcp(repl: Repl, host = "127.0.0.1", port = 0): Promise<TcpServer> {
  var sockets = new Set<net.Socket>();
  var server = net.createServer((sock) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    var off = repl.onOutput((b) => { if (!sock.destroyed) sock.write(b); });
    sock.on("data", (d) => repl.receive(d));
    sock.on("close", () => { off(); sockets.delete(sock); });
    sock.on("error", () => { off(); sockets.delete(sock); });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      var a = server.address() as net.AddressInfo;
      resolve({
        server,
        address: { host: a.address, port: a.port },
        close: () => new Promise<void>((res) => {
          for (const s of sockets) s.destroy();
          server.close(() => res());
        }),
      });
    });
  });
}

/** Like listenTcp, but the sockets live in a worker thread, so a Ctrl-C from a client
 * interrupts JavaScript that keeps the board busy: at its next peek/poke/getTime (the worker
 * raises the control block's flag, which the runtime polls), or, for a loop that touches
 * nothing, by SIGINT (interrupt-raise.mjs). */
export function listenTcpInterruptible(repl: Repl, host = "127.0.0.1", port = 0): Promise<TcpServer> {
  var flag = createInterruptBlock();
  var shared = flag.buffer;
  repl.runtime.setInterruptSource(flag);
  var worker = new Worker(new URL("./tcp-worker.mjs", import.meta.url), { workerData: { host, port, interrupt: shared } });
  var off = repl.onOutput((b) => worker.postMessage({ t: "out", d: b }));
  return new Promise((resolve, reject) => {
    var closed: (() => void) | null = null;
    worker.on("error", reject);
    worker.on("message", (m: any) => {
      if (m.t === "in") repl.receive(Buffer.from(m.d));
      else if (m.t === "error") { off(); releaseInterruptBlock(flag); worker.terminate(); reject(Object.assign(new Error(m.message), { code: m.code })); }
      else if (m.t === "closed" && closed) closed();
      else if (m.t === "listening") {
        resolve({
          server: null as unknown as net.Server,
          address: { host: m.host, port: m.port },
          close: () => new Promise<void>((res) => {
            off();
            closed = () => { releaseInterruptBlock(flag); worker.terminate().then(() => res()); };
            worker.postMessage({ t: "close" });
          }),
        });
      }
    });
  });
}
