// SRAM with ownership. Every RAM region has backing bytes for its free space; each flat
// buffer the interpreter allocates is a HeapBlock that owns its bytes (a Uint8Array of its
// own) and sits at an address. The bus resolves an address to the live block containing it,
// else to the backing bytes. So E.defrag can move a block by changing its addr, a typed array
// in the runtime can share the block's ArrayBuffer, and a DMA write that lands outside every
// live block (freed, moved away from, never allocated) is seen and reported as a Violation.
import type { BoardDef, RamRegion } from "../../../boards/types";
import type { Heap, HeapBlock, Violation } from "../contract";
import type { Trace } from "./trace";

export class Block implements HeapBlock {
  live = true;
  /** Times defrag moved it: part of the owner tag a DMA transfer records (ownerTag). */
  moves = 0;
  readonly data: Uint8Array;
  constructor(
    readonly id: number,
    public addr: number,
    readonly size: number,
    readonly region: Region,
    /** Bytes before addr that belong to the block (Espruino's flat-string header var). */
    readonly header: number,
    /** Bytes from addr that belong to the block (size rounded up to whole vars). */
    readonly body: number,
  ) {
    this.data = new Uint8Array(size);
  }
  get start(): number {
    return this.addr - this.header;
  }
  get end(): number {
    return this.addr + this.body;
  }
}

/** A range a block used to occupy: a later DMA write there is reported with this kind. */
interface Ghost {
  start: number;
  end: number;
  kind: "write_to_freed" | "write_to_moved";
  blockId: number;
}

/** The bytes of a region outside its blocks, in pages made when first written: never-written
 * RAM reads 0, and a board that is made and dropped thousands of times (the race tests) does
 * not zero 96-192 KB each time. */
export class PagedBytes {
  private pages: (Uint8Array | undefined)[] = [];
  get(o: number): number {
    var p = this.pages[o >> 10];
    return p ? p[o & 1023] : 0;
  }
  set(o: number, v: number): void {
    var p = this.pages[o >> 10] || (this.pages[o >> 10] = new Uint8Array(1024));
    p[o & 1023] = v;
  }
  /** Copy `data` in from offset o. */
  setAll(data: Uint8Array, o: number): void {
    for (var i = 0; i < data.length; i++) this.set(o + i, data[i]);
  }
}

export class Region {
  readonly backing = new PagedBytes();
  /** Live blocks, sorted by addr. */
  readonly blocks: Block[] = [];
  readonly ghosts: Ghost[] = [];
  constructor(readonly def: RamRegion, readonly arenaStart: number, readonly arenaEnd: number) {}
  contains(addr: number): boolean {
    return addr >= this.def.base && addr < this.def.base + this.def.size;
  }
  /** The live block whose data contains addr (binary search), or undefined. */
  blockAt(addr: number): Block | undefined {
    var b = this.blocks, lo = 0, hi = b.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (b[mid].addr <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    var blk = b[found];
    return addr < blk.addr + blk.size ? blk : undefined;
  }
  readByte(addr: number): number {
    var blk = this.blockAt(addr);
    return blk ? blk.data[addr - blk.addr] : this.backing.get(addr - this.def.base);
  }
  writeByte(addr: number, v: number): Block | undefined {
    var blk = this.blockAt(addr);
    if (blk) blk.data[addr - blk.addr] = v;
    else this.backing.set(addr - this.def.base, v);
    return blk;
  }
  ghostAt(addr: number): Ghost | undefined {
    for (var i = this.ghosts.length - 1; i >= 0; i--) {
      var g = this.ghosts[i];
      if (addr >= g.start && addr < g.end) return g;
    }
    return undefined;
  }
  addGhost(g: Ghost): void {
    this.ghosts.push(g);
    if (this.ghosts.length > 4096) this.ghosts.splice(0, 1024);
  }
}

const TAG = 1024;
function ownerTag(b: Block): number {
  return b.id * TAG + (b.moves % TAG);
}

/** Little-endian helpers over one region (slow path: per byte). */
function readLE(r: Region, addr: number, size: number): number {
  var v = 0;
  for (var i = size - 1; i >= 0; i--) v = (v * 256) + r.readByte(addr + i);
  return v >>> 0;
}

export class Memory {
  readonly regions: Region[] = [];
  readonly violations: Violation[] = [];
  /** Violations beyond this many are counted, not stored. */
  violationLimit = 10000;
  violationsDropped = 0;
  private lastBlock: Block | undefined;

