// The drivers' share of the 8 KB bundle budget: the minified size of what the core pulls in
// from firmware/drivers and boards/compact.ts (test/drivers/size.ts measures it with the real
// build's options). Was 11977 B before the drivers were merged into one family-table driver,
// 5343 B before the size pass that shared the segment programming and the direction strings.
// The whole bundle has a ceiling too, so that a regression shows here and not on a board:
// 15276 B before that pass, 13912 B after (issue 7's target, 8 KB, is not reached: README);
// 14118 B after the review fixes (pinning checks, per-family item limits, clearer messages),
// 14145 B before issue 11's fixes and 14761 B after them (timeout, overlap, moved-buffer and
// pause/resume checks, callbacks-first synchronize, failing starts in the poll). Issue 10
// adds about 880 B (terser hoist_vars/hoist_funs, +28, so that no name is used before its
// declaration on Espruino; setup({board}); alloc() that works for every n, with its errors);
// issue 11's poll rework about 860 B (due-time schedule, back-off, one timer that is also the
// completion task, allocation-free idle poll, scatter-gather segments timed from their chaining);
// issue 12 about 500 B (FIFO-mode residue and periods, packing-safe resume, F1 GPIO widths).
// Issue 14 trades bytes for RAM, which is what the board pays: +120 B for the board and request
// tables as strings (-90 variable blocks at load on the Pico layout, code loaded from Storage
// stays in flash) and the synchronize()/terminateAsync() fast paths (16,984 -> 17,106 B);
// +10 B for the priority and flag names as strings (-21 blocks from load to first use).
// +15 B (17,106 -> 17,121): alloc() asks process.memory(false) first, so it collects garbage
// (the whole variable table on the board, a full V8 GC on the virtual board) only when room
// looks short or no flat block came.
import { test } from "node:test";
import assert from "node:assert/strict";
import { driversOnlyBytes, bundleBytes } from "./size";

var BUDGET = 6310;
var BUNDLE_CEILING = 17125;

test("the whole bundle stays within " + BUNDLE_CEILING + " minified bytes", async () => {
  var n = await bundleBytes();
  console.log("# bundle: " + n + " B minified");
  assert.ok(n > 5000, "measured something: " + n);
  assert.ok(n <= BUNDLE_CEILING, n + " B: the bundle grew, every byte is board RAM: shrink it back");
});

test("drivers + board data stay within " + BUDGET + " minified bytes", async () => {
  var n = await driversOnlyBytes();
  console.log("# drivers + boards: " + n + " B minified");
  assert.ok(n > 2000, "measured something: " + n);
  assert.ok(n <= BUDGET, n + " B: over budget, shrink the drivers or move data out of the bundle");
});
