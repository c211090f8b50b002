// The three browser transports as a page offers them: what each is for, whether this browser
// has it, and how to make one (the chooser opens on open(), so call it from a click).
import type { Transport } from "../../link/transport";
import { WebSerialTransport } from "./web-serial";
import { WebUsbTransport } from "./webusb";
import { WebBluetoothTransport } from "./web-bluetooth";

export interface BrowserTransport {
  id: "webserial" | "webusb" | "bluetooth";
  label: string;
  /** For whom, in one line (shown next to the choice). */
  use: string;
  /** Does this browser have the API? */
  available(nav?: any): boolean;
  make(): Transport;
}

function nav(n?: any): any {
  return n ?? (typeof navigator !== "undefined" ? navigator : {});
}

export const browserTransports: BrowserTransport[] = [
  { id: "webserial", label: "Web Serial", use: "STM32 boards (Pico, WiFi, Original) on desktop Chrome/Edge", available: (n) => !!nav(n).serial, make: () => new WebSerialTransport() },
  { id: "webusb", label: "WebUSB", use: "STM32 boards where no OS driver holds the port (Android; Linux with cdc_acm unbound)", available: (n) => !!nav(n).usb, make: () => new WebUsbTransport() },
  { id: "bluetooth", label: "Web Bluetooth", use: "nRF52 boards (Puck.js, Pixl.js, Bangle.js 2, MDBT42Q)", available: (n) => !!nav(n).bluetooth, make: () => new WebBluetoothTransport() },
];

export function findBrowserTransport(id: string): BrowserTransport | undefined {
  return browserTransports.filter((t) => t.id === id)[0];
}
