/// <reference types="w3c-web-usb" />
// A fake Espruino USB device for WebUSB (what navigator.usb hands a page), bridged to a board.
// It models what a CDC-ACM host meets on a real STM32 Espruino, from Espruino's sources:
// - IN packets of at most 63 bytes (Espruino never sends a full 64-byte packet, so every IN
//   transfer ends on a short packet and completes with what one packet holds);
// - OUT held off: a packet is not taken while the board's input buffer has no room for it
//   (the STM32 NAKs OUT until there is space), so a transferOut then does not complete;
// - the idle console hand-off (targets/stm32/jshardware.c): a counter counts SysTicks (about
//   200 ms on an 84 MHz F4: 2^24 cycles) since the host last asked for data; at 10
//   (JSH_USB_MAX_INACTIVITY_TICKS) USB counts as disconnected (here: 10 SysTicks of the
//   clock's time, checked each SysTick, so a page whose timers run late still hands off), jshIdle moves the console to
//   Serial1 and clears the USB transmit queue, and output for USB is dropped
//   (src/jsdevices.c). Here "asking for data" is having a transferIn pending. When the host
//   asks again, the console comes back and jsiSetConsoleDevice prints "<- Serial1" on USB
//   (src/jsinteractive.c; it also prints at the first read after the device is opened, as
//   the console was elsewhere while nobody read);
// - SET_LINE_CODING and SET_CONTROL_LINE_STATE are accepted and recorded, and ignored;
// - unplug: pending transfers fail as Chrome fails them, then a 'disconnect' event;
// - kernelDriver: an OS driver (Linux cdc_acm, Windows usbser, macOS) holds the CDC
//   interfaces, so claimInterface rejects as Chrome does ("Unable to claim interface.").
// Time is a Clock (wall clock in a page, ManualClock in tests).
import type { BoardBridge } from "./bridge";
import { Clock, wallClock } from "./clock";
import { domError } from "./dom-error";
import { EspruinoUsbModel, LAYOUTS, PACKET, UsbLayout, espruinoConfiguration } from "./usb-descriptors";

export interface FakeUsbDeviceOptions {
  bridge: BoardBridge;
  /** "f4" (Pico, WiFi, F4 Discovery: the default) or "f1" (the Original). */
  model?: EspruinoUsbModel;
  clock?: Clock;
  /** An OS driver holds the CDC interfaces: claimInterface rejects. */
  kernelDriver?: boolean;
  /** SysTick period, ms (default 200) and ticks without a read before the hand-off (10). */
  sysTickMs?: number;
  idleTicks?: number;
  serialNumber?: string;
}

const MAX_IN = PACKET - 1;
const DISCONNECTED = "The device was disconnected.";

interface InRequest { length: number; resolve: (r: USBInTransferResult) => void; reject: (e: Error) => void }

export class FakeUsbDevice {
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 0;
  readonly usbVersionSubminor = 0;
  readonly vendorId = 0x0483;
  readonly productId = 0x5740;
  readonly deviceVersionMajor = 2;
  readonly deviceVersionMinor = 0;
  readonly deviceVersionSubminor = 0;
  readonly manufacturerName = "STMicroelectronics";
  readonly productName: string;
  readonly serialNumber: string;
  readonly deviceClass: number;
  readonly deviceSubclass: number;
  readonly deviceProtocol: number;
  readonly configurations: USBConfiguration[];
  /** Configured by the OS at enumeration, as a real device is before a page opens it. */
  configuration: USBConfiguration | null;
  opened = false;
  connected = true;
  /** What the host set (Espruino ignores both). */
  lineCoding: { baudRate: number; stopBits: number; parity: number; dataBits: number } | null = null;
  controlLines: number | null = null;
  readonly stats = { inPackets: 0, maxInPacket: 0, outPackets: 0, heldOut: 0, handOffs: 0, droppedBytes: 0 };
  /** Set by FakeUsb.add: where 'disconnect' is dispatched. */
  owner: EventTarget | null = null;

  private layout: UsbLayout;
  private clock: Clock;
  private claimedSet = new Set<number>();
  /** Espruino's USB transmit queue. */
  private tx: number[] = [];
  private ins: InRequest[] = [];
  /** Reads of the notification endpoint: Espruino sends no serial state, so they only end. */
  private quietIns: InRequest[] = [];
  private outs: { fail: (e: Error) => void }[] = [];
  private outChain: Promise<unknown> = Promise.resolve();
  /** Console on USB (jshIsUSBSERIALConnected): not until the host first asks for data. */
  consoleOnUsb = false;
  /** Last time the host had a read pending. */
  private readAt = 0;
  /** Test control: until then the host's pending reads count as not there (starveReads). */
  private starvedUntil = -Infinity;
  private tick: unknown = null;
  private offOutput: () => void;