  constructor(board: BoardDef, private trace: Trace, private clock: () => number) {
    var mainDone = false;
    for (var i = 0; i < board.ram.length; i++) {
      var def = board.ram[i];
      var start = def.base, end = def.base + def.size;
      if (!mainDone && def.dma) {
        // Espruino's variable store is a static array in .bss: leave room below it for the
        // firmware's data and above it for the stack.
        mainDone = true;
        var store = board.espruino.vars * board.espruino.blockSize;
        start = def.base + 0x800;
        end = Math.min(start + store, def.base + def.size - 0x1000);
      }
      this.regions.push(new Region(def, start, end));
    }
  }

  regionAt(addr: number): Region | undefined {
    var r = this.regions;
    for (var i = 0; i < r.length; i++) if (r[i].contains(addr)) return r[i];
    return undefined;
  }

  /** Read `size` (1, 2, 4) bytes, little-endian. Caller checked the range is in region r. */
  read(r: Region, addr: number, size: number): number {
    var blk = this.lastBlock;
    if (!(blk && blk.live && blk.region === r && addr >= blk.addr && addr + size <= blk.addr + blk.size)) {
      blk = r.blockAt(addr);
      // Free RAM (rare), or a block edge inside the access: byte by byte.
      if (!blk || addr + size > blk.addr + blk.size) return readLE(r, addr, size);
      this.lastBlock = blk;
    }
    var d = blk.data, i = addr - blk.addr;
    if (size === 1) return d[i];
    if (size === 2) return d[i] | (d[i + 1] << 8);
    return (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0;
  }

  /** Write `size` bytes; returns true if every byte landed in a live block. */
  write(r: Region, addr: number, size: number, value: number): boolean {
    var blk = this.lastBlock;
    if (!(blk && blk.live && blk.region === r && addr >= blk.addr && addr + size <= blk.addr + blk.size)) {
      blk = r.blockAt(addr);
      if (!blk || addr + size > blk.addr + blk.size) {
        var all = true;
        for (var k = 0; k < size; k++) {
          if (!r.writeByte(addr + k, (value >>> (8 * k)) & 0xff)) all = false;
        }
        return all;
      }
      this.lastBlock = blk;
    }
    var d = blk.data, i = addr - blk.addr;
    d[i] = value & 0xff;
    if (size > 1) d[i + 1] = (value >>> 8) & 0xff;
    if (size > 2) { d[i + 2] = (value >>> 16) & 0xff; d[i + 3] = (value >>> 24) & 0xff; }
    return true;
  }

  /** Owner tag of the live block containing addr (its id and how often it moved), 0 if none:
   * what a DMA transfer records about the buffer it starts in. */
  ownerAt(addr: number): number {
    var r = this.regionAt(addr >>> 0);
    var b = r ? r.blockAt(addr >>> 0) : undefined;
    return b ? ownerTag(b) : 0;
  }

  /** A DMA write of `size` bytes at addr by a transfer that started in block `owner` (0:
   * unknown). Performs it and reports a violation if it landed outside every live block, or
   * in a live block other than its owner (the owner was freed and its range reused, or the
   * transfer ran past its buffer into the next one). */
  dmaWrite(r: Region, addr: number, size: number, value: number, owner: number, source: string): void {
    if (!this.write(r, addr, size, value)) return this.violation(r, addr, size, source);
    if (!owner) return;
    var blk = this.lastBlock;
    if (!(blk && blk.live && blk.region === r && addr >= blk.addr && addr < blk.addr + blk.size)) blk = r.blockAt(addr);
    if (!blk || ownerTag(blk) === owner) return;
    var ownerId = Math.floor(owner / TAG), ownerLive = false;
    for (var i = 0; i < r.blocks.length && !ownerLive; i++) if (r.blocks[i].id === ownerId) ownerLive = true;
    this.record({
      cycle: this.clock(),
      source: source,
      addr: addr,
      // Same block, moved by defrag since the transfer started: the bytes land at the wrong place.
      kind: blk.id === ownerId ? "write_to_moved" : ownerLive ? "write_to_other_buffer" : "write_to_reused",
      detail: "owner block " + ownerId + ", written block " + blk.id,
    });
  }

  /** A DMA write that did not land in a live block: classify and record it. */
  violation(r: Region, addr: number, size: number, source: string): void {
    // Report the first byte that is not inside a live block.
    var a = addr;
    for (var k = 0; k < size; k++) if (!r.blockAt(addr + k)) { a = addr + k; break; }
    var g = r.ghostAt(a);
    var v: Violation = {
      cycle: this.clock(),
      source: source,
      addr: a,
      kind: g ? g.kind : "write_outside_buffer",
    };
    if (g) v.detail = "block " + g.blockId;
    this.record(v);
  }

  /** Record a violation found by a model (a DMA configuration the manual leaves undefined). */
  record(v: Violation): void {
    if (this.violations.length < this.violationLimit) this.violations.push(v);
    else this.violationsDropped++;
    this.trace.push("violation", { source: v.source, addr: v.addr, kind: v.kind });
  }
}

/** The interpreter's flat-buffer heap over the Memory regions (first fit, Espruino-sized vars). */
export class HeapImpl implements Heap {
  private nextId = 1;
  private unit: number;
  constructor(private mem: Memory, board: BoardDef) {
    this.unit = board.espruino.blockSize;
  }

