// `espdma web`: serves the page (dist/web/, written by `npm run build`) on 127.0.0.1 and prints
// its URL. 127.0.0.1 (or localhost) is a secure context, which Web Serial, WebUSB and Web
// Bluetooth require; any other static web server serving dist/web over HTTPS works too.
import http from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { ROOT } from "../scenarios/bundle";
import { CliError } from "./errors";

export const WEB_DIR = join(ROOT, "dist", "web");

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json", ".png": "image/png" };

export interface ServedPage { url: string; close(): Promise<void> }

/** Serve dir over HTTP; resolves once listening. */
export function servePage(o: { host?: string; port?: number; dir?: string } = {}): Promise<ServedPage> {
  var dir = o.dir ?? WEB_DIR, host = o.host ?? "127.0.0.1";
  if (!existsSync(join(dir, "index.html")) || !existsSync(join(dir, "app.js"))) {
    throw new CliError("The page is not built (" + join(dir, "index.html") + " or app.js missing): run `npm run build`, then `espdma web` again.");
  }
  var server = http.createServer((req, res) => {
    var path = decodeURIComponent((req.url || "/").split("?")[0]);
    if (path === "/") path = "/index.html";
    var file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403).end("forbidden"); return; }
    if (req.method !== "GET" && req.method !== "HEAD") { res.writeHead(405).end(); return; }
    if (!existsSync(file) || !statSync(file).isFile()) { res.writeHead(404, { "content-type": "text/plain" }).end("not found: " + path); return; }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-cache" });
    res.end(req.method === "HEAD" ? undefined : readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e: any) => reject(new CliError(e.code === "EADDRINUSE" ? "Port " + o.port + " on " + host + " is in use: give another with --port N (or --port 0 for a free one)." :
      "Cannot serve the page on " + host + ":" + o.port + ": " + e.message)));
    server.listen(o.port ?? 8080, host, () => {
      var a = server.address() as { port: number };
      var shown = host.indexOf(":") >= 0 ? "[" + host + "]" : host;
      resolve({ url: "http://" + shown + ":" + a.port + "/", close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}
