import type { BoardDef } from "./types";
import { pico } from "./pico";
import { wifi } from "./wifi";
import { original } from "./original";
import { f4discovery } from "./f4discovery";
import { puckjs } from "./puckjs";
import { pixljs } from "./pixljs";
import { mdbt42q } from "./mdbt42q";
import { banglejs2 } from "./banglejs2";

export type { BoardDef } from "./types";
export var boards: BoardDef[] = [pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2];

/** Finds a board by our name ("pico") or by Espruino's process.env.BOARD ("PICO_R1_3"). */
export function findBoard(name: string): BoardDef | undefined {
  var n = String(name).toLowerCase();
  for (var i = 0; i < boards.length; i++) {
    var b = boards[i];
    if (b.name === n) return b;
    for (var j = 0; j < b.envBoard.length; j++) if (b.envBoard[j].toLowerCase() === n) return b;
  }
  return undefined;
}
