// Board data: what a board has, as the reference manuals and Espruino's board files say.
// Used by the firmware (DMA bases, RAM reachable by DMA, request map) and by the host
// (virtual board models, CLI). Plain data only: the firmware bundle is ES5.

export interface RamRegion {
  name: string;
  base: number;
  size: number;
  /** false for CCM RAM on the F407: the DMA controllers have no path to it (RM0090 2.3.1). */
  dma: boolean;
}

export interface DmaInstance {
  name: string; // "DMA1" | "DMA2"
  base: number;
  /** "stream": F2/F4 stream DMA (SxCR...); "channel": F1 channel DMA (CCRx...). */
  kind: "stream" | "channel";
  /** Streams (F4, 8 each) or channels (F1: 7 on DMA1, 5 on DMA2). */
  count: number;
  /** Memory-to-memory transfers: F4 DMA2 only (RM0090 10.3.6); F1 any channel (MEM2MEM). */
  mem2mem: boolean;
  /** Bit in the RCC enable register (rcc.dmaEnr) that clocks this controller. */
  rccBit: number;
}

/** A hardware request line: which stream/channel (and on F4 which CHSEL) serves it. */
export interface RequestLine {
  dma: string; // "DMA1" | "DMA2"
  /** F4: stream number 0..7; F1: channel number 1..7. */
  stream: number;
  /** F4 only: the channel selection (SxCR.CHSEL 0..7). */
  channel?: number;
}

export interface TimerDef {
  name: string; // "TIM2"
  base: number;
  /** Offset of the RCC enable register (APB1ENR/APB2ENR) from rcc.base, and the bit. */
  enr: number;
  bit: number;
  /** Timer kernel clock in Hz (after the APB prescaler doubling rule). */
  clockHz: number;
  /** Name of the update-event request in `requests` (e.g. "TIM2_UP"). */
  updateRequest: string;
}

export interface GpioDef {
  name: string; // "GPIOA"
  base: number;
  enr: number;
  bit: number;
  idr: number;
  odr: number;
  bsrr: number;
}

export interface BoardDef {
  /** Our short name: pico, wifi, original, f4discovery. */
  name: string;
  /** Human name. */
  title: string;
  mcu: string;
  family: "F1" | "F4" | "NRF52";
  /** Values Espruino reports in process.env.BOARD for this board. The first is canonical. */
  envBoard: string[];
  cpuHz: number;
  ram: RamRegion[];
  flash: { base: number; size: number };
  dma: DmaInstance[];
  rcc: { base: number; /** offset of AHBENR (F1) / AHB1ENR (F4) */ dmaEnr: number };
  /** Request lines by name: "MEM2MEM" plus at least the timers' update events. */
  requests: { [name: string]: RequestLine[] };
  timers: TimerDef[];
  gpio: GpioDef[];
  /** nRF52 only: the EasyDMA peripherals (each one a channel) and what Espruino uses them for.
   * On these boards dma, requests, timers and gpio are empty: there is no DMA controller. */
  nrf52?: Nrf52Def;
  /** Espruino's variable store: number of variables and bytes per variable block. */
  espruino: { vars: number; blockSize: number; version: string };
}

/** One peripheral instance with EasyDMA (nRF52832 PS v1.4 / nRF52840 PS v1.7 memory maps). */
export interface EasyDmaDef {
  name: string; // "SAADC" | "UARTE0" | "SPIM2" | "PWM3" | "I2S"
  kind: "SAADC" | "UARTE" | "SPIM" | "PWM" | "I2S";
  base: number;
  /** What Espruino itself uses this instance (or its shared base) for on this board, from
   * Espruino's sources and board file; absent when Espruino leaves it alone. Either way the
   * driver checks ENABLE (base + 0x500) at requestChannel time. */
  espruino?: string;
}

export interface Nrf52Def {
  part: "nRF52832" | "nRF52840";
  peripherals: EasyDmaDef[];
  /** Where the SoftDevice's RAM ends (LD_APP_RAM_BASE in the board file). */
  appRamBase: number;
}
