// A scripted fake provider and a fake platform for the core's tests.
// FakePlatform: a simulated clock with a timer queue (deterministic, no wall clock), and a
// memory map that gives each ArrayBuffer an address so the provider can really move bytes.
// FakeProvider: does what a test tells it (finish, fail, report periods, stop late or never)
// and enforces the provider contract's preconditions on the core (start only on an idle,
// synchronized channel; poll never with nothing in flight).
import type { Platform } from "../../firmware/platform/platform";
import type { Provider, ProviderChan, ChannelRequest, SlaveConfig, PrepRequest, HwDesc, HwEvent } from "../../firmware/dmaengine/provider";
import { dmaError } from "../../firmware/dmaengine/errors";

interface Timer { id: number; at: number; seq: number; fn: () => void; ms: number; every?: boolean }

export class FakePlatform implements Platform {
  t = 0;
  timers: Timer[] = [];
  /** Every setTimeout ever made: [ms, ...]. */
  delays: number[] = [];
  reports: any[] = [];
  warnings: string[] = [];
  inFlightLog: boolean[] = [];
  regs = new Map<number, number>();
  private seq = 0;
  private nextId = 1;
  private bases = new Map<ArrayBufferLike, number>();
  private notFlat = new Set<ArrayBufferLike>();
  private nextBase = 0x20000100;

  peek32(addr: number): number { return this.regs.get(addr) ?? 0; }
  poke32(addr: number, value: number): void { this.regs.set(addr, value >>> 0); }

  addressOf(buf: any): number {
    if (!buf || !buf.buffer) return 0;
    if (this.notFlat.has(buf.buffer)) return 0;
    var base = this.bases.get(buf.buffer);
    if (base === undefined) {
      base = this.nextBase;
      this.bases.set(buf.buffer, base);
      this.nextBase += ((buf.buffer.byteLength + 15) & ~15) + 16;
    }
    return base + buf.byteOffset;
  }
  /** Make a buffer's data non-flat (addressOf returns 0). */
  makeNotFlat(buf: any): void { this.notFlat.add(buf.buffer); }
  /** Place a buffer at a given address (e.g. CCM RAM, which DMA cannot reach). */
  placeAt(buf: any, addr: number): void { this.bases.set(buf.buffer, addr - buf.byteOffset); }
  /** The bytes at an address, as a view onto the buffer that holds them. */
  bytes(addr: number, len: number): Uint8Array {
    for (var [ab, base] of this.bases) {
      if (addr >= base && addr + len <= base + ab.byteLength) return new Uint8Array(ab as ArrayBuffer, addr - base, len);
    }
    throw new Error("fake memory: nothing mapped at 0x" + addr.toString(16));
  }

  setTimeout(fn: () => void, ms: number): any {
    var id = this.nextId++;
    this.timers.push({ id: id, at: this.t + ms, seq: this.seq++, fn: fn, ms: ms });
    this.delays.push(ms);
    return id;
  }
  /** A repeating timer (Espruino setInterval), once useIntervals() was called; clearTimeout()
   * clears it, as on Espruino. Absent by default, so the core's fallback (timeouts only) is
   * what most tests see. */
  setInterval?: (fn: () => void, ms: number) => any;
  useIntervals(): void {
    this.setInterval = (fn, ms) => {
      var id = this.setTimeout(fn, ms);
      this.timers[this.timers.length - 1].every = true;
      return id;
    };
  }
  clearTimeout(id: any): void { this.timers = this.timers.filter((t) => t.id !== id); }
  now(): number { return this.t; }
  report(err: any): void { this.reports.push(err); }
  warn(msg: string): void { this.warnings.push(msg); }
  boardName(): string { return "FAKE"; }
  inFlight(busy: boolean): void { this.inFlightLog.push(busy); }

  /** Run the earliest timer, advancing the clock to it. False when none is pending. */
  step(): boolean {
    if (!this.timers.length) return false;
    var best = 0;
    for (var i = 1; i < this.timers.length; i++) {
      var a = this.timers[i], b = this.timers[best];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = i;
    }
    var t = this.timers.splice(best, 1)[0];
    if (t.at > this.t) this.t = t.at;
    if (t.every) this.timers.push({ ...t, at: t.at + t.ms, seq: this.seq++ });
    t.fn();
    return true;
  }
  /** Run timers due within ms from now, then set the clock to now + ms. */
  advance(ms: number): void {
    var end = this.t + ms;
    while (this.timers.some((t) => t.at <= end)) this.step();
    this.t = end;
  }
  /** Run timers until none is left (bounded, so a runaway timer fails the test). */
  settle(max = 1000): void {
    for (var i = 0; i < max && this.step(); i++);
    if (this.timers.length) throw new Error("timers still pending after " + max + " steps");
  }
}

export interface FakeChan extends ProviderChan {
  id: number;
  req: ChannelRequest;
  cfg: SlaveConfig;
  hw: FakeHw | null;
  running: boolean;
  paused: boolean;
  /** terminateAll() asked for a stop that synchronize() has not confirmed yet. */
  stopping: boolean;
  freed: boolean;
  events: HwEvent[];
  /** Residue the "hardware" reports for the active descriptor. */
  residue: number;
}

export interface FakeHw extends HwDesc { req: PrepRequest; serial: number }

