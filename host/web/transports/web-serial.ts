/// <reference types="w3c-web-serial" />
// Web Serial: a board's serial port through navigator.serial (Chrome and Edge on desktop), the
// path for STM32 Espruino boards wherever the OS serial driver holds their USB interface. One
// reader loop that always reads (the OS driver keeps asking the board for data only while
// someone reads), one writer, and the port's 'disconnect' event; each failure says what to do.
import { LinkError } from "../../link/transport";
import type { Transport } from "../../link/transport";
import { Listeners, bounded, errName, errText, hex4, missing, toBytes } from "./bytes";

export const ESPRUINO_SERIAL_FILTERS: SerialPortFilter[] = [{ usbVendorId: 0x0483, usbProductId: 0x5740 }];

export interface WebSerialOptions {
  /** navigator.serial by default. */
  serial?: Serial;
  /** A port already chosen (from getPorts()); otherwise the chooser opens. */
  port?: SerialPort;
  /** Chooser filters; default none (any port: USB-serial adapters too). */
  filters?: SerialPortFilter[];
  baudRate?: number;
  /** Longest wait for a write to be taken, ms (default 10000). */
  timeoutMs?: number;
}

/** Read errors after which the port gives a new readable and reading goes on. */
const RECOVERABLE = ["BreakError", "FramingError", "ParityError", "BufferOverrunError"];

export class WebSerialTransport implements Transport {
  description = "Web Serial";
  private data = new Listeners<(b: Uint8Array) => void>();
  private closed = new Listeners<(err?: Error) => void>();
  private port: SerialPort | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private reading: Promise<void> = Promise.resolve();
  private live = false;
  /** Line errors read past (noise on a UART). */
  lineErrors = 0;
  private onDisconnect = () => this.gone(this.unplugged());

  constructor(readonly opts: WebSerialOptions = {}) {}

  async open(): Promise<void> {
    var serial = this.opts.serial ?? (typeof navigator !== "undefined" ? (navigator as any).serial : undefined);
    if (!serial && !this.opts.port) throw new LinkError("This browser has no Web Serial (navigator.serial): use Chrome or Edge on a desktop, on a page served from https or 127.0.0.1 (on Android use WebUSB).", "ENOSERIAL");
    var port = this.opts.port ?? await chooseSerialPort(serial, this.opts.filters);
    var info = port.getInfo();
    this.description = "Web Serial" + (info.usbVendorId !== undefined ? " " + hex4(info.usbVendorId) + ":" + hex4(info.usbProductId ?? 0) : "");
    try {
      await port.open({ baudRate: this.opts.baudRate ?? 115200 });
    } catch (e) {
      throw this.openError(e);
    }
    this.port = port;
    this.live = true;
    port.addEventListener("disconnect", this.onDisconnect);
    this.writer = port.writable!.getWriter();
    this.reading = this.readLoop(port);
  }

  private openError(e: any): LinkError {
    var m = errName(e) + ": " + errText(e);
    if (errName(e) === "InvalidStateError") return new LinkError("The serial port is already open in this page (" + m + "): close the other connection first.", "EBUSY");
    if (errName(e) === "NetworkError") return new LinkError("Cannot open " + this.description + " (" + m + "): another program has it open (the Espruino Web IDE, a terminal, `espdma repl`, another tab). Close it and connect again.", "EBUSY");
    return new LinkError("Cannot open " + this.description + " (" + m + ").", "EOPEN");
  }

  private unplugged(): LinkError {
    return new LinkError(this.description + " was disconnected: was the board unplugged? Plug it in and connect again.", "ECLOSED");
  }

  private async readLoop(port: SerialPort): Promise<void> {
    while (this.live && port.readable) {
      var reader = port.readable.getReader();
      this.reader = reader;
      try {
        for (;;) {
          var r = await reader.read();
          if (r.done) break;
          if (r.value && r.value.length) this.data.emit(r.value);
        }
      } catch (e) {
        if (!this.live) break;
        if (RECOVERABLE.indexOf(errName(e)) >= 0) { this.lineErrors++; continue; }
        this.gone(errName(e) === "NetworkError" ? this.unplugged() : new LinkError("Reading from " + this.description + " failed (" + errName(e) + ": " + errText(e) + "). Unplug and replug the board, then connect again.", "EREAD"));
      } finally {
        reader.releaseLock();
        this.reader = null;
      }
      if (this.live && !port.readable) this.gone(this.unplugged());
      break;
    }
  }

  write(data: Uint8Array | string): Promise<void> {
    var w = this.writer;
    if (!this.live || !w) return Promise.reject(new LinkError("Cannot write to " + this.description + ": the link is closed. Connect again.", "ECLOSED"));
    var ms = this.opts.timeoutMs ?? 10000;
    var done = w.write(toBytes(data)).catch((e) => { throw this.live ? new LinkError("Cannot write to " + this.description + " (" + errName(e) + ": " + errText(e) + ").", "EWRITE") : this.unplugged(); });
    return bounded(done, ms, () => new LinkError("Writing to " + this.description + " stalled for " + ms + " ms: the board does not take data (its input stays full: is it stuck in a loop?). Press its reset button, then connect again.", "EWRITE"));
  }

  onData(fn: (b: Uint8Array) => void): () => void { return this.data.add(fn); }
  onClose(fn: (err?: Error) => void): () => void { return this.closed.add(fn); }

  private gone(err?: LinkError): void {
    if (!this.live) return;
    this.live = false;
    if (this.port) this.port.removeEventListener("disconnect", this.onDisconnect);
    this.closed.emit(err);
  }

  async close(): Promise<void> {
    var port = this.port, reader = this.reader, writer = this.writer, was = this.live;
    this.gone();
    this.writer = null;
    if (!port || !was) return;
    // The port closes only once both streams are unlocked.
    if (reader) await reader.cancel().catch(() => undefined);
    await this.reading;
    if (writer) {
      await bounded(writer.close(), 2000, () => new LinkError("", "")).catch(() => writer!.abort().catch(() => undefined));
      writer.releaseLock();
    }
    await port.close().catch(() => undefined);
  }
}

/** The browser's port chooser (call it from a click); a cancelled chooser says what to do. */
export async function chooseSerialPort(serial: Serial, filters?: SerialPortFilter[]): Promise<SerialPort> {
  try {
    return await serial.requestPort(filters ? { filters } : {});
  } catch (e) {
    throw chooserError(e);
  }
}

function chooserError(e: any): LinkError {
  if (errName(e) === "NotFoundError") return new LinkError("No serial port was chosen (" + errText(e) + "): click Connect again and pick the board's port. If it is not listed, check the cable (a charge-only cable shows nothing).", "ECANCELLED");
  if (errName(e) === "SecurityError") return new LinkError("The browser refused to show the serial port chooser (" + errText(e) + "): connect from a click, on a page served from https or 127.0.0.1.", "ESECURITY");
  return new LinkError("The serial port chooser failed (" + errName(e) + ": " + errText(e) + ").", "ECHOOSER");
}

/** The connect menu's entry (host/web/transports/index.ts). */
export const webSerial = {
  title: "Web Serial",
  use: "STM32 boards (Pico, WiFi, Original) on desktop Chrome or Edge",
  unavailable: (): string | null => missing("serial", "Web Serial", "use Chrome or Edge on a desktop (on Android, WebUSB)"),
  async request(_opts: { board?: string } = {}): Promise<Transport> {
    var serial = (navigator as any).serial as Serial;
    return new WebSerialTransport({ port: await chooseSerialPort(serial) });
  },
};
