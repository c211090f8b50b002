// Run the espdma CLI as a user does (a child process of this Node); resolves with its exit
// code and what it printed.
import { spawn } from "node:child_process";

export function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    var p = spawn(process.execPath, ["bin/espdma.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    var out = "", err = "";
    p.stdout.on("data", (d) => { out += d; });
    p.stderr.on("data", (d) => { err += d; });
    p.on("close", (code) => resolve({ code, out, err }));
  });
}
