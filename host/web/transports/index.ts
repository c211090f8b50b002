// Where the page's connect menu finds the browser transports. Each kind registers one entry
// here; the page lists every key of KINDS, enabled when its entry exists and says it can run
// (unavailable() returns null), disabled with the entry's reason (or "not built yet") when not.
// The page opens the Transport it gets (open()), speaks the REPL protocol over it
// (host/link/repl-client.ts) and closes it when the user disconnects.
import type { Transport } from "../../link/transport";
import { webSerial } from "./web-serial";
import { webUsb } from "./webusb";
import { webBluetooth } from "./web-bluetooth";

/** The browser transports the connect menu offers, in menu order; also the `?transport=`
 * names of the unattended URL (besides "virtual"). */
export const KINDS = ["webserial", "webusb", "webbluetooth"] as const;
export type KindName = (typeof KINDS)[number];

export interface BrowserTransportKind {
  /** The menu's label ("Web Serial"). */
  title: string;
  /** Why it cannot be used in this browser now (no navigator.serial, not a secure context...),
   * or null when it can. Shown beside the disabled menu entry. */
  unavailable(): string | null;
  /** Get a device (the browser's chooser, which needs the click that called this; or a
   * device already granted) and return its Transport, not yet opened. A rejection's message
   * is shown to the user: say what to do. */
  request(opts: { board?: string }): Promise<Transport>;
}

/** Filled in by the transport modules (host/web/transports/*.ts), one line each:
 *   import { webSerial } from "./web-serial";   ...   webserial: webSerial, */
export const transportKinds: Partial<Record<KindName, BrowserTransportKind>> = {
  webserial: webSerial,
  webusb: webUsb,
  webbluetooth: webBluetooth,
};

/** The menu's title of a kind that has no entry yet. */
export const PLANNED_TITLES: Record<KindName, string> = { webserial: "Web Serial", webusb: "WebUSB", webbluetooth: "Web Bluetooth" };
