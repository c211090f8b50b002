// Fake devices put where a page looks for real ones: navigator.usb, navigator.serial and
// navigator.bluetooth, defined before the page loads (a test's addInitScript), so the page's
// own transports run unchanged against them. The board behind them is made when the page
// first sends it something (lazyBridge), so it can be the page's own in-page virtual board.
import type { BoardBridge } from "./bridge";
import type { Clock } from "./clock";
import { FakeUsb, FakeUsbDevice } from "./fake-usb";
import type { EspruinoUsbModel } from "./usb-descriptors";
import { FakeSerial, FakeSerialPort } from "./fake-serial";
import { FakeBluetooth, FakeBleDevice } from "./fake-ble";

export interface FakeDevicesConfig {
  usb?: { model?: EspruinoUsbModel; kernelDriver?: boolean } | false;
  serial?: { busy?: boolean } | false;
  bluetooth?: { name?: string } | false;
  clock?: Clock;
}

export interface InstalledFakes {
  usb?: FakeUsb;
  usbDevice?: FakeUsbDevice;
  serial?: FakeSerial;
  serialPort?: FakeSerialPort;
  bluetooth?: FakeBluetooth;
  bleDevice?: FakeBleDevice;
}

/** A bridge whose board is made on first use; listeners added before then are kept. */
export function lazyBridge(make: () => BoardBridge): BoardBridge {
  var real: BoardBridge | null = null;
  var early: { fn: (b: Uint8Array) => void; off: (() => void) | null; gone: boolean }[] = [];
  var get = (): BoardBridge => {
    if (!real) {
      real = make();
      for (const e of early) if (!e.gone) e.off = real.onOutput(e.fn);
      early = [];
    }
    return real;
  };
  return {
    toBoard: (b) => get().toBoard(b),
    inputSpace: () => get().inputSpace(),
    onOutput: (fn) => {
      if (real) return real.onOutput(fn);
      var e = { fn, off: null as (() => void) | null, gone: false };
      early.push(e);
      return () => { e.gone = true; if (e.off) e.off(); };
    },
  };
}

function define(nav: any, name: string, value: unknown): void {
  Object.defineProperty(nav, name, { value, configurable: true, enumerable: true });
}

/** Define the fakes on `nav` (a page's navigator); `bridge(kind)` gives each device's board. */
export function installFakeDevices(nav: any, bridge: (kind: "usb" | "serial" | "bluetooth") => BoardBridge, config: FakeDevicesConfig = {}): InstalledFakes {
  var out: InstalledFakes = {};
  if (config.usb !== false) {
    var u = config.usb || {};
    out.usb = new FakeUsb();
    out.usbDevice = out.usb.add(new FakeUsbDevice({ bridge: lazyBridge(() => bridge("usb")), model: u.model, kernelDriver: u.kernelDriver, clock: config.clock }));
    define(nav, "usb", out.usb);
  }
  if (config.serial !== false) {
    out.serial = new FakeSerial();
    out.serialPort = out.serial.add(new FakeSerialPort({ bridge: lazyBridge(() => bridge("serial")), busy: (config.serial || {}).busy, clock: config.clock }));
    define(nav, "serial", out.serial);
  }
  if (config.bluetooth !== false) {
    out.bluetooth = new FakeBluetooth();
    out.bleDevice = out.bluetooth.add(new FakeBleDevice({ bridge: lazyBridge(() => bridge("bluetooth")), name: (config.bluetooth || {}).name, clock: config.clock }));
    define(nav, "bluetooth", out.bluetooth);
  }
  return out;
}