  constructor(readonly opts: FakeUsbDeviceOptions) {
    this.layout = LAYOUTS[opts.model ?? "f4"];
    this.clock = opts.clock ?? wallClock;
    this.productName = this.layout.productName;
    this.serialNumber = opts.serialNumber ?? "3267365A3333";
    this.deviceClass = this.layout.deviceClass;
    this.deviceSubclass = this.layout.deviceSubclass;
    this.deviceProtocol = this.layout.deviceProtocol;
    this.configurations = [espruinoConfiguration(this.layout, (n) => this.claimedSet.has(n))];
    this.configuration = this.configurations[0];
    this.offOutput = opts.bridge.onOutput((b) => this.boardPrinted(b));
  }

  // ------------------------------------------------------------------ the board's side

  private boardPrinted(b: Uint8Array): void {
    if (!this.connected) return;
    // Off USB, the console prints on Serial1: nothing reaches this host.
    if (!this.consoleOnUsb) { this.stats.droppedBytes += b.length; return; }
    for (var i = 0; i < b.length; i++) this.tx.push(b[i]);
    this.deliver();
  }

  /** Is the host asking for data now? */
  private reading(): boolean {
    return this.ins.length > 0 && this.clock.now() >= this.starvedUntil;
  }

  private deliver(): void {
    if (this.reading()) this.readAt = this.clock.now();
    while (this.reading() && this.tx.length) {
      var req = this.ins.shift()!;
      var n = Math.min(MAX_IN, this.tx.length);
      var packet = new Uint8Array(this.tx.splice(0, n));
      this.stats.inPackets++;
      this.stats.maxInPacket = Math.max(this.stats.maxInPacket, n);
      // A packet longer than the transfer asked for overflows it (USB babble).
      var babble = n > req.length;
      var data = babble ? packet.slice(0, req.length) : packet;
      req.resolve({ status: babble ? "babble" : "ok", data: new DataView(data.buffer) } as USBInTransferResult);
    }
  }

  /** One SysTick: the inactivity counter, and the hand-off when it reaches the limit. */
  private sysTick(): void {
    this.tick = null;
    if (!this.connected || !this.opened) return;
    var now = this.clock.now(), ms = this.opts.sysTickMs ?? 200;
    if (this.reading()) this.readAt = now;
    if (this.consoleOnUsb && now - this.readAt >= (this.opts.idleTicks ?? 10) * ms) {
      this.consoleOnUsb = false;
      this.stats.handOffs++;
      this.stats.droppedBytes += this.tx.length;
      this.tx = [];
    }
    this.tick = this.clock.setTimeout(() => this.sysTick(), ms);
  }

  /** The host asks for data: the console comes back to USB, saying so (jshIdle runs often). */
  private hostReads(): void {
    if (!this.reading()) return;
    this.readAt = this.clock.now();
    if (this.consoleOnUsb) return;
    this.consoleOnUsb = true;
    this.boardPrinted(latin1("<- Serial1\r\n"));
  }

  // ------------------------------------------------------------------ test controls

  /** For `ms`, the board sees no read from the host even while transfers are pending, as
   * when the host's USB stack stops polling (a page blocked or frozen): the hand-off follows
   * after 2 s; then the reads count again, and the console comes back. */
  starveReads(ms: number): void {
    this.starvedUntil = this.clock.now() + ms;
    this.clock.setTimeout(() => { this.hostReads(); this.deliver(); }, ms);
  }

  /** Pull the plug: pending transfers fail, then navigator.usb fires 'disconnect'. */
  unplug(): void {
    if (!this.connected) return;
    this.connected = false;
    this.stop(domError("NotFoundError", DISCONNECTED));
    this.opened = false;
    this.offOutput();
    if (this.owner) {
      var ev = new Event("disconnect");
      Object.defineProperty(ev, "device", { value: this });
      this.owner.dispatchEvent(ev);
    }
  }

