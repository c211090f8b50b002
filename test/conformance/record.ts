// `npm run conformance`: run every program on the real interpreter named by $ESPRUINO_PICO
// (a path to an Espruino Linux build) and compare with its golden file;
// `npm run conformance -- --record` writes the golden files from that interpreter instead.
// `npm run conformance -- name...` limits it to some programs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { programs, source, runReal, describe, readGolden, formatGolden, interpreterFor, GOLDEN } from "./harness";
// The real interpreter is compared exactly, also for programs the virtual board matches
// within a tolerance: re-running a program on the same binary gives the same output.

var args = process.argv.slice(2);
var record = args.includes("--record");
var only = args.filter((a) => !a.startsWith("--"));
var names = programs().filter((n) => !only.length || only.includes(n));
var failed = 0, described = new Map<string, string>();
for (const name of names) {
  var bin = interpreterFor(name);
  if (!bin) {
    console.error("ESPRUINO_PICO is not set: set it to an Espruino Linux build with the Pico's 5,100 variables (see README, Conformance)");
    process.exit(2);
  }
  if (!described.has(bin)) described.set(bin, describe(bin));
  var got = runReal(bin, source(name));
  if (record) {
    writeFileSync(join(GOLDEN, name + ".out"), formatGolden(name, described.get(bin)!, got), "latin1");
    console.log("recorded " + name);
    continue;
  }
  var g = readGolden(name);
  if (!g) { console.log("NO GOLDEN " + name + " (record it with --record)"); failed++; continue; }
  if (g.body === got) console.log("ok " + name);
  else { failed++; console.log("DIFFERS " + name + "\n--- golden\n" + g.body + "--- " + bin + "\n" + got); }
}
process.exit(failed ? 1 : 0);
