// Which serial port is an Espruino, by the USB vendor:product ID it enumerates with, and
// `--port auto`: the one attached Espruino.
import { LinkError } from "./transport";

export interface PortInfo {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

/** USB IDs of Espruino boards:
 * - 0483:5740, "STM32 Virtual ComPort": the STM32 boards (Original, Pico, WiFi) with ST's vendor
 *   ID; Espruino's Makefile (USB_PRODUCT_ID, "default 0x5740"), and the Web IDE's EspruinoTools
 *   (core/serial.js) recognise a board by it;
 * - 1915:520f: nRF52 boards with USB (targets/nrf5x/app_config.h APP_USBD_VID/PID). */
export const ESPRUINO_USB: { id: string; what: string }[] = [
  { id: "0483:5740", what: "Espruino (STM32 Virtual ComPort)" },
  { id: "1915:520f", what: "Espruino (nRF52 USB)" },
];

/** USB-serial bridges an ESP32/ESP8266 running Espruino may sit behind, as may anything else:
 * named in the list, never picked by --port auto. */
export const USB_SERIAL: { id: string; what: string }[] = [
  { id: "10c4:ea60", what: "CP210x USB-serial (an ESP32/ESP8266 Espruino?)" },
  { id: "1a86:7523", what: "CH340 USB-serial (an ESP32/ESP8266 Espruino?)" },
  { id: "0403:6001", what: "FTDI USB-serial" },
  { id: "0403:6015", what: "FTDI USB-serial" },
];

function hex4(v: string | undefined): string | null {
  if (!v) return null;
  var s = String(v).toLowerCase().replace(/^0x/, "");
  return /^[0-9a-f]{1,4}$/.test(s) ? s.padStart(4, "0") : null;
}

/** "vvvv:pppp" in lower case, or null without USB IDs (serialport gives "0483" or "0x0483"). */
export function usbId(p: PortInfo): string | null {
  var v = hex4(p.vendorId), d = hex4(p.productId);
  return v && d ? v + ":" + d : null;
}

/** What an Espruino board on this port is, or null when its USB ID is not an Espruino's. */
export function espruinoKind(p: PortInfo): string | null {
  var id = usbId(p);
  var hit = ESPRUINO_USB.filter((e) => e.id === id)[0];
  return hit ? hit.what : null;
}

/** A short note on a port that is not an Espruino by ID but may lead to one. */
export function bridgeKind(p: PortInfo): string | null {
  var id = usbId(p);
  var hit = USB_SERIAL.filter((e) => e.id === id)[0];
  return hit ? hit.what : null;
}

/** serialport's list (or a binding's, in tests). */
export async function listPorts(binding?: { list(): Promise<PortInfo[]> }): Promise<PortInfo[]> {
  if (binding) return binding.list();
  var { SerialPort } = await import("serialport");
  return SerialPort.list();
}

/** The path of the one attached Espruino; a clear error for none or several. */
export async function findEspruino(list: () => Promise<PortInfo[]>): Promise<string> {
  var ports: PortInfo[];
  try {
    ports = await list();
  } catch (e: any) {
    var why = e && e.message ? String(e.message).split("\n")[0] : String(e);
    throw new LinkError("--port auto cannot list the serial ports (" + why + "): give the port, e.g. --port /dev/ttyACM0 (`espdma ports` lists them by name).", "EAUTO");
  }
  var found = ports.filter((p) => espruinoKind(p));
  if (found.length === 1) return found[0].path;
  if (found.length > 1) {
    throw new LinkError("Several Espruino boards are attached: " + found.map((p) => p.path + (p.serialNumber ? " (serial " + p.serialNumber + ")" : "")).join(", ") +
      ". Pick one: --port " + found[0].path + ".", "EAUTO");
  }
  var others = ports.filter((p) => usbId(p));
  throw new LinkError("No Espruino board found (looked for USB " + ESPRUINO_USB.map((e) => e.id).join(" or ") + ")" +
    (others.length ? "; other USB serial ports: " + others.map((p) => p.path + " " + usbId(p)).join(", ") + " (give one with --port PATH if it is your board)" : ": plug the board in (a USB cable with data lines), or give --port PATH") + ".", "EAUTO");
}