  private stop(err: Error): void {
    if (this.tick !== null) { this.clock.clearTimeout(this.tick); this.tick = null; }
    var ins = this.ins.concat(this.quietIns), outs = this.outs;
    this.ins = [];
    this.quietIns = [];
    this.outs = [];
    for (const r of ins) r.reject(err);
    for (const o of outs) o.fail(err);
    this.claimedSet.clear();
    this.consoleOnUsb = false;
    this.tx = [];
  }

  // ------------------------------------------------------------------ USBDevice

  private check(needOpen = true): void {
    if (!this.connected) throw domError("NotFoundError", DISCONNECTED);
    if (needOpen && !this.opened) throw domError("InvalidStateError", "The device must be opened first.");
  }

  /** An endpoint of a claimed interface in the current configuration, or why not. */
  private endpoint(direction: USBDirection, n: number): USBEndpoint {
    this.check();
    for (const i of this.configuration ? this.configuration.interfaces : []) {
      for (const e of i.alternate.endpoints) if (e.direction === direction && e.endpointNumber === n && this.claimedSet.has(i.interfaceNumber)) return e;
    }
    throw domError("NotFoundError", "The specified endpoint is not part of a claimed and selected alternate interface.");
  }

  async open(): Promise<void> {
    this.check(false);
    if (this.opened) return;
    this.opened = true;
    this.readAt = this.clock.now();
    this.tick = this.clock.setTimeout(() => this.sysTick(), this.opts.sysTickMs ?? 200);
  }

  async close(): Promise<void> {
    this.check(false);
    if (!this.opened) return;
    this.stop(domError("AbortError", "The transfer was cancelled."));
    this.opened = false;
  }

  async forget(): Promise<void> {
    if (this.opened) await this.close();
  }

  async selectConfiguration(value: number): Promise<void> {
    this.check();
    var c = this.configurations.filter((x) => x.configurationValue === value)[0];
    if (!c) throw domError("NotFoundError", "The configuration value provided is not supported by the device.");
    this.configuration = c;
  }

  async claimInterface(n: number): Promise<void> {
    this.check();
    var i = this.configuration && this.configuration.interfaces.filter((x) => x.interfaceNumber === n)[0];
    if (!i) throw domError("NotFoundError", "The interface number provided is not supported by the device in its current configuration.");
    // Chrome's message when the OS refuses (another driver has the interface).
    if (this.opts.kernelDriver) throw domError("NetworkError", "Unable to claim interface.");
    this.claimedSet.add(n);
  }

  async releaseInterface(n: number): Promise<void> {
    this.check();
    this.claimedSet.delete(n);
  }

  async selectAlternateInterface(n: number, alt: number): Promise<void> {
    this.check();
    if (!this.claimedSet.has(n)) throw domError("InvalidStateError", "The specified interface has not been claimed.");
    if (alt !== 0) throw domError("NotFoundError", "The alternate setting provided is not supported by the device in its current configuration.");
  }

