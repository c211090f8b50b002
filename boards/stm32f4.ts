import type { DmaInstance, GpioDef, RequestLine, TimerDef } from "./types";

// Shared by the F401/F411/F407 boards: the parts of the memory map and request map that are
// the same on all three (RM0368 2.3 / RM0383 2.3 / RM0090 2.3 memory maps; DMA request
// mapping RM0368 table 27/28, RM0090 table 42/43).

export const f4Dma: DmaInstance[] = [
  { name: "DMA1", base: 0x40026000, kind: "stream", count: 8, mem2mem: false, rccBit: 21 },
  { name: "DMA2", base: 0x40026400, kind: "stream", count: 8, mem2mem: true, rccBit: 22 },
];

/** RCC at 0x40023800, AHB1ENR at +0x30 (DMA1EN bit 21, DMA2EN bit 22). */
export const f4Rcc = { base: 0x40023800, dmaEnr: 0x30 };

export const f4Requests: { [name: string]: RequestLine[] } = {
  // Memory-to-memory: any stream of DMA2 (RM0090 10.3.6); channel selection is irrelevant.
  // Stream 5, the only one for TIM1_UP, last, so memcpy channels do not lock out pacing.
  MEM2MEM: [
    { dma: "DMA2", stream: 0, channel: 0 }, { dma: "DMA2", stream: 1, channel: 0 },
    { dma: "DMA2", stream: 2, channel: 0 }, { dma: "DMA2", stream: 3, channel: 0 },
    { dma: "DMA2", stream: 4, channel: 0 }, { dma: "DMA2", stream: 6, channel: 0 },
    { dma: "DMA2", stream: 7, channel: 0 }, { dma: "DMA2", stream: 5, channel: 0 },
  ],
  TIM1_UP: [{ dma: "DMA2", stream: 5, channel: 6 }],
  TIM2_UP: [{ dma: "DMA1", stream: 1, channel: 3 }, { dma: "DMA1", stream: 7, channel: 3 }],
  TIM3_UP: [{ dma: "DMA1", stream: 2, channel: 5 }],
  TIM4_UP: [{ dma: "DMA1", stream: 6, channel: 2 }],
  TIM5_UP: [{ dma: "DMA1", stream: 0, channel: 6 }, { dma: "DMA1", stream: 6, channel: 6 }],
};

/** General-purpose timers on APB1 (RCC APB1ENR at +0x40). With the APB1 prescaler > 1 the
 * timer clock is twice PCLK1, i.e. HCLK on the F401/F411 at /2 and HCLK/2 on the F407 at /4. */
export function f4Timers(hclk: number): TimerDef[] {
  var t = hclk > 100000000 ? hclk / 2 : hclk;
  return [
    { name: "TIM2", base: 0x40000000, enr: 0x40, bit: 0, clockHz: t, updateRequest: "TIM2_UP" },
    { name: "TIM3", base: 0x40000400, enr: 0x40, bit: 1, clockHz: t, updateRequest: "TIM3_UP" },
    { name: "TIM4", base: 0x40000800, enr: 0x40, bit: 2, clockHz: t, updateRequest: "TIM4_UP" },
    { name: "TIM5", base: 0x40000c00, enr: 0x40, bit: 3, clockHz: t, updateRequest: "TIM5_UP" },
    // TIM1 (advanced, APB2, APB2ENR at +0x44 bit 0): its update request goes to DMA2, the only
    // controller whose peripheral port reaches AHB1 (GPIO); DMA1's reaches APB1 only (RM0090
    // figure 1). Timer clock = HCLK (APB2 at /1 on F401/F411, at /2 doubled on the F407).
    { name: "TIM1", base: 0x40010000, enr: 0x44, bit: 0, clockHz: hclk, updateRequest: "TIM1_UP" },
  ];
}

/** GPIO on AHB1 (AHB1ENR bit n for port n): IDR +0x10, ODR +0x14, BSRR +0x18 (RM0090 8.4). */
export const f4Gpio: GpioDef[] = [
  { name: "GPIOA", base: 0x40020000, enr: 0x30, bit: 0, idr: 0x10, odr: 0x14, bsrr: 0x18 },
  { name: "GPIOB", base: 0x40020400, enr: 0x30, bit: 1, idr: 0x10, odr: 0x14, bsrr: 0x18 },
  { name: "GPIOC", base: 0x40020800, enr: 0x30, bit: 2, idr: 0x10, odr: 0x14, bsrr: 0x18 },
];
