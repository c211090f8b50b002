/// <reference types="web-bluetooth" />
// Web Bluetooth: an nRF52 Espruino's console over the Nordic UART Service. Writes go out in
// 20-byte pieces, one GATT write at a time (Chrome refuses a second operation while one is in
// progress, and the board answers each write), in the order write() was called; notifications
// are the board's output; 'gattserverdisconnected' ends the link with a message.
import { LinkError } from "../../link/transport";
import type { Transport } from "../../link/transport";
import { Listeners, bounded, errName, errText, missing, toBytes } from "./bytes";
import { ESPRUINO_BLE_FILTERS, NUS_CHUNK, NUS_RX, NUS_SERVICE, NUS_TX, chunks } from "./nus";

export interface WebBluetoothOptions {
  /** navigator.bluetooth by default. */
  bluetooth?: Bluetooth;
  /** A device already chosen; otherwise the chooser opens. */
  device?: BluetoothDevice;
  filters?: BluetoothLEScanFilter[];
  /** Bytes per GATT write (default 20). */
  chunkSize?: number;
  /** Longest wait for a write, or for connecting, ms (default 10000). */
  timeoutMs?: number;
}

export class WebBluetoothTransport implements Transport {
  description = "Web Bluetooth";
  private data = new Listeners<(b: Uint8Array) => void>();
  private closed = new Listeners<(err?: Error) => void>();
  private device: BluetoothDevice | null = null;
  private rx: BluetoothRemoteGATTCharacteristic | null = null;
  private tx: BluetoothRemoteGATTCharacteristic | null = null;
  private live = false;
  private chain: Promise<unknown> = Promise.resolve();
  private onNotify = (ev: Event) => {
    var v = (ev.target as BluetoothRemoteGATTCharacteristic).value;
    if (v && v.byteLength) this.data.emit(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
  };
  private onDisconnect = () => this.gone(new LinkError("The Bluetooth connection to " + this.description + " was lost: out of range, its battery flat, or it was reset? Bring it closer and connect again.", "ECLOSED"));

  constructor(readonly opts: WebBluetoothOptions = {}) {}

  async open(): Promise<void> {
    var bt = this.opts.bluetooth ?? (typeof navigator !== "undefined" ? (navigator as any).bluetooth : undefined);
    if (!bt && !this.opts.device) throw new LinkError("This browser has no Web Bluetooth (navigator.bluetooth): use Chrome or Edge (on Linux, with Bluetooth on and chrome://flags/#enable-web-bluetooth if asked), on a page served from https or 127.0.0.1.", "ENOBLE");
    var device = this.opts.device ?? await chooseBleDevice(bt, this.opts.filters);
    this.device = device;
    this.description = "Bluetooth " + (device.name || device.id);
    if (!device.gatt) throw new LinkError(this.description + " offers no GATT server: it is not an Espruino board. Pick a Puck.js, Pixl.js, Bangle.js or MDBT42Q.", "ENOTNUS");
    var ms = this.opts.timeoutMs ?? 10000;
    try {
      var server = await bounded(device.gatt.connect(), ms, () => new LinkError("No answer from " + this.description + " within " + ms + " ms: is it in range, and not connected to another phone or computer?", "ETIMEDOUT"));
    } catch (e) {
      if (e instanceof LinkError) throw e;
      throw new LinkError("Cannot connect to " + this.description + " (" + errName(e) + ": " + errText(e) + "): it may be out of range or connected elsewhere (the Espruino Web IDE, a phone). Disconnect it there and connect again.", "EOPEN");
    }
    try {
      var service = await server.getPrimaryService(NUS_SERVICE);
      this.rx = await service.getCharacteristic(NUS_RX);
      this.tx = await service.getCharacteristic(NUS_TX);
    } catch (e) {
      server.disconnect();
      throw new LinkError(this.description + " has no Nordic UART Service (" + errText(e) + "): it is not an Espruino board, or its console is not on Bluetooth. Pick a Puck.js, Pixl.js, Bangle.js or MDBT42Q.", "ENOTNUS");
    }
    this.tx.addEventListener("characteristicvaluechanged", this.onNotify);
    device.addEventListener("gattserverdisconnected", this.onDisconnect);
    this.live = true;
    try {
      await this.tx.startNotifications();
    } catch (e) {
      this.gone();
      server.disconnect();
      throw new LinkError("Cannot get the console output of " + this.description + " (" + errName(e) + ": " + errText(e) + "). Reset the board and connect again.", "EOPEN");
    }
  }

  write(data: Uint8Array | string): Promise<void> {
    if (!this.live) return Promise.reject(new LinkError("Cannot write to " + this.description + ": the link is closed. Connect again.", "ECLOSED"));
    var parts = chunks(toBytes(data), this.opts.chunkSize ?? NUS_CHUNK), ms = this.opts.timeoutMs ?? 10000;
    var run = this.chain.then(async () => {
      for (const p of parts) {
        if (!this.live) throw new LinkError("Cannot write to " + this.description + ": the link is closed. Connect again.", "ECLOSED");
        var rx = this.rx!;
        await (rx.writeValueWithResponse ? rx.writeValueWithResponse(p) : rx.writeValue(p)).catch((e) => {
          throw this.live ? new LinkError("Cannot write to " + this.description + " (" + errName(e) + ": " + errText(e) + ").", "EWRITE") :
            new LinkError("Cannot write to " + this.description + ": the Bluetooth connection was lost. Bring it closer and connect again.", "ECLOSED");
        });
      }
    });
    this.chain = run.catch(() => undefined);
    return bounded(run, ms, () => new LinkError("Writing to " + this.description + " stalled for " + ms + " ms: the board does not take data (busy in a loop, or the connection is failing). Reset it and connect again.", "EWRITE"));
  }

  onData(fn: (b: Uint8Array) => void): () => void { return this.data.add(fn); }
  onClose(fn: (err?: Error) => void): () => void { return this.closed.add(fn); }

  private gone(err?: LinkError): void {
    if (!this.live) return;
    this.live = false;
    if (this.tx) this.tx.removeEventListener("characteristicvaluechanged", this.onNotify);
    if (this.device) this.device.removeEventListener("gattserverdisconnected", this.onDisconnect);
    this.closed.emit(err);
  }

  async close(): Promise<void> {
    var was = this.live, tx = this.tx, d = this.device;
    this.gone();
    if (!was || !d || !d.gatt) return;
    if (tx) await tx.stopNotifications().catch(() => undefined);
    d.gatt.disconnect();
  }
}

/** The browser's Bluetooth chooser, for Espruino's names and the NUS (call it from a click). */
export async function chooseBleDevice(bt: Bluetooth, filters: BluetoothLEScanFilter[] = ESPRUINO_BLE_FILTERS): Promise<BluetoothDevice> {
  try {
    return await bt.requestDevice({ filters, optionalServices: [NUS_SERVICE] });
  } catch (e) {
    throw chooserError(e);
  }
}

function chooserError(e: any): LinkError {
  if (errName(e) === "NotFoundError") return new LinkError("No Bluetooth device was chosen (" + errText(e) + "): click Connect again and pick the board (Puck.js, Pixl.js, Bangle.js, MDBT42Q). If it is not listed, is it powered, in range, and not connected elsewhere?", "ECANCELLED");
  if (errName(e) === "SecurityError") return new LinkError("The browser refused to show the Bluetooth chooser (" + errText(e) + "): connect from a click, on a page served from https or 127.0.0.1.", "ESECURITY");
  if (errName(e) === "NotSupportedError" || errName(e) === "NotAllowedError") return new LinkError("Bluetooth is not available (" + errText(e) + "): turn Bluetooth on (on Linux Chrome may need chrome://flags/#enable-web-bluetooth) and retry.", "ENOBLE");
  return new LinkError("The Bluetooth chooser failed (" + errName(e) + ": " + errText(e) + ").", "ECHOOSER");
}

/** The connect menu's entry (host/web/transports/index.ts). */
export const webBluetooth = {
  title: "Web Bluetooth",
  use: "nRF52 boards (Puck.js, Pixl.js, Bangle.js 2, MDBT42Q)",
  unavailable: (): string | null => missing("bluetooth", "Web Bluetooth", "use Chrome or Edge with Bluetooth on"),
  async request(_opts: { board?: string } = {}): Promise<Transport> {
    var bt = (navigator as any).bluetooth as Bluetooth;
    return new WebBluetoothTransport({ bluetooth: bt, device: await chooseBleDevice(bt) });
  },
};
