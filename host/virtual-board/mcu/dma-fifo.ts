// The four-word FIFO of an F2/F4 DMA stream (RM0090 10.3.12, RM0368 9.3.12): bytes in, bytes
// out, little-endian (RM0090 10.3.11 table "Packing/unpacking and endian behavior"). Storage
// keeps what was last written in each slot: a flush that has fewer bytes than MSIZE writes the
// rest of the word from those stale slots, the "undesired value" of RM0090 10.3.12.

export const FIFO_BYTES = 16;

export class StreamFifo {
  private slots = new Uint8Array(FIFO_BYTES);
  private head = 0;
  level = 0;

  clear(): void {
    this.head = 0;
    this.level = 0;
  }

  room(): number {
    return FIFO_BYTES - this.level;
  }

  /** Append `size` bytes of value, low byte first. */
  push(value: number, size: number): void {
    for (var i = 0; i < size; i++) {
      this.slots[(this.head + this.level) % FIFO_BYTES] = (value >>> (8 * i)) & 0xff;
      this.level++;
    }
  }

  /** Take `size` bytes (low byte first). With fewer bytes queued, the missing high bytes are
   * the stale contents of the following slots; `valid` says how many were real. */
  pop(size: number): { value: number; valid: number } {
    var v = 0, valid = Math.min(size, this.level);
    for (var i = 0; i < size; i++) v |= this.slots[(this.head + i) % FIFO_BYTES] << (8 * i);
    this.head = (this.head + valid) % FIFO_BYTES;
    this.level -= valid;
    return { value: v >>> 0, valid: valid };
  }

  /** SxFCR.FS[2:0] for the current level (RM0090 10.5.10): 100 empty, 101 full, else the
   * quarter the level lies in (000: under 1/4, 001: 1/4 to 1/2, 010: 1/2 to 3/4, 011: 3/4 to full). */
  fs(): number {
    if (this.level === 0) return 4;
    if (this.level >= FIFO_BYTES) return 5;
    return (this.level / 4) | 0;
  }
}
