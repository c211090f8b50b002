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

/** What a second client gets, before its connection is closed: the board serves one client at
 * a time (two would share one REPL's input and output and garble each other's answers). */
export function busyMessage(host: string, port: number | string, next: number | string = Number(port) + 1): string {
  return "espdma sim: busy: tcp://" + host + ":" + port + " serves one client at a time and another is connected. Disconnect it, or start a second board: espdma sim --tcp " + host + ":" + next + "\r\n";
}

export function listenTcp(repl: Repl, host = "127.0.0.1", port = 0): Promise<TcpServer> {
  var sockets = new Set<net.Socket>();
  var accept = (sock: net.Socket) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    var off = repl.onOutput((b) => { if (!sock.destroyed) sock.write(b); });
    sock.on("data", (d) => repl.receive(d));
    sock.resume();
    sock.on("close", () => { off(); sockets.delete(sock); });
    sock.on("error", () => { off(); sockets.delete(sock); });
  };
  var refuse = (sock: net.Socket) => {
    var a = server.address() as net.AddressInfo;
    sock.end(busyMessage(a.address, a.port));
    // Read (and drop) what it sends, so its end is seen and the socket closes.
    sock.resume();
    sock.on("error", () => {});
  };
  // One client at a time; one that reconnects at once may come before its old connection is
  // seen closed: it waits up to a second for that (as in tcp-worker.mjs).
  var server = net.createServer((sock) => {
    if (!sockets.size) return accept(sock);
    sock.pause();
    var waited = 0;
    var t = setInterval(() => {
      if (!sockets.size) { clearInterval(t); accept(sock); }
      else if ((waited += 50) >= 1000 || sock.destroyed) { clearInterval(t); refuse(sock); }
    }, 50);
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
  // The worker knows its port (port 0: picked) once listening: it fills in {port} and {next}.
  var worker = new Worker(new URL("./tcp-worker.mjs", import.meta.url), { workerData: { host, port, interrupt: shared, busy: busyMessage(host, "{port}", "{next}") } });
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