  private controlCheck(setup: USBControlTransferParameters): void {
    this.check();
    if (setup.recipient === "interface" && !this.claimedSet.has(setup.index & 0xff)) throw domError("InvalidStateError", "The specified interface has not been claimed.");
  }

  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    this.controlCheck(setup);
    var bytes = data ? bytesOf(data) : new Uint8Array(0);
    if (setup.requestType === "class" && setup.request === 0x20 && bytes.length >= 7) {
      var v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.lineCoding = { baudRate: v.getUint32(0, true), stopBits: bytes[4], parity: bytes[5], dataBits: bytes[6] };
    } else if (setup.requestType === "class" && setup.request === 0x22) {
      this.controlLines = setup.value;
    } else {
      return { status: "stall", bytesWritten: 0 } as USBOutTransferResult;
    }
    return { status: "ok", bytesWritten: bytes.length } as USBOutTransferResult;
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.controlCheck(setup);
    if (setup.requestType === "class" && setup.request === 0x21 && this.lineCoding) {
      var b = new Uint8Array(7), v = new DataView(b.buffer);
      v.setUint32(0, this.lineCoding.baudRate, true);
      b[4] = this.lineCoding.stopBits; b[5] = this.lineCoding.parity; b[6] = this.lineCoding.dataBits;
      return { status: "ok", data: new DataView(b.buffer, 0, Math.min(7, length)) } as USBInTransferResult;
    }
    return { status: "stall" } as USBInTransferResult;
  }

  async clearHalt(direction: USBDirection, n: number): Promise<void> {
    this.endpoint(direction, n);
  }

  transferIn(n: number, length: number): Promise<USBInTransferResult> {
    try { this.endpoint("in", n); } catch (e) { return Promise.reject(e); }
    return new Promise((resolve, reject) => {
      if (n !== (this.layout.dataIn & 0x0f)) { this.quietIns.push({ length, resolve, reject }); return; }
      this.ins.push({ length, resolve, reject });
      this.hostReads();
      this.deliver();
    });
  }

  transferOut(n: number, data: BufferSource): Promise<USBOutTransferResult> {
    try { this.endpoint("out", n); } catch (e) { return Promise.reject(e); }
    var bytes = bytesOf(data).slice();
    var run = this.outChain.then(() => this.sendPackets(bytes));
    this.outChain = run.catch(() => undefined);
    return run;
  }

  /** OUT packet by packet, each waiting until the board has room for it. */
  private sendPackets(bytes: Uint8Array): Promise<USBOutTransferResult> {
    return new Promise((resolve, reject) => {
      var at = 0, timer: unknown = null;
      var entry = { fail: (e: Error) => { if (timer !== null) this.clock.clearTimeout(timer); reject(e); } };
      if (!this.connected || !this.opened) return reject(domError(this.connected ? "AbortError" : "NotFoundError", this.connected ? "The transfer was cancelled." : DISCONNECTED));
      this.outs.push(entry);
      var step = () => {
        timer = null;
        if (this.outs.indexOf(entry) < 0) return;
        while (at < bytes.length) {
          var packet = bytes.subarray(at, at + PACKET);
          if (this.opts.bridge.inputSpace() < packet.length) {
            this.stats.heldOut++;
            timer = this.clock.setTimeout(step, 1); // the host retries the NAKed packet
            return;
          }
          this.opts.bridge.toBoard(packet.slice());
          this.stats.outPackets++;
          at += packet.length;
        }
        this.outs = this.outs.filter((x) => x !== entry);
        resolve({ status: "ok", bytesWritten: bytes.length } as USBOutTransferResult);
      };
      step();
    });
  }

  isochronousTransferIn(): Promise<USBIsochronousInTransferResult> {
    return Promise.reject(domError("NotFoundError", "The specified endpoint is not part of a claimed and selected alternate interface."));
  }

  isochronousTransferOut(): Promise<USBIsochronousOutTransferResult> {
    return Promise.reject(domError("NotFoundError", "The specified endpoint is not part of a claimed and selected alternate interface."));
  }

  async reset(): Promise<void> {
    this.check();
  }
}

/** navigator.usb with fake devices: the chooser picks the first device the filters match, or
 * is cancelled ("No device selected.", as Chrome says) when `cancel` is set or none match. */
export class FakeUsb extends EventTarget {
  onconnect: ((this: any, ev: any) => any) | null = null;
  ondisconnect: ((this: any, ev: any) => any) | null = null;
  readonly devices: FakeUsbDevice[] = [];
  private granted = new Set<FakeUsbDevice>();
  cancel = false;

  add(d: FakeUsbDevice): FakeUsbDevice {
    d.owner = this;
    this.devices.push(d);
    return d;
  }

  async getDevices(): Promise<USBDevice[]> {
    return this.devices.filter((d) => d.connected && this.granted.has(d)) as unknown as USBDevice[];
  }

  async requestDevice(options?: USBDeviceRequestOptions): Promise<USBDevice> {
    var filters = (options && options.filters) || [];
    var d = this.cancel ? undefined : this.devices.filter((x) => x.connected && (!filters.length || filters.some((f) => matches(x, f))))[0];
    if (!d) throw domError("NotFoundError", "No device selected.");
    this.granted.add(d);
    return d as unknown as USBDevice;
  }
}

function matches(d: FakeUsbDevice, f: USBDeviceFilter): boolean {
  if (f.vendorId !== undefined && f.vendorId !== d.vendorId) return false;
  if (f.productId !== undefined && f.productId !== d.productId) return false;
  if (f.serialNumber !== undefined && f.serialNumber !== d.serialNumber) return false;
  if (f.classCode !== undefined) {
    var classes = [d.deviceClass].concat(d.configurations[0].interfaces.map((i) => i.alternate.interfaceClass));
    if (classes.indexOf(f.classCode) < 0) return false;
  }
  return true;
}

function bytesOf(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function latin1(s: string): Uint8Array {
  var b = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
