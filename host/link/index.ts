// The link to a board: pick a transport from the options, speak the REPL protocol over it.
export { crc32, hex8 } from "./crc32";
export { encodeFrame, decodeFrame, FrameParser, RunCollector, FRAME_MARK } from "./frame";
export type { Frame, FrameResult } from "./frame";
export { LinkError } from "./transport";
export { StreamTransport, tcpTransport, serialTransport } from "./stream-transport";
export type { Transport } from "./transport";
export { ReplClient, DLE, CTRL_C, XON, XOFF } from "./repl-client";
export type { ReplClientOptions } from "./repl-client";
export { openLink, parseTcp } from "./open";
export { asciiCode } from "./code";
export { readCode } from "./code-file";
export type { LinkTarget, OpenedLink } from "./open";
