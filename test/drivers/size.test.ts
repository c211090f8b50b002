// The drivers' share of the 8 KB bundle budget: the minified size of what the core pulls in
// from firmware/drivers and boards/compact.ts (test/drivers/size.ts measures it with the real
// build's options). Was 11977 B before the drivers were merged into one family-table driver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { driversOnlyBytes } from "./size";

var BUDGET = 5600;

test("drivers + board data stay within " + BUDGET + " minified bytes", async () => {
  var n = await driversOnlyBytes();
  console.log("# drivers + boards: " + n + " B minified");
  assert.ok(n > 2000, "measured something: " + n);
  assert.ok(n <= BUDGET, n + " B: over budget, shrink the drivers or move data out of the bundle");
});
