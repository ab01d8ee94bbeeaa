// Dirty bitmaps of a node (QEMU's BdrvDirtyBitmap over an HBitmap): one bit per `granularity`
// bytes of the guest disk, set by every write, zero write and discard the node completes. The
// format driver (qcow2) loads persistent ones from the image and stores them back at close.

/** Bytes of the 64-bit words holding `bits` bits. */
export const wordBytes = (bits: number): number => Math.ceil(bits / 64) * 8;

export class DirtyBitmap {
  /**
   * Bit i covers guest bytes [i * granularity, (i + 1) * granularity), little-endian in each
   * byte, in whole 64-bit words as HBitmap keeps them: bits past the end in the last word are
   * not part of the bitmap, but like QEMU they are loaded and stored with the word (and become
   * part of it when the disk grows).
   */
  bits: Uint8Array;

  constructor(
    readonly name: string,
    readonly granularity: number,
    /** Guest bytes covered (bdrv_getlength when created; follows truncate). */
    public size: number,
    /** Tracks writes (the image's "auto" flag); a disabled bitmap keeps its bits as they are. */
    public enabled = true,
    /** Stored into the image at close (a qcow2 persistent bitmap). */
    public persistent = false,
    /** Its data could not be trusted when loaded (in_use in the image): never stored. */
    public inconsistent = false,
    /** The node is read-only: the bitmap cannot change and is not stored. */
    public readonly = false,
  ) {
    this.bits = new Uint8Array(wordBytes(this.bitCount));
  }

  get bitCount(): number {
    return Math.ceil(this.size / this.granularity);
  }

  /** hbitmap_set over the granules [offset, offset + bytes) touches (clipped to the size). */
  setDirty(offset: number, bytes: number): void {
    const end = Math.min(offset + bytes, this.size);
    if (bytes <= 0 || offset >= end) return;
    this.setBits(Math.floor(offset / this.granularity), Math.floor((end - 1) / this.granularity) + 1);
  }

  /** Sets bits [from, to). */
  setBits(from: number, to: number): void {
    const b = this.bits;
    while (from < to && from & 7) b[from >>> 3] |= 1 << (from++ & 7);
    const fullEnd = to & ~7;
    if (from < fullEnd) {
      b.fill(0xff, from >>> 3, fullEnd >>> 3);
      from = fullEnd;
    }
    while (from < to) b[from >>> 3] |= 1 << (from++ & 7);
  }

  get(bit: number): boolean {
    return ((this.bits[bit >>> 3] >>> (bit & 7)) & 1) !== 0;
  }

  clearBits(from: number, to: number): void {
    for (let i = from; i < to; i++) this.bits[i >>> 3] &= ~(1 << (i & 7));
  }

  /**
   * hbitmap_truncate: bits past a shrunk end are cleared, then the words are cut or extended
   * with zero words (what else the old last word holds is kept).
   */
  truncate(size: number): void {
    const oldCount = this.bitCount;
    this.size = size;
    const count = this.bitCount;
    if (count === oldCount) return;
    if (count < oldCount) this.clearBits(count, oldCount);
    const old = this.bits;
    this.bits = new Uint8Array(wordBytes(count));
    this.bits.set(old.subarray(0, Math.min(old.length, this.bits.length)));
  }

  /** Whether any bit in [from, to) is set. */
  anySet(from: number, to: number): boolean {
    for (let i = from; i < to; ) {
      if (!(i & 7) && i + 8 <= to) {
        if (this.bits[i >>> 3]) return true;
        i += 8;
      } else if (this.get(i++)) {
        return true;
      }
    }
    return false;
  }
}

/** bdrv_set_dirty: every enabled bitmap of the node records the range. */
export function setDirty(bitmaps: readonly DirtyBitmap[], offset: number, bytes: number): void {
  for (const bm of bitmaps) if (bm.enabled && !bm.readonly) bm.setDirty(offset, bytes);
}
