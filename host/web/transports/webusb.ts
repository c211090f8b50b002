/// <reference types="w3c-web-usb" />
// WebUSB CDC-ACM: a serial board reached through navigator.usb, for where no OS driver holds
// the interface (Android; Linux with cdc_acm unbound). What the board needs from the host:
// - a transferIn pending at all times: an STM32 Espruino that sees no read for about 2 s
//   moves its console to Serial1 and drops what it was sending. `inFlight` (default 2)
//   transfers are kept queued, and a finished one is replaced before its data is handled;
// - OUT in packet-sized transfers, one at a time: the board holds OUT off while its input
//   buffer is full, so a write completes when the board has taken it;
// - the interfaces claimed: where an OS driver has them, Chrome says "Unable to claim
//   interface." and the error says what to do.
// If the console was taken away anyway (the page was blocked for seconds), Espruino says
// "<- Serial1" when it comes back: the link then closes with an error that says so, instead
// of waiting for answers that went to Serial1.
import { LinkError } from "../../link/transport";
import type { Transport } from "../../link/transport";
import { Listeners, bounded, errName, errText, hex4, missing, toBytes } from "./bytes";
import { CdcLayout, findCdcLayout, setupLine } from "./cdc-acm";

/** STM32 Espruino boards (ST's VCP IDs). */
export const ESPRUINO_USB_FILTERS: USBDeviceFilter[] = [{ vendorId: 0x0483, productId: 0x5740 }];

export interface WebUsbOptions {
  /** navigator.usb by default. */
  usb?: USB;
  /** A device already chosen (from getDevices()); otherwise the chooser opens. */
  device?: USBDevice;
  filters?: USBDeviceFilter[];
  baudRate?: number;
  /** IN transfers kept pending (default 2). */
  inFlight?: number;
  /** Longest wait for a write, or for the OS to answer a claim, ms (default 10000). */
  timeoutMs?: number;
}

/** The line Espruino prints on a console it moves back to (jsiSetConsoleDevice). */
const CONSOLE_BACK = /<- (Serial\d|Bluetooth|Telnet|Terminal|SWDCON)\r?\n/;

export class WebUsbTransport implements Transport {
  description = "WebUSB";
  private data = new Listeners<(b: Uint8Array) => void>();
  private closed = new Listeners<(err?: Error) => void>();
  private device: USBDevice | null = null;
  private layout: CdcLayout | null = null;
  private usb: USB | null = null;
  private live = false;
  private inPending = 0;
  private halted = false;
  private received = 0;
  private tail = "";
  private writeChain: Promise<unknown> = Promise.resolve();
  private pendingWrites = new Set<(e: Error) => void>();
  private onDisconnect = (ev: Event) => { if ((ev as USBConnectionEvent).device === this.device) this.gone(this.unplugged()); };

  constructor(readonly opts: WebUsbOptions = {}) {}

  async open(): Promise<void> {
    var usb = this.opts.usb ?? (typeof navigator !== "undefined" ? (navigator as any).usb : undefined);
    if (!usb) throw new LinkError("This browser has no WebUSB (navigator.usb): use Chrome or Edge, on a page served from https or 127.0.0.1; or connect with Web Serial.", "ENOUSB");
    var device = this.opts.device ?? await chooseUsbDevice(usb, this.opts.filters);
    this.usb = usb;
    this.device = device;
    this.description = "WebUSB " + hex4(device.vendorId) + ":" + hex4(device.productId) + (device.productName ? " " + device.productName : "");
    var l = findCdcLayout(device);
    this.layout = l;
    var ms = this.opts.timeoutMs ?? 10000;
    try {
      await device.open();
    } catch (e) {
      throw this.openError(e);
    }
    try {
      if (!device.configuration || device.configuration.configurationValue !== l.configurationValue) await device.selectConfiguration(l.configurationValue);
      // On Windows a claim the OS refuses can stay unanswered: bounded.
      var claim = (n: number) => bounded(device!.claimInterface(n), ms, () => new LinkError(this.claimText("no answer from the OS within " + ms + " ms"), "ECLAIM"));
      if (l.control !== null && l.control !== l.data) await claim(l.control);
      await claim(l.data);
      if (l.alternateSetting !== 0) await device.selectAlternateInterface(l.data, l.alternateSetting);
      await setupLine(device, l, this.opts.baudRate ?? 115200);
    } catch (e: any) {
      await device.close().catch(() => undefined);
      if (e instanceof LinkError) throw e;
      if (/claim/i.test(errText(e))) throw new LinkError(this.claimText(errText(e)), "ECLAIM");
      throw new LinkError("Cannot set up " + this.description + " (" + errName(e) + ": " + errText(e) + "). Unplug and replug the board, then connect again.", "EOPEN");
    }
    usb.addEventListener("disconnect", this.onDisconnect);
    this.live = true;
    this.pumpIn();
  }

