// Shared set-up for the runtime and REPL tests: a real virtual MCU, loop and runtime.
import { createMcu } from "../../../host/virtual-board/mcu/index";
import { findBoard } from "../../../boards/index";
import { EventLoop } from "../../../host/virtual-board/event-loop";
import { Runtime } from "../../../host/virtual-board/runtime/runtime";

export function makeRuntime(boardName = "pico") {
  var board = findBoard(boardName)!;
  var mcu = createMcu({ board, seed: 7 });
  var loop = new EventLoop(mcu);
  var out: string[] = [];
  var rt = new Runtime({ mcu, loop, write: (t) => out.push(t) });
  return {
    mcu, loop, rt, out,
    text: () => out.join(""),
    clear: () => { out.length = 0; },
    /** Evaluate and return the value, failing the test on an uncaught error. */
    run(code: string): any {
      var r = rt.evaluate(code);
      if (!r.ok) throw new Error("evaluation failed: " + r.text);
      return r.value;
    },
  };
}

/** Let the current job end, so WeakRef targets are no longer kept alive (KeepDuringJob). */
export function nextJob(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
