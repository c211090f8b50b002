/// <reference types="web-bluetooth" />
// A fake nRF52 Espruino over Bluetooth LE (what navigator.bluetooth hands a page): a GATT
// server with the Nordic UART Service, bridged to a board. What it keeps of a real link:
// - RX takes at most 20 bytes a write (the default ATT MTU of 23 less 3); a longer write fails
//   as the ATT "invalid attribute value length" error reaches a page;
// - one GATT operation at a time: a write while another is in progress fails, as in Chrome;
// - a write is answered once the board has room for it in its input buffer;
// - the board's output is notified on TX in pieces of at most 20 bytes, only while the host
//   has notifications on;
// - disconnect: operations fail, 'gattserverdisconnected' fires on the device.
import type { BoardBridge } from "./bridge";
import { Clock, wallClock } from "./clock";
import { domError } from "./dom-error";
import { NUS_CHUNK, NUS_RX, NUS_SERVICE, NUS_TX } from "../transports/nus";

export interface FakeBleDeviceOptions {
  bridge: BoardBridge;
  name?: string;
  clock?: Clock;
  /** Time one write takes to be answered, ms (a connection interval; default 0). */
  writeMs?: number;
}

const GATT_GONE = "GATT Server is disconnected. Cannot perform GATT operations. (Re)connect first with `device.gatt.connect`.";

class FakeCharacteristic extends EventTarget {
  value: DataView | undefined = undefined;
  oncharacteristicvaluechanged: ((ev: Event) => any) | null = null;
  constructor(readonly service: FakeService, readonly uuid: string, readonly properties: Partial<BluetoothCharacteristicProperties>) { super(); }
  private get dev(): FakeBleDevice { return this.service.device; }

  async getDescriptor(): Promise<never> { throw domError("NotFoundError", "No Descriptors matching UUID found in Characteristic."); }
  async getDescriptors(): Promise<never> { throw domError("NotFoundError", "No Descriptors found in Characteristic."); }
  async readValue(): Promise<DataView> { throw domError("NotSupportedError", "GATT operation not permitted."); }
  writeValue(v: BufferSource): Promise<void> { return this.dev.write(this, v); }
  writeValueWithResponse(v: BufferSource): Promise<void> { return this.dev.write(this, v); }
  writeValueWithoutResponse(v: BufferSource): Promise<void> { return this.dev.write(this, v); }
  async startNotifications(): Promise<any> {
    this.dev.gattCheck();
    if (!this.properties.notify) throw domError("NotSupportedError", "GATT operation not permitted.");
    this.dev.notifying = true;
    return this;
  }
  async stopNotifications(): Promise<any> {
    this.dev.notifying = false;
    return this;
  }
  /** A notification from the board. */
  notify(b: Uint8Array): void {
    this.value = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.dispatchEvent(new Event("characteristicvaluechanged"));
  }
}

class FakeService extends EventTarget {
  readonly uuid = NUS_SERVICE;
  readonly isPrimary = true;
  readonly rx: FakeCharacteristic;
  readonly tx: FakeCharacteristic;
  constructor(readonly device: FakeBleDevice) {
    super();
    this.rx = new FakeCharacteristic(this, NUS_RX, { write: true, writeWithoutResponse: true });
    this.tx = new FakeCharacteristic(this, NUS_TX, { notify: true });
  }
  async getCharacteristic(uuid: BluetoothCharacteristicUUID): Promise<any> {
    this.device.gattCheck();
    var c = [this.rx, this.tx].filter((x) => x.uuid === String(uuid).toLowerCase())[0];
    if (!c) throw domError("NotFoundError", "No Characteristics matching UUID " + uuid + " found in Service with UUID " + this.uuid + ".");
    return c;
  }
  async getCharacteristics(): Promise<any[]> { this.device.gattCheck(); return [this.rx, this.tx]; }
  async getIncludedService(): Promise<never> { throw domError("NotFoundError", "No Services found in Service."); }
  async getIncludedServices(): Promise<never> { throw domError("NotFoundError", "No Services found in Service."); }
}

class FakeGattServer {
  connected = false;
  constructor(readonly device: FakeBleDevice) {}
  async connect(): Promise<any> {
    if (!this.device.inRange) throw domError("NetworkError", "Connection failed for unknown reason.");
    this.connected = true;
    return this;
  }
  disconnect(): void {
    if (this.connected) this.device.dropped();
  }
  async getPrimaryService(uuid: BluetoothServiceUUID): Promise<any> {
    this.device.gattCheck();
    if (String(uuid).toLowerCase() !== NUS_SERVICE) throw domError("NotFoundError", "No Services matching UUID " + uuid + " found in Device.");
    return this.device.service;
  }
  async getPrimaryServices(): Promise<any[]> { this.device.gattCheck(); return [this.device.service]; }
}

