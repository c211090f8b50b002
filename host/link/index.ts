// The link to a board: pick a transport from the options, speak the REPL protocol over it.
export { crc32, hex8 } from "./crc32";
export { encodeFrame, decodeFrame, FrameParser, RunCollector, FRAME_MARK } from "./frame";
export type { Frame, FrameResult } from "./frame";
export { StreamTransport, tcpTransport, serialTransport, LinkError } from "./transport";
export type { Transport } from "./transport";
export { ReplClient, DLE, CTRL_C, XON, XOFF } from "./repl-client";
export type { ReplClientOptions } from "./repl-client";
export { openLink, parseTcp } from "./open";
export { asciiCode, readCode } from "./code";
export type { LinkTarget, OpenedLink } from "./open";
