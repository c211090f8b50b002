import type { BoardDef } from "./types";

/** Original Espruino: STM32F103RCT6, 48 KB SRAM, channel DMA (RM0008). */
export const original: BoardDef = {
  name: "original",
  title: "Original Espruino",
  mcu: "STM32F103RC",
  family: "F1",
  envBoard: ["ESPRUINOBOARD"],
  cpuHz: 72000000,
  ram: [{ name: "SRAM", base: 0x20000000, size: 48 * 1024, dma: true }],
  flash: { base: 0x08000000, size: 256 * 1024 },
  // RM0008 3.3 memory map; RCC AHBENR DMA1EN bit 0, DMA2EN bit 1 (RM0008 7.3.6).
  dma: [
    { name: "DMA1", base: 0x40020000, kind: "channel", count: 7, mem2mem: true, rccBit: 0 },
    { name: "DMA2", base: 0x40020400, kind: "channel", count: 5, mem2mem: true, rccBit: 1 },
  ],
  rcc: { base: 0x40021000, dmaEnr: 0x14 },
  // RM0008 tables 78 (DMA1) and 79 (DMA2). Channels are numbered from 1 as in the manual.
  requests: {
    // DMA2 first, then the DMA1 channels that are no timer's only line, those last.
    MEM2MEM: [
      { dma: "DMA2", stream: 1 }, { dma: "DMA2", stream: 2 }, { dma: "DMA2", stream: 3 },
      { dma: "DMA2", stream: 4 }, { dma: "DMA2", stream: 5 }, { dma: "DMA1", stream: 1 },
      { dma: "DMA1", stream: 4 }, { dma: "DMA1", stream: 6 }, { dma: "DMA1", stream: 2 },
      { dma: "DMA1", stream: 3 }, { dma: "DMA1", stream: 5 }, { dma: "DMA1", stream: 7 },
    ],
    TIM1_UP: [{ dma: "DMA1", stream: 5 }],
    TIM2_UP: [{ dma: "DMA1", stream: 2 }],
    TIM3_UP: [{ dma: "DMA1", stream: 3 }],
    TIM4_UP: [{ dma: "DMA1", stream: 7 }],
  },
  // APB1ENR at +0x1C: TIM2EN bit 0, TIM3EN bit 1, TIM4EN bit 2 (RM0008 7.3.8).
  timers: [
    { name: "TIM2", base: 0x40000000, enr: 0x1c, bit: 0, clockHz: 72000000, updateRequest: "TIM2_UP" },
    { name: "TIM3", base: 0x40000400, enr: 0x1c, bit: 1, clockHz: 72000000, updateRequest: "TIM3_UP" },
    { name: "TIM4", base: 0x40000800, enr: 0x1c, bit: 2, clockHz: 72000000, updateRequest: "TIM4_UP" },
  ],
  // F1 GPIO on APB2 (APB2ENR +0x18, IOPAEN bit 2...): IDR +0x08, ODR +0x0C, BSRR +0x10 (RM0008 9.2).
  gpio: [
    { name: "GPIOA", base: 0x40010800, enr: 0x18, bit: 2, idr: 0x08, odr: 0x0c, bsrr: 0x10 },
    { name: "GPIOB", base: 0x40010c00, enr: 0x18, bit: 3, idr: 0x08, odr: 0x0c, bsrr: 0x10 },
    { name: "GPIOC", base: 0x40011000, enr: 0x18, bit: 4, idr: 0x08, odr: 0x0c, bsrr: 0x10 },
  ],
  espruino: { vars: 2756, blockSize: 13, version: "2v29" },
};
