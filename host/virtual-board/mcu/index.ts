// The virtual MCU: createMcu() plus the model classes, for the runtime, the tests and tools.
export { createMcu, VirtualMcu } from "./mcu";
export type { VirtualMcuOptions } from "./mcu";
export { AddressMap, BusFaultError, isBusFault, hex } from "./bus";
export type { Peripheral } from "./bus";
export { Memory, HeapImpl, Region, Block } from "./memory";
export { Scheduler, adversarialChoice } from "./scheduler";
export { Prng } from "./prng";
export { Trace, traceHash } from "./trace";
export { Rcc } from "./rcc";
export { Timer } from "./timer";
export { GpioPort } from "./gpio";
export { DmaBus } from "./dma-bus";
export type { DmaEngine, DmaTiming } from "./dma-engine";
export * as f4 from "./dma-stream";
export * as f1 from "./dma-channel";
export { StreamDma } from "./dma-stream";
export { ChannelDma } from "./dma-channel";