  private claimText(why: string): string {
    return "Cannot claim the serial interface of " + this.description + " (" + why + "): the operating system's serial driver holds it. " +
      "Use Web Serial here instead (Chrome/Edge on desktop); or on Linux unbind cdc_acm from both interfaces (ls /sys/bus/usb/drivers/cdc_acm/ names them, e.g. 1-1:1.0; echo -n 1-1:1.0 | sudo tee /sys/bus/usb/drivers/cdc_acm/unbind) and connect again; " +
      "WebUSB works as it is on Android.";
  }

  private openError(e: any): LinkError {
    var m = errName(e) + ": " + errText(e);
    if (errName(e) === "SecurityError" || /access denied/i.test(m)) {
      return new LinkError("Cannot open " + this.description + " (" + m + "): on Linux give your user access to the device (a udev rule for 0483:5740); on Windows and macOS the OS serial driver holds it: use Web Serial.", "EACCES");
    }
    if (errName(e) === "NotFoundError") return this.unplugged();
    return new LinkError("Cannot open " + this.description + " (" + m + "): is another tab or program using it? Close it, or unplug and replug the board, and connect again.", "EOPEN");
  }

  private unplugged(): LinkError {
    return new LinkError(this.description + " was disconnected: was the board unplugged? Plug it in and connect again.", "ECLOSED");
  }

  // ------------------------------------------------------------------ reading

  private pumpIn(): void {
    var d = this.device!, l = this.layout!, want = this.opts.inFlight ?? 2;
    while (this.live && !this.halted && this.inPending < want) {
      this.inPending++;
      d.transferIn(l.inEndpoint, l.inPacketSize).then((r) => this.inDone(r), (e) => this.inFailed(e));
    }
  }

