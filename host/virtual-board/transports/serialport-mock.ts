// node-serialport's mock binding with the virtual board on its far side. attachMockPort(repl,
// path) creates a MockBinding port; when the host opens that path with serialport's own stream
// code (`new SerialPortStream({ binding: MockBinding, path, baudRate })`), bytes the host
// writes go to the REPL and bytes the board prints arrive as received data (emitData).
import { MockBinding } from "@serialport/binding-mock";
import type { Repl } from "../repl/repl";

export { MockBinding };

const attached = new Map<string, Repl>();
let wrapped = false;

function wrapOpen(): void {
  if (wrapped) return;
  wrapped = true;
  var open = MockBinding.open.bind(MockBinding);
  (MockBinding as any).open = async function (options: any) {
    var port = await open(options);
    var repl = attached.get(options.path);
    if (!repl) return port;
    var write = port.write.bind(port);
    port.write = async function (buffer: Buffer) {
      await write(buffer);
      repl!.receive(Buffer.from(buffer));
    };
    var off = repl.onOutput((b) => { if (port.isOpen) port.emitData(Buffer.from(b)); });
    var close = port.close.bind(port);
    port.close = async function () { off(); return close(); };
    return port;
  };
}

/** Create mock port `path` wired to the board's REPL; `usb` is what serialport's list reports
 * for it (e.g. an STM32 Espruino's vendorId "0483", productId "5740"). Returns a function that
 * detaches it. */
export function attachMockPort(repl: Repl, path = "/dev/virtual-espruino", usb: { vendorId?: string; productId?: string; manufacturer?: string; serialNumber?: string } = {}): () => void {
  wrapOpen();
  MockBinding.createPort(path, { echo: false, record: true, ...usb });
  attached.set(path, repl);
  return () => { attached.delete(path); };
}
