// require("Storage"): Espruino's flash file store. Files persist across reset() and load() (they
// are in flash). write(name, data, offset, size) follows Espruino: with a size, a new file of
// that size is created (unwritten bytes read as 0xFF, erased flash) and data goes at offset;
// later writes with an offset fill it in. Names are at most 28 characters (2v2x).

export const MAX_NAME = 28;

export class FlashFiles {
  readonly files = new Map<string, Uint8Array>();
  constructor(readonly capacity: number) {}
  used(): number {
    var n = 0;
    for (const f of this.files.values()) n += f.length + 32; // + a file header, as Espruino's
    return n;
  }
}

function bytesOf(data: unknown): Uint8Array {
  if (typeof data === "string") {
    var s = data, b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
    return b;
  }
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === "[object ArrayBuffer]") return new Uint8Array(data as ArrayBuffer).slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (Array.isArray(data)) return Uint8Array.from(data as number[]);
  return bytesOf(String(data));
}

function text(b: Uint8Array): string {
  var s = "";
  for (var i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 8192)));
  return s;
}

/** Build the Storage module object for the sandbox. `mkError` makes an error of the sandbox. */
export function createStorageModule(fs: FlashFiles, mkError: (msg: string) => Error, toSandbox: (b: Uint8Array) => ArrayBuffer, onRead?: (text: string) => void) {
  function checkName(name: unknown): string {
    var n = String(name);
    if (!n.length) throw mkError("Name must not be empty");
    if (n.length > MAX_NAME) throw mkError("Name too long (max " + MAX_NAME + " chars)");
    return n;
  }
  return {
    write(name: unknown, data: unknown, offset?: number, size?: number): boolean {
      var n = checkName(name), bytes = bytesOf(data);
      var off = offset === undefined ? 0 : Math.floor(Number(offset));
      var existing = fs.files.get(n);
      var file: Uint8Array;
      if (size !== undefined && size !== null && (offset === undefined || !existing || off === 0)) {
        var sz = Math.floor(Number(size));
        if (!(sz >= off + bytes.length)) throw mkError("Too much data for file size");
        file = new Uint8Array(sz).fill(0xff);
      } else if (offset !== undefined && off > 0) {
        if (!existing) throw mkError("Can't write at offset " + off + ": file " + JSON.stringify(n) + " does not exist (give a size to create it)");
        if (off + bytes.length > existing.length) throw mkError("Too much data for file size");
        file = existing;
      } else {
        file = new Uint8Array(bytes.length);
      }
      var before = fs.used() - (existing ? existing.length + 32 : 0);
      if (before + file.length + 32 > fs.capacity) throw mkError("Not enough free space in Storage");
      file.set(bytes, off);
      // A new file goes at the end of flash: list() gives files in flash order.
      if (file !== existing) fs.files.delete(n);
      fs.files.set(n, file);
      return true;
    },
    read(name: unknown, offset?: number, length?: number): string | undefined {
      var f = fs.files.get(String(name));
      if (!f) return undefined;
      var o = offset ? Math.floor(offset) : 0;
      var l = length === undefined ? f.length - o : Math.floor(length);
      // On a board the result is a string that points into flash (no RAM for its text).
      var t = text(f.subarray(o, o + l));
      if (onRead) onRead(t);
      return t;
    },
    writeJSON(name: unknown, data: unknown): boolean {
      return this.write(name, JSON.stringify(data));
    },
    readJSON(name: unknown, noExceptions?: boolean): unknown {
      var f = fs.files.get(String(name));
      if (!f) return undefined;
      try { return JSON.parse(text(f)); } catch (e) { if (noExceptions) return undefined; throw mkError("JSON parse error in " + String(name)); }
    },
    readArrayBuffer(name: unknown): ArrayBuffer | undefined {
      var f = fs.files.get(String(name));
      return f ? toSandbox(f) : undefined;
    },
    list(pattern?: RegExp | string): string[] {
      var out: string[] = [];
      for (const k of fs.files.keys()) {
        if (pattern === undefined || (typeof pattern === "string" ? k === pattern : new RegExp(pattern.source, pattern.flags).test(k))) out.push(k);
      }
      return out;
    },
    erase(name: unknown): void {
      fs.files.delete(String(name));
    },
    eraseAll(): void {
      fs.files.clear();
    },
    getFree(): number {
      return fs.capacity - fs.used();
    },
    getStats() {
      var used = fs.used();
      return { totalBytes: fs.capacity, freeBytes: fs.capacity - used, fileBytes: used, fileCount: fs.files.size, trashBytes: 0, trashCount: 0 };
    },
    compact(): void {},
  };
}
