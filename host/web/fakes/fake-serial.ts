/// <reference types="w3c-web-serial" />
// A fake Web Serial port (what navigator.serial hands a page) on an STM32 Espruino's USB
// serial, bridged to a board. What it keeps of Chrome's SerialPort: open() needs a baudRate,
// fails on a port already open or held by another program ("Failed to open serial port."),
// readable/writable are web streams that exist while the port is open, close() fails while
// a stream is locked, and a disconnect errors both streams ("The device has been lost.") and
// fires 'disconnect' on the port (it bubbles to navigator.serial). Writes are taken 64 bytes
// at a time while the board has room, as its USB OUT endpoint takes them.
import type { BoardBridge } from "./bridge";
import { Clock, wallClock } from "./clock";
import { domError } from "./dom-error";

export interface FakeSerialPortOptions {
  bridge: BoardBridge;
  clock?: Clock;
  /** Another program holds the port: open() fails. */
  busy?: boolean;
  usbVendorId?: number;
  usbProductId?: number;
}

const LOST = "The device has been lost.";

export class FakeSerialPort extends EventTarget {
  onconnect: ((this: any, ev: Event) => void) | null = null;
  ondisconnect: ((this: any, ev: Event) => void) | null = null;
  connected = true;
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** What the host asked for (Espruino's USB serial ignores it). */
  options: SerialOptions | null = null;
  signals: SerialOutputSignals = {};
  owner: EventTarget | null = null;
  private readCtl: ReadableStreamDefaultController<Uint8Array> | null = null;
  private writeCtl: WritableStreamDefaultController | null = null;
  private offOutput: (() => void) | null = null;
  private clock: Clock;
  private held: { fail: (e: Error) => void } | null = null;
  readonly stats = { written: 0, heldOut: 0 };

  constructor(readonly opts: FakeSerialPortOptions) {
    super();
    this.clock = opts.clock ?? wallClock;
  }

  getInfo(): SerialPortInfo {
    return { usbVendorId: this.opts.usbVendorId ?? 0x0483, usbProductId: this.opts.usbProductId ?? 0x5740 };
  }

  async open(options: SerialOptions): Promise<void> {
    if (!options || typeof options.baudRate !== "number") throw new TypeError("Failed to execute 'open' on 'SerialPort': Failed to read the 'baudRate' property from 'SerialOptions': Required member is undefined.");
    if (this.readable || this.writable) throw domError("InvalidStateError", "The port is already open.");
    if (!this.connected || this.opts.busy) throw domError("NetworkError", "Failed to open serial port.");
    this.options = options;
    this.readable = new ReadableStream<Uint8Array>({ start: (c) => { this.readCtl = c; } });
    this.writable = new WritableStream<Uint8Array>({
      start: (c) => { this.writeCtl = c; },
      write: (chunk) => this.take(chunk),
    });
    this.offOutput = this.opts.bridge.onOutput((b) => { if (this.readCtl) this.readCtl.enqueue(b.slice()); });
  }

  /** A write, 64 bytes at a time while the board has room (the USB OUT hold-off). */
  private take(chunk: Uint8Array): Promise<void> {
    var bytes = chunk.slice(), at = 0;
    return new Promise<void>((resolve, reject) => {
      this.held = { fail: reject };
      var step = () => {
        if (!this.held) return;
        while (at < bytes.length) {
          var p = bytes.subarray(at, at + 64);
          if (this.opts.bridge.inputSpace() < p.length) { this.stats.heldOut++; this.clock.setTimeout(step, 1); return; }
          this.opts.bridge.toBoard(p.slice());
          this.stats.written += p.length;
          at += p.length;
        }
        this.held = null;
        resolve();
      };
      step();
    });
  }

  async close(): Promise<void> {
    if (!this.readable && !this.writable) throw domError("InvalidStateError", "The port is already closed.");
    // As the spec's close(): cancel the readable and abort the writable, which fail if locked.
    if ((this.readable && this.readable.locked) || (this.writable && this.writable.locked)) throw new TypeError("Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream");
    await Promise.all([this.readable && this.readable.cancel(), this.writable && this.writable.abort()]);
    this.shut();
  }

  private shut(): void {
    if (this.offOutput) this.offOutput();
    this.offOutput = null;
    this.readable = this.writable = null;
    this.readCtl = null;
    this.writeCtl = null;
  }

  /** Unplug: both streams error, then 'disconnect' fires (and bubbles to navigator.serial). */
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    var e = domError("NetworkError", LOST);
    if (this.readCtl) { try { this.readCtl.error(e); } catch (_) { /* already closed */ } }
    if (this.writeCtl) this.writeCtl.error(e);
    if (this.held) { this.held.fail(e); this.held = null; }
    this.shut();
    var ev = new Event("disconnect", { bubbles: true });
    this.dispatchEvent(ev);
    if (this.owner) {
      var up = new Event("disconnect");
      Object.defineProperty(up, "target", { value: this });
      this.owner.dispatchEvent(up);
    }
  }

  async setSignals(s: SerialOutputSignals): Promise<void> {
    if (!this.readable) throw domError("InvalidStateError", "The port is closed.");
    this.signals = { ...this.signals, ...s };
  }

  async getSignals(): Promise<SerialInputSignals> {
    if (!this.readable) throw domError("InvalidStateError", "The port is closed.");
    return { dataCarrierDetect: false, clearToSend: true, ringIndicator: false, dataSetReady: true };
  }

  async forget(): Promise<void> {
    if (this.readable) await this.close().catch(() => undefined);
  }
}

/** navigator.serial with fake ports: the chooser picks the first port the filters match, or is
 * cancelled ("No port selected by the user.", as Chrome says). */
export class FakeSerial extends EventTarget {
  onconnect: ((this: any, ev: Event) => void) | null = null;
  ondisconnect: ((this: any, ev: Event) => void) | null = null;
  readonly ports: FakeSerialPort[] = [];
  private granted = new Set<FakeSerialPort>();
  cancel = false;

  add(p: FakeSerialPort): FakeSerialPort {
    p.owner = this;
    this.ports.push(p);
    return p;
  }

  async getPorts(): Promise<SerialPort[]> {
    return this.ports.filter((p) => p.connected && this.granted.has(p)) as unknown as SerialPort[];
  }

  async requestPort(options?: SerialPortRequestOptions): Promise<SerialPort> {
    var filters = (options && options.filters) || [];
    var p = this.cancel ? undefined : this.ports.filter((x) => x.connected && (!filters.length || filters.some((f) => {
      var i = x.getInfo();
      return (f.usbVendorId === undefined || f.usbVendorId === i.usbVendorId) && (f.usbProductId === undefined || f.usbProductId === i.usbProductId);
    })))[0];
    if (!p) throw domError("NotFoundError", "No port selected by the user.");
    this.granted.add(p);
    return p as unknown as SerialPort;
  }
}
