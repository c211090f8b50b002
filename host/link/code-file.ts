// Code read from a file for the board (Node only; the page gets its code sources built in).
import { readFileSync } from "node:fs";
import { asciiCode } from "./code";

/** Read a code file for the board: UTF-8, non-ASCII escaped (code.ts says why). */
export function readCode(path: string): string {
  return asciiCode(readFileSync(path, "utf8"));
}
