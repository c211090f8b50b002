/// <reference types="w3c-web-usb" />
// CDC-ACM over WebUSB, the parts that read descriptors and speak the class requests (USB CDC
// 1.1 / PSTN 1.2): find the data interface (class 0x0A) and its two bulk endpoints, and the
// control interface (class 0x02, subclass 0x02 ACM) the class requests are addressed to.
// Endpoints come from the descriptors: Espruino F4 boards use 0x03 OUT / 0x83 IN, the F1
// Original 0x03 OUT / 0x81 IN.
import { LinkError } from "../../link/transport";
import { hex4 } from "./bytes";

export const CDC_DATA_CLASS = 0x0a, CDC_CONTROL_CLASS = 0x02;
export const SET_LINE_CODING = 0x20, SET_CONTROL_LINE_STATE = 0x22;

export interface CdcLayout {
  configurationValue: number;
  /** The control interface, if the device has one (class requests go to it). */
  control: number | null;
  data: number;
  alternateSetting: number;
  inEndpoint: number;
  outEndpoint: number;
  inPacketSize: number;
  outPacketSize: number;
}

/** The first configuration with a CDC data interface that has a bulk IN and a bulk OUT. */
export function findCdcLayout(device: USBDevice): CdcLayout {
  for (const c of device.configurations) {
    var control: number | null = null;
    for (const i of c.interfaces) {
      for (const a of i.alternates) if (a.interfaceClass === CDC_CONTROL_CLASS && control === null) control = i.interfaceNumber;
    }
    for (const i of c.interfaces) {
      for (const a of i.alternates) {
        if (a.interfaceClass !== CDC_DATA_CLASS) continue;
        var inEp = a.endpoints.filter((e) => e.type === "bulk" && e.direction === "in")[0];
        var outEp = a.endpoints.filter((e) => e.type === "bulk" && e.direction === "out")[0];
        if (!inEp || !outEp) continue;
        return {
          configurationValue: c.configurationValue, control, data: i.interfaceNumber, alternateSetting: a.alternateSetting,
          inEndpoint: inEp.endpointNumber, outEndpoint: outEp.endpointNumber, inPacketSize: inEp.packetSize, outPacketSize: outEp.packetSize,
        };
      }
    }
  }
  throw new LinkError("The USB device " + hex4(device.vendorId) + ":" + hex4(device.productId) + (device.productName ? " (" + device.productName + ")" : "") +
    " has no CDC serial data interface (class 0x0A with bulk IN and OUT): it is not a serial board. Pick the Espruino (0483:5740) in the chooser.", "ENOTCDC");
}

/** The 7 bytes of SET_LINE_CODING: rate (little endian), 1 stop bit, no parity, 8 data bits. */
export function lineCoding(baudRate: number): Uint8Array<ArrayBuffer> {
  var b = new Uint8Array(7);
  new DataView(b.buffer).setUint32(0, baudRate, true);
  b[6] = 8;
  return b;
}

/** Line coding, then DTR and RTS up: Espruino ignores both, other CDC devices wait for DTR. */
export async function setupLine(device: USBDevice, l: CdcLayout, baudRate: number): Promise<void> {
  if (l.control === null) return;
  var index = l.control;
  await device.controlTransferOut({ requestType: "class", recipient: "interface", request: SET_LINE_CODING, value: 0, index }, lineCoding(baudRate));
  await device.controlTransferOut({ requestType: "class", recipient: "interface", request: SET_CONTROL_LINE_STATE, value: 0x03, index });
}
