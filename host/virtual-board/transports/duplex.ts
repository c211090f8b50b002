// In-process transport: a Duplex stream whose writable side feeds the board's REPL and whose
// readable side carries what the board prints. The host's link code uses it like a serial port.
import { Duplex } from "node:stream";
import type { Repl } from "../repl/repl";

export function createDuplex(repl: Repl): Duplex {
  var off: (() => void) | null = null;
  var stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      repl.receive(chunk);
      cb();
    },
    final(cb) {
      if (off) off();
      cb();
    },
    destroy(err, cb) {
      if (off) off();
      cb(err);
    },
  });
  off = repl.onOutput((b) => { stream.push(Buffer.from(b)); });
  return stream;
}
