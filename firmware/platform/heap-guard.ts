// Refuses heap moves while DMA owns a buffer. E.defrag() moves flat data and E.toFlatString()
// may run the defragmenter when memory is tight (espruino-compat.md): a buffer's address would
// change under a running transfer and the controller would write into whatever moved there.
// The wrappers are installed once, on the first transfer, and stay (cheap: one flag test).
import { dmaError } from "../dmaengine/errors";

var busy = false;
var installed = false;

function guard(E: any, name: string): void {
  var orig = E[name];
  if (typeof orig === "function") E[name] = function (a: any, b: any) {
    if (busy) throw dmaError("EBUSY", "DMA in flight: terminateSync() before E." + name + "()");
    return orig.call(E, a, b);
  };
}

/** Record whether a transfer is in flight; installs the wrappers on `E` the first time. */
export function setHeapBusy(E: any, yes: boolean): void {
  busy = yes;
  if (!installed && yes && E) {
    installed = true;
    guard(E, "defrag");
    guard(E, "toFlatString");
  }
}