  private region(name?: string): Region | undefined {
    var rs = this.mem.regions;
    for (var i = 0; i < rs.length; i++) {
      if (name ? rs[i].def.name === name : rs[i].def.dma) return rs[i];
    }
    return undefined;
  }

  alloc(size: number, regionName?: string): HeapBlock | null {
    var r = this.region(regionName);
    if (!r || !(size >= 0)) return null;
    size = Math.floor(size);
    var u = this.unit, header = u, body = Math.ceil(size / u) * u, need = header + body;
    // Espruino starts a flat string's data on a word boundary: with 13-byte variables it
    // skips up to 3 variables to find one (2v29, Pico layout: every flat buffer's address is
    // 0 mod 4, test/conformance/golden/flat-alignment.out).
    var aligned = (a: number) => { while ((a + header) % 4 !== 0) a += u; return a; };
    var at = aligned(Math.ceil(r.arenaStart / u) * u);
    var index = 0;
    for (; index < r.blocks.length; index++) {
      var b = r.blocks[index];
      if (b.start - at >= need) break;
      at = aligned(Math.max(at, b.end));
    }
    if (at + need > r.arenaEnd) return null;
    var blk = new Block(this.nextId++, at + header, size, r, header, body);
    r.blocks.splice(index, 0, blk);
    return blk;
  }

  free(block: HeapBlock): void {
    var blk = block as Block;
    if (!blk.live) return;
    var r = blk.region;
    var i = r.blocks.indexOf(blk);
    if (i >= 0) r.blocks.splice(i, 1);
    blk.live = false;
    // The bytes stay in RAM after free, as on the chip.
    r.backing.setAll(blk.data, blk.addr - r.def.base);
    r.addGhost({ start: blk.addr, end: blk.addr + blk.size, kind: "write_to_freed", blockId: blk.id });
  }

  /** Compact live blocks towards the arena start, in address order, as E.defrag() may. */
  defrag(): void {
    var rs = this.mem.regions;
    for (var i = 0; i < rs.length; i++) {
      var r = rs[i], u = this.unit;
      var at = Math.ceil(r.arenaStart / u) * u;
      for (var j = 0; j < r.blocks.length; j++) {
        var b = r.blocks[j];
        while ((at + b.header) % 4 !== 0) at += u; // data stays word-aligned (see alloc)
        var to = at + b.header;
        if (to !== b.addr) {
          r.backing.setAll(b.data, b.addr - r.def.base);
          r.addGhost({ start: b.addr, end: b.addr + b.size, kind: "write_to_moved", blockId: b.id });
          b.addr = to;
          b.moves++;
        }
        at = b.end;
      }
    }
  }

  blockAt(addr: number): HeapBlock | undefined {
    var r = this.mem.regionAt(addr);
    return r ? r.blockAt(addr) : undefined;
  }

  used(): number {
    var r = this.region();
    var n = 0;
    if (r) for (var i = 0; i < r.blocks.length; i++) n += r.blocks[i].header + r.blocks[i].body;
    return n;
  }

  total(): number {
    var r = this.region();
    return r ? r.arenaEnd - r.arenaStart : 0;
  }
}
