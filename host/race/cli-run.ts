// Standalone entry of the race search (the same as `espdma race`), for long measurements:
//   node --import tsx host/race/cli-run.ts --board pico --schedules 100000 --mutant none
import { Command } from "commander";
import { registerRaceCommand } from "./command";

var program = new Command();
program.name("espdma");
registerRaceCommand(program);
try {
  program.parse(["node", "espdma", "race"].concat(process.argv.slice(2)));
} catch (e: any) {
  // A refused command line: its message, exit code 2 (as `espdma race` does), no stack.
  process.stderr.write("espdma: " + (e && e.message ? e.message : String(e)) + "\n");
  process.exitCode = 2;
}
