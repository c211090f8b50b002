// Refuses heap moves while DMA owns a buffer: a buffer's address would change under a transfer
// programmed with the old one, and the controller would write into whatever moved there.
// Espruino 2v29 moves flat data in jsvDefragment() only, called from (src/jswrap_espruino.c,
// libs/filesystem/jswrap_file.c):
// - E.defrag();
// - E.toFlatString(...) when no flat block of the length is free;
// - E.openFile() when no flat block for the file's state is free.
// All three are guarded. Not guarded, because they call E.openFile's C code directly rather
// than through the E object: require("fs") readFile/writeFile/appendFile (and their *Sync
// forms) and the IDE's file-transfer packets; see the README (rule 6).
// The wrappers are installed once, on the first transfer, and stay (cheap: one flag test). They
// pass every argument through: E.toFlatString takes any number, and acts on how many it gets.
import { dmaError } from "../dmaengine/errors";

var busy = false;
var installed = false;

function guard(E: any, name: string): void {
  var orig = E[name];
  if (typeof orig === "function") E[name] = function () {
    if (busy) throw dmaError("EBUSY", "DMA in flight: terminateSync() before E." + name + "()");
    return orig.apply(E, arguments);
  };
}

/** Record whether a transfer is in flight; installs the wrappers on `E` the first time. */
export function setHeapBusy(E: any, yes: boolean): void {
  busy = yes;
  if (!installed && yes && E) {
    installed = true;
    guard(E, "defrag");
    guard(E, "toFlatString");
    guard(E, "openFile");
  }
}