export class FakeBleDevice extends EventTarget {
  readonly id: string;
  readonly name: string;
  readonly gatt: FakeGattServer;
  readonly service: FakeService;
  notifying = false;
  inRange = true;
  ongattserverdisconnected: ((ev: Event) => any) | null = null;
  readonly stats = { writes: 0, maxWrite: 0, notifications: 0, maxNotification: 0, heldWrites: 0 };
  private busy = false;
  private held: ((e: Error) => void) | null = null;
  private clock: Clock;

  constructor(readonly opts: FakeBleDeviceOptions) {
    super();
    this.name = opts.name ?? "Puck.js a1b2";
    this.id = "fake-" + this.name.replace(/\W+/g, "-");
    this.clock = opts.clock ?? wallClock;
    this.gatt = new FakeGattServer(this);
    this.service = new FakeService(this);
    opts.bridge.onOutput((b) => this.boardPrinted(b));
  }

  gattCheck(): void {
    if (!this.gatt.connected) throw domError("NetworkError", GATT_GONE);
  }

  private boardPrinted(b: Uint8Array): void {
    if (!this.gatt.connected || !this.notifying) return;
    for (var i = 0; i < b.length; i += NUS_CHUNK) {
      var part = b.slice(i, i + NUS_CHUNK);
      this.stats.notifications++;
      this.stats.maxNotification = Math.max(this.stats.maxNotification, part.length);
      this.service.tx.notify(part);
    }
  }

  write(c: FakeCharacteristic, v: BufferSource): Promise<void> {
    try {
      this.gattCheck();
      if (!c.properties.write) throw domError("NotSupportedError", "GATT operation not permitted.");
      if (this.busy) throw domError("NetworkError", "GATT operation already in progress.");
    } catch (e) {
      return Promise.reject(e);
    }
    var bytes = v instanceof ArrayBuffer ? new Uint8Array(v.slice(0)) : new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    // ATT error 0x0D from the board, as Chrome reports it.
    if (bytes.length > NUS_CHUNK) return Promise.reject(domError("InvalidModificationError", "GATT Error: invalid attribute length."));
    this.busy = true;
    return new Promise<void>((resolve, reject) => {
      this.held = (e) => { this.busy = false; this.held = null; reject(e); };
      var step = () => {
        if (!this.held) return;
        if (this.opts.bridge.inputSpace() < bytes.length) { this.stats.heldWrites++; this.clock.setTimeout(step, 1); return; }
        this.opts.bridge.toBoard(bytes);
        this.stats.writes++;
        this.stats.maxWrite = Math.max(this.stats.maxWrite, bytes.length);
        this.busy = false;
        this.held = null;
        resolve();
      };
      if (this.opts.writeMs) this.clock.setTimeout(step, this.opts.writeMs); else step();
    });
  }

  /** The link drops (out of range, board reset): operations fail, then the event. */
  dropped(): void {
    if (!this.gatt.connected) return;
    this.gatt.connected = false;
    this.notifying = false;
    if (this.held) this.held(domError("NetworkError", GATT_GONE));
    this.dispatchEvent(new Event("gattserverdisconnected"));
  }

  /** Test control: the board goes out of range. */
  disconnect(): void {
    this.inRange = false;
    this.dropped();
  }

  async forget(): Promise<void> {}
  async watchAdvertisements(): Promise<void> {}
}

/** navigator.bluetooth with fake devices: the chooser picks the first device a filter matches,
 * or is cancelled ("User cancelled the requestDevice() chooser.", as Chrome says). */
export class FakeBluetooth extends EventTarget {
  readonly devices: FakeBleDevice[] = [];
  cancel = false;
  add(d: FakeBleDevice): FakeBleDevice { this.devices.push(d); return d; }
  async getAvailability(): Promise<boolean> { return true; }
  async getDevices(): Promise<any[]> { return this.devices.slice(); }
  async requestDevice(options?: RequestDeviceOptions): Promise<any> {
    var o: any = options || {};
    if (!o.acceptAllDevices && !(o.filters && o.filters.length)) throw new TypeError("Failed to execute 'requestDevice' on 'Bluetooth': Either 'filters' should be present or 'acceptAllDevices' should be true, but not both.");
    var d = this.cancel ? undefined : this.devices.filter((x) => x.inRange && (o.acceptAllDevices || o.filters.some((f: BluetoothLEScanFilter) =>
      (f.name === undefined || f.name === x.name) && (f.namePrefix === undefined || x.name.indexOf(f.namePrefix) === 0) &&
      (f.services === undefined || f.services.every((s) => String(s).toLowerCase() === NUS_SERVICE)))))[0];
    if (!d) throw domError("NotFoundError", "User cancelled the requestDevice() chooser.");
    return d;
  }
}
