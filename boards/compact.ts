// What the firmware bundle needs of the boards, in a few bytes: the full data (boards/*.ts, read
// by the host and the virtual board) is far too large for an 8 KB bundle. Everything else the
// drivers need follows from the family (DMA and RCC addresses, timer addresses: see
// firmware/drivers/stm32.ts). test/drivers/boards.test.ts checks that this table and the
// drivers' formulas agree with the full board files, so the two cannot drift apart.

// The STM32 tables are strings, read by rows() when needed: on Espruino a string literal in
// code loaded from Storage costs nothing until it runs, where nested arrays and objects cost a
// variable block per element at load (measured on 2v29, Pico layout: the three tables as
// arrays and objects kept 105 blocks, as strings none until a lookup).

/** Rows ";", fields " ": [our name, Espruino's process.env.BOARD, family (4: F2/F4 stream DMA,
 * 1: F1 channel DMA), KB of DMA-reachable RAM from 0x20000000 (CCM and flash are not in it),
 * HCLK in MHz]. f4discovery: SRAM1 (112 KB) and SRAM2 (16 KB) are contiguous; the 64 KB CCM at
 * 0x10000000 is CPU-only. */
export var BOARDS = "pico PICO_R1_3 4 96 84;wifi ESPRUINOWIFI 4 128 100;original ESPRUINOBOARD 1 48 72;f4discovery STM32F4DISCOVERY 4 128 168";

// Request lines: the line's name, then the streams (F4) or channels (F1) that serve it, each
// coded as DMA number * 100 + stream or channel number * 10 + channel selection (F4
// SxCR.CHSEL), first choice first. Memory-to-memory: any stream of DMA2 on the F4 (RM0090
// 10.3.6), any channel on the F1 (RM0008 13.3.3). Timer update events: RM0090 tables 42-43
// (RM0368 and RM0383 tables 27-28 map these lines the same way), RM0008 table 78.
// Memory-to-memory takes the streams/channels that are the only ones for a timer line last, so
// a few memcpy channels do not lock out timer pacing.
export var F4_REQUESTS = "MEM2MEM 200 210 220 230 240 260 270 250;TIM1_UP 256;TIM2_UP 113 173;TIM3_UP 125;TIM4_UP 162;TIM5_UP 106 166";
export var F1_REQUESTS = "MEM2MEM 210 220 230 240 250 110 140 160 120 130 150 170;TIM1_UP 150;TIM2_UP 120;TIM3_UP 130;TIM4_UP 170";

/** A table's rows, each an array of its fields, numbers as numbers (for the host and tests;
 * the firmware reads the few fields it needs itself). */
export function rows(table: string): any[][] {
  return table.split(";").map(function (r) {
    return r.split(" ").map(function (v) { return v < "A" ? +v : v; });
  });
}

/** nRF52 boards, for the nRF52 bundle (firmware/nrf52.ts) only, so the STM32 bundle does not
 * carry them: [our name, Espruino's process.env.BOARD, part (832 / 840), KB of Data RAM from
 * 0x20000000 (the only memory EasyDMA reaches), HFCLK in MHz]. */
export var NRF_BOARDS: any[][] = [
  ["puckjs", "PUCKJS", 832, 64, 64],
  ["pixljs", "PIXLJS", 832, 64, 64],
  ["mdbt42q", "MDBT42Q", 832, 64, 64],
  ["banglejs2", "BANGLEJS2", 840, 256, 64],
];