export class FakeProvider implements Provider {
  chans: FakeChan[] = [];
  /** Every call, in order: "start fake0 #1", "terminateAll fake0", "synchronize fake0", ... */
  log: string[] = [];
  maxLen = 65535;
  expectedMs = 0;
  /** Checks a synchronize() sees the stream still enabled before it reads stopped. */
  stopChecks = 0;
  /** Checks one synchronize() may make before it gives up (its timeout). */
  checkBudget = 10;
  /** The stop never completes: synchronize() always times out. */
  neverStop = false;
  /** Inside poll() right now (callbacks must never run here). */
  inPoll = false;
  pollCalls = 0;
  private serial = 0;

  constructor(public platform: FakePlatform) {}

  reachable(addr: number, len: number): boolean { return addr >= 0x20000000 && addr + len <= 0x20020000; }
  maxSegmentLen(_pc: ProviderChan | null, _width: number): number { return this.maxLen; }

  allocChan(req: ChannelRequest): ProviderChan {
    if (req.request === "nothing") throw dmaError("ENODEV", "no such request line");
    var pc: FakeChan = {
      name: "fake" + this.chans.length, id: this.chans.length, req: req, cfg: {}, hw: null, running: false,
      paused: false, stopping: false, freed: false, events: [], residue: 0,
    };
    this.chans.push(pc);
    this.log.push("alloc " + pc.name);
    return pc;
  }
  freeChan(pc: ProviderChan): void {
    var c = pc as FakeChan;
    if (c.running || c.stopping) throw new Error("contract: freeChan of " + c.name + " before its stop was synchronized");
    c.freed = true;
    this.log.push("free " + c.name);
  }
  config(pc: ProviderChan, cfg: SlaveConfig): void { (pc as FakeChan).cfg = cfg; this.log.push("config " + pc.name); }

  prep(pc: ProviderChan, req: PrepRequest): HwDesc {
    var len = 0;
    for (var i = 0; i < req.segments.length; i++) len += req.segments[i].len;
    var hw: FakeHw = { len: len, expectedMs: this.expectedMs, req: req, serial: ++this.serial };
    return hw;
  }

  start(pc: ProviderChan, hw: HwDesc): void {
    var c = pc as FakeChan;
    if (c.freed) throw new Error("contract: start on a freed channel");
    if (c.running) throw new Error("contract: start on " + c.name + " while a transfer runs");
    if (c.stopping) throw new Error("contract: start on " + c.name + " before synchronize confirmed the stop");
    c.running = true;
    c.paused = false;
    c.hw = hw as FakeHw;
    c.residue = hw.len;
    this.log.push("start " + c.name + " #" + (hw as FakeHw).serial);
  }

  terminateAll(pc: ProviderChan): void {
    var c = pc as FakeChan;
    this.log.push("terminateAll " + c.name);
    if (c.running) c.stopping = true;
    c.running = false;
    c.events = []; // never report events of an aborted transfer
  }

  synchronize(pc: ProviderChan, timeoutMs: number): void {
    var c = pc as FakeChan;
    this.log.push("synchronize " + c.name + " " + timeoutMs);
    if (!c.stopping) return;
    if (this.neverStop || this.stopChecks > this.checkBudget) {
      this.stopChecks = Math.max(0, this.stopChecks - this.checkBudget);
      throw dmaError("ETIMEDOUT", c.name + " did not stop within " + timeoutMs + " ms");
    }
    this.stopChecks = 0;
    c.stopping = false;
    this.log.push("stopped " + c.name);
  }

  residue(pc: ProviderChan, _hw: HwDesc): number { return (pc as FakeChan).residue; }
  pause(pc: ProviderChan): void { (pc as FakeChan).paused = true; this.log.push("pause " + pc.name); }
  resume(pc: ProviderChan): void { (pc as FakeChan).paused = false; this.log.push("resume " + pc.name); }

  poll(chans: ProviderChan[]): HwEvent[] {
    if (!chans.length) throw new Error("contract: poll() with nothing in flight");
    this.pollCalls++;
    this.inPoll = true;
    var out: HwEvent[] = [];
    for (var i = 0; i < chans.length; i++) {
      var c = chans[i] as FakeChan;
      for (var j = 0; j < c.events.length; j++) out.push(c.events[j]);
      c.events = [];
    }
    this.inPoll = false;
    return out;
  }

  dump(): string { return this.chans.map((c) => c.name + (c.running ? " running" : " idle")).join("\n"); }

  // ------------------------------------------------------------------ scripting

  chan(i: number): FakeChan { return this.chans[i]; }

  /** The active transfer finishes now: copies a memcpy's bytes, reports "complete" at the next poll. */
  finish(i: number): void {
    var c = this.chans[i];
    if (!c.running || !c.hw) throw new Error("script: " + c.name + " has nothing running");
    var r = c.hw.req;
    if (r.kind === "memcpy") this.platform.bytes(r.dst!, r.segments[0].len).set(this.platform.bytes(r.src!, r.segments[0].len));
    c.running = false;
    c.residue = 0;
    c.events.push({ chan: c, kind: "complete" });
  }
  /** The active transfer fails with a bus error after moving `moved` bytes. */
  fail(i: number, kind: "read_failed" | "write_failed", moved = 0): void {
    var c = this.chans[i];
    c.running = false;
    c.residue = (c.hw ? c.hw.len : 0) - moved;
    c.events.push({ chan: c, kind: kind });
  }
  /** A cyclic transfer finished `count` periods. */
  periods(i: number, count: number): void {
    this.chans[i].events.push({ chan: this.chans[i], kind: "period", count: count });
  }
}

/** Platform, provider and an engine over them. */
export function rig(createEngine: (p: Platform, prov: Provider) => any) {
  var platform = new FakePlatform();
  var provider = new FakeProvider(platform);
  var engine = createEngine(platform, provider);
  return { platform, provider, engine };
}
