/// <reference types="w3c-web-usb" />
// Espruino's USB descriptors as WebUSB shows them. STM32 Espruino boards enumerate as
// 0483:5740 (ST's VCP IDs). F4 boards (Pico, WiFi, F4 Discovery): a composite device with an
// IAD (class EF/02/01), interface 0 CDC control 02/02/01 with interrupt IN 0x82, interface 1
// CDC data 0A with bulk OUT 0x03 and bulk IN 0x83, 64-byte packets. The F1 Original: device
// class 02, interrupt IN 0x82, bulk OUT 0x03, bulk IN 0x81 (ST's F1 VCP layout).
export type EspruinoUsbModel = "f4" | "f1";

export interface UsbLayout {
  deviceClass: number;
  deviceSubclass: number;
  deviceProtocol: number;
  productName: string;
  notifyIn: number;
  dataOut: number;
  dataIn: number;
}

export const LAYOUTS: Record<EspruinoUsbModel, UsbLayout> = {
  f4: { deviceClass: 0xef, deviceSubclass: 0x02, deviceProtocol: 0x01, productName: "Espruino Pico", notifyIn: 0x82, dataOut: 0x03, dataIn: 0x83 },
  f1: { deviceClass: 0x02, deviceSubclass: 0x00, deviceProtocol: 0x00, productName: "Espruino Original", notifyIn: 0x82, dataOut: 0x03, dataIn: 0x81 },
};

export const PACKET = 64;

function endpoint(address: number, type: USBEndpointType, packetSize: number): USBEndpoint {
  return { endpointNumber: address & 0x0f, direction: address & 0x80 ? "in" : "out", type, packetSize };
}

/** The one configuration (value 1) with its two interfaces; `claimed` is read live. */
export function espruinoConfiguration(l: UsbLayout, claimed: (n: number) => boolean): USBConfiguration {
  function iface(n: number, cls: number, sub: number, proto: number, eps: USBEndpoint[]): USBInterface {
    var alt: USBAlternateInterface = { alternateSetting: 0, interfaceClass: cls, interfaceSubclass: sub, interfaceProtocol: proto, interfaceName: null, endpoints: eps };
    return { interfaceNumber: n, alternate: alt, alternates: [alt], get claimed() { return claimed(n); } };
  }
  return {
    configurationValue: 1,
    configurationName: null,
    interfaces: [
      iface(0, 0x02, 0x02, 0x01, [endpoint(l.notifyIn, "interrupt", 8)]),
      iface(1, 0x0a, 0x00, 0x00, [endpoint(l.dataOut, "bulk", PACKET), endpoint(l.dataIn, "bulk", PACKET)]),
    ],
  };
}
