// Dirty bitmaps of a node (QEMU's BdrvDirtyBitmap over an HBitmap): one bit per `granularity`
// bytes of the guest disk, set by every write, zero write and discard the node completes. The
// format driver (qcow2) loads persistent ones from the image and stores them back at close.

export class DirtyBitmap {
  /** Bit i covers guest bytes [i * granularity, (i + 1) * granularity), little-endian in each byte. */
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
    this.bits = new Uint8Array(Math.ceil(this.bitCount / 8));
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

  /** bdrv_dirty_bitmap_truncate: grown areas are clean, bits past a shrunk end are dropped. */
  truncate(size: number): void {
    const old = this.bits;
    this.size = size;
    const count = this.bitCount;
    this.bits = new Uint8Array(Math.ceil(count / 8));
    this.bits.set(old.subarray(0, Math.min(old.length, this.bits.length)));
    if (count & 7 && this.bits.length) this.bits[this.bits.length - 1] &= (1 << (count & 7)) - 1;
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
