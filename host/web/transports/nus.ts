// The Nordic UART Service, as Espruino's nRF52 boards (Puck.js, Pixl.js, Bangle.js 2, MDBT42Q)
// offer their console over Bluetooth LE: the host writes to RX, the board notifies on TX.
// 20 bytes per write: the payload of the default 23-byte ATT MTU.
export const NUS_SERVICE = "6e400001-b5a3-f393-e0a9-e50e24dcca9e";
export const NUS_RX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e";
export const NUS_TX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e";
export const NUS_CHUNK = 20;

/** Espruino boards advertise their name; some advertise the service too. */
export const ESPRUINO_BLE_FILTERS = [
  { namePrefix: "Puck.js" }, { namePrefix: "Pixl.js" }, { namePrefix: "Bangle.js" }, { namePrefix: "MDBT42Q" },
  { namePrefix: "Espruino" }, { services: [NUS_SERVICE] },
];

export function chunks(bytes: Uint8Array, n = NUS_CHUNK): Uint8Array<ArrayBuffer>[] {
  var out: Uint8Array<ArrayBuffer>[] = [];
  for (var i = 0; i < bytes.length; i += n) out.push(bytes.slice(i, i + n));
  return out;
}