  private inDone(r: USBInTransferResult): void {
    this.inPending--;
    if (!this.live) return;
    if (r.status === "stall") return this.clearStall();
    this.pumpIn();
    // Babble: the packet was longer than asked for; its start is in data, the rest is lost.
    if (r.data && r.data.byteLength) this.got(new Uint8Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength)));
  }

  private clearStall(): void {
    if (this.halted) return;
    this.halted = true;
    this.device!.clearHalt("in", this.layout!.inEndpoint).then(() => { this.halted = false; this.pumpIn(); },
      (e) => this.gone(new LinkError("Reading from " + this.description + " stalled and could not be cleared (" + errText(e) + "). Unplug and replug the board, then connect again.", "EREAD")));
  }

  private inFailed(e: any): void {
    this.inPending--;
    if (!this.live) return;
    if (errName(e) === "NotFoundError") return this.gone(this.unplugged());
    this.gone(new LinkError("Reading from " + this.description + " failed (" + errName(e) + ": " + errText(e) + "). Unplug and replug the board, then connect again.", "EREAD"));
  }

  private got(b: Uint8Array): void {
    var before = this.received - this.tail.length;
    this.received += b.length;
    var text = this.tail + latin1(b);
    var m = CONSOLE_BACK.exec(text);
    this.tail = (m ? text.slice(m.index + m[0].length) : text).slice(-24);
    this.data.emit(b);
    // Its first words after the device opens can be that line (nobody read before): fine.
    if (m && before + m.index > 0) {
      this.gone(new LinkError("The board moved its console off USB and dropped its output: " + this.description +
        " had no USB read pending for about 2 s (was the page busy or frozen?). It is back on USB now (it printed \"" + m[0].trim() + "\"): connect again and retry the command.", "ECONSOLE"));
    }
  }

  // ------------------------------------------------------------------ writing

  write(data: Uint8Array | string): Promise<void> {
    if (!this.live) return Promise.reject(new LinkError("Cannot write to " + this.description + ": the link is closed. Connect again.", "ECLOSED"));
    var bytes = toBytes(data), ms = this.opts.timeoutMs ?? 10000;
    var run = this.writeChain.then(() => this.writePackets(bytes));
    this.writeChain = run.catch(() => undefined);
    return bounded(run, ms, () => new LinkError("Writing to " + this.description + " stalled for " + ms + " ms: the board does not take data (its input stays full: is it stuck in a loop?). Press its reset button, then connect again.", "EWRITE"));
  }

  private writePackets(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      var n = this.layout!.outPacketSize, at = 0;
      var fail = (e: Error) => { this.pendingWrites.delete(fail); reject(e); };
      this.pendingWrites.add(fail);
      var next = (): void => {
        if (!this.pendingWrites.has(fail)) return;
        if (!this.live) return fail(new LinkError("Cannot write to " + this.description + ": the link is closed. Connect again.", "ECLOSED"));
        if (at >= bytes.length) { this.pendingWrites.delete(fail); return resolve(); }
        var chunk = bytes.slice(at, at + n);
        this.device!.transferOut(this.layout!.outEndpoint, chunk).then((r) => {
          if (r.status === "stall") return fail(new LinkError("The board refused data on " + this.description + " (endpoint stalled). Unplug and replug it, then connect again.", "EWRITE"));
          at += r.bytesWritten || chunk.length;
          next();
        }, (e) => fail(errName(e) === "NotFoundError" ? this.unplugged() : new LinkError("Cannot write to " + this.description + " (" + errName(e) + ": " + errText(e) + ").", "EWRITE")));
      };
      next();
    });
  }

  // ------------------------------------------------------------------ closing

  onData(fn: (b: Uint8Array) => void): () => void { return this.data.add(fn); }
  onClose(fn: (err?: Error) => void): () => void { return this.closed.add(fn); }

  /** The link is over (unplugged, failed): fail what waits, tell the listeners once. */
  private gone(err?: LinkError): void {
    if (!this.live) return;
    this.live = false;
    if (this.usb) this.usb.removeEventListener("disconnect", this.onDisconnect);
    var e = err ?? new LinkError(this.description + " closed.", "ECLOSED");
    for (const f of Array.from(this.pendingWrites)) f(e);
    if (err && this.device && this.device.opened) this.device.close().catch(() => undefined);
    this.closed.emit(err);
  }

  async close(): Promise<void> {
    var d = this.device, was = this.live;
    this.gone();
    if (was && d && d.opened) {
      if (this.layout && this.layout.control !== null) {
        // DTR down: a CDC device may take it as the host leaving.
        await d.controlTransferOut({ requestType: "class", recipient: "interface", request: 0x22, value: 0, index: this.layout.control }).catch(() => undefined);
      }
      await d.close().catch(() => undefined);
    }
  }
}

/** The browser's USB chooser, for Espruino's IDs by default (call it from a click). */
export async function chooseUsbDevice(usb: USB, filters: USBDeviceFilter[] = ESPRUINO_USB_FILTERS): Promise<USBDevice> {
  try {
    return await usb.requestDevice({ filters });
  } catch (e) {
    throw chooserError(e);
  }
}

function chooserError(e: any): LinkError {
  if (errName(e) === "NotFoundError") return new LinkError("No USB device was chosen (" + errText(e) + "): click Connect again and pick the Espruino (0483:5740). If it is not listed, the OS driver may hide it: use Web Serial.", "ECANCELLED");
  if (errName(e) === "SecurityError") return new LinkError("The browser refused to show the USB chooser (" + errText(e) + "): connect from a click, on a page served from https or 127.0.0.1.", "ESECURITY");
  return new LinkError("The USB chooser failed (" + errName(e) + ": " + errText(e) + ").", "ECHOOSER");
}

function latin1(b: Uint8Array): string {
  var s = "";
  for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** The connect menu's entry (host/web/transports/index.ts). */
export const webUsb = {
  title: "WebUSB",
  use: "STM32 boards where no OS driver holds the port (Android; Linux with cdc_acm unbound)",
  unavailable: (): string | null => missing("usb", "WebUSB", "use Chrome or Edge; or Web Serial"),
  async request(_opts: { board?: string } = {}): Promise<Transport> {
    var usb = (navigator as any).usb as USB;
    return new WebUsbTransport({ usb, device: await chooseUsbDevice(usb) });
  },
};
