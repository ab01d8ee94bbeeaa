// What a qcow2 node knows about its image while it is open (QEMU's BDRVQcow2State): geometry,
// the L1 and refcount tables in memory, the caches, the corruption state, and the lock that
// serialises metadata changes. The concerns that act on it live in their own files
// (refcount.ts, l2.ts, allocate.ts ...).
import type { BdrvChild } from '../../child';
import { BlockError, EIO, ENOMEDIUM } from '../../errors';
import { type CacheHost, type CacheKind, hex, Qcow2Cache } from './cache';
import type { L2Meta } from './allocate';
import { bitmapsExtData } from './bitmaps';
import {
  AUTOCLEAR_BITMAPS,
  AUTOCLEAR_DATA_FILE_RAW,
  buildHeaderCluster,
  type CompressedLayout,
  compressedLayout,
  entryOffset,
  type HeaderExtension,
  INCOMPAT_CORRUPT,
  INCOMPAT_DIRTY,
  INCOMPAT_EXTL2,
  putBe32,
  type QcowHeader,
  V3_HEADER_LENGTH,
} from './format';

/** "No offset" (QEMU's INV_OFFSET). */
export const INVALID = -1;

/** Why clusters are freed (QEMU's Qcow2DiscardType): decides whether the host range is discarded. */
export type DiscardType = 'never' | 'always' | 'request' | 'snapshot' | 'other';

/** Metadata kinds of the overlap check, in QEMU's bit order (the lowest overlapping one is named). */
const OVERLAP_NAMES = [
  'qcow2_header',
  'active L1 table',
  'active L2 table',
  'refcount table',
  'refcount block',
  'snapshot table',
  'inactive L1 table',
  'inactive L2 table',
  'bitmap directory',
] as const;
export const OL_MAIN_HEADER = 1 << 0;
export const OL_ACTIVE_L1 = 1 << 1;
export const OL_ACTIVE_L2 = 1 << 2;
export const OL_REFCOUNT_TABLE = 1 << 3;
export const OL_REFCOUNT_BLOCK = 1 << 4;
export const OL_SNAPSHOT_TABLE = 1 << 5;
export const OL_BITMAP_DIRECTORY = 1 << 8;

/** A coroutine mutex (CoMutex): FIFO, and free of promises when nobody waits. */
export class CoMutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];

  /** Take the lock: null when it was free (no await needed), else a promise. */
  lock(): Promise<void> | null {
    if (!this.locked) {
      this.locked = true;
      return null;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}

export interface Qcow2Options {
  l2CacheEntries: number;
  l2SliceEntries: number;
  refcountCacheEntries: number;
  lazyRefcounts: boolean;
  passDiscardRequest: boolean;
  passDiscardSnapshot: boolean;
  passDiscardOther: boolean;
  /** QCOW2_OL_* bits of the metadata a write is checked against (overlap-check). */
  overlapCheck: number;
  /** Seconds between drops of unused cache entries (no effect here: nothing to release). */
  cacheCleanInterval: number;
}

export class Qcow2State implements CacheHost {
  readonly clusterBits: number;
  readonly clusterSize: number;
  /** Extended L2 entries: 16 bytes each, 32 subclusters per cluster. */
  readonly extL2: boolean;
  readonly l2EntryBytes: number;
  readonly subclusterBits: number;
  readonly subclusterSize: number;
  readonly subclustersPerCluster: number;
  /** log2 of L2 entries per table, and the count. */
  readonly l2Bits: number;
  readonly l2Size: number;
  /** L2 entries per cache slice (l2-cache-entry-size / 8); reopen may change it. */
  l2SliceSize: number;
  readonly refcountOrder: number;
  /** log2 of refcounts per refcount block, and the count. */
  readonly refcountBlockBits: number;
  readonly refcountBlockSize: number;
  readonly layout: CompressedLayout;

  header: QcowHeader;
  /** Guest size in bytes (header.size). */
  size: number;
  l1Size: number;
  l1TableOffset: number;
  /** The active L1 table, as stored (big-endian 64-bit entries). */
  l1: Uint8Array;
  /** First L1 index past the guest disk: the VM state area starts there. */
  l1VmStateIndex: number;
  refcountTableOffset: number;
  /** Refcount table entries (host offsets of refcount blocks; 0 = none). */
  reftable: Float64Array;
  maxRefcountTableIndex = 0;
  /** Where the search for free clusters starts (a hint, lowered when clusters are freed). */
  freeClusterIndex = 0;
  /** Next free byte in the cluster compressed data is packed into (0 = none). */
  freeByteOffset = 0;

  /** Replaced when reopen changes their sizes (after being flushed). */
  l2Cache: Qcow2Cache;
  refblockCache: Qcow2Cache;
  readonly lock = new CoMutex();

  /**
   * Where guest data lives (QEMU's s->data_file): the image file itself, or an external data
   * file (data-file.ts) whose host offsets equal the guest offsets.
   */
  dataFile: BdrvChild;
  /** The data file name of the header extension (QEMU's image_data_file), or null. */
  imageDataFile: string | null = null;
  backingFile = '';
  backingFormat = '';
  unknownExtensions: HeaderExtension[] = [];
  /** The bitmaps extension (bitmaps.ts); no extension while nbBitmaps is 0. */
  nbBitmaps = 0;
  bitmapDirectoryOffset = 0;
  bitmapDirectorySize = 0;
  useLazyRefcounts: boolean;
  readonly discardPassthrough: Record<DiscardType, boolean>;
  overlapCheck: number;
  /** While set, discards of freed host clusters are queued and sent at the end. */
  cacheDiscards = false;
  readonly discards: Array<{ offset: number; bytes: number }> = [];

  /** Allocations whose data is being written (QEMU's cluster_allocs). */
  readonly clusterAllocs = new Set<L2Meta>();
  /** The driver's own read at a guest offset (COW reads bypass the block layer, as in QEMU). */
  readGuest!: (offset: number, bytes: number, buf: Uint8Array) => Promise<void>;
  /** bdrv_block_status_above (want_zero off) from this node down its backing chain. */
  blockStatusAbove!: (offset: number, bytes: number) => Promise<{ status: number; pnum: number }>;

  signaledCorruption = false;
  /** A fatal corruption made the node unusable (QEMU sets bs->drv = NULL). */
  dead = false;
  /** Called once `dead` is set: the driver ejects its node. */
  onDead: (() => void) | null = null;

  constructor(
    readonly file: BdrvChild,
    public backing: BdrvChild | null,
    header: QcowHeader,
    l1: Uint8Array,
    reftable: Float64Array,
    /** Follows the node through reopen -r / -w. */
    public readOnly: boolean,
    /** stderr (fprintf/error_report text, verbatim with newline). */
    readonly stderr: (text: string) => void,
    opts: Qcow2Options,
  ) {
    this.header = header;
    this.dataFile = file;
    this.clusterBits = header.clusterBits;
    this.clusterSize = 2 ** header.clusterBits;
    this.extL2 = (header.incompatibleFeatures & INCOMPAT_EXTL2) !== 0;
    this.l2EntryBytes = this.extL2 ? 16 : 8;
    this.subclustersPerCluster = this.extL2 ? 32 : 1;
    this.subclusterBits = this.extL2 ? header.clusterBits - 5 : header.clusterBits;
    this.subclusterSize = 2 ** this.subclusterBits;
    this.l2Bits = header.clusterBits - (this.extL2 ? 4 : 3);
    this.l2Size = 2 ** this.l2Bits;
    this.l2SliceSize = opts.l2SliceEntries;
    this.refcountOrder = header.refcountOrder;
    this.refcountBlockBits = header.clusterBits + 3 - header.refcountOrder;
    this.refcountBlockSize = 2 ** this.refcountBlockBits;
    this.layout = compressedLayout(header.clusterBits);
    this.size = header.size;
    this.l1Size = header.l1Size;
    this.l1TableOffset = header.l1TableOffset;
    this.l1 = l1;
    this.l1VmStateIndex = Math.ceil(header.size / 2 ** (this.clusterBits + this.l2Bits));
    this.refcountTableOffset = header.refcountTableOffset;
    this.reftable = reftable;
    this.updateMaxRefcountTableIndex();
    this.l2Cache = new Qcow2Cache(this, 'l2', opts.l2CacheEntries, this.l2SliceSize * this.l2EntryBytes);
    this.refblockCache = new Qcow2Cache(this, 'refblock', opts.refcountCacheEntries, this.clusterSize);
    this.useLazyRefcounts = opts.lazyRefcounts;
    this.discardPassthrough = { never: false, always: true, request: false, snapshot: false, other: false };
    this.overlapCheck = 0;
    this.setOptions(opts);
  }

  /** qcow2_update_options_commit without the caches (the constructor and reopen make those). */
  setOptions(opts: Qcow2Options): void {
    this.useLazyRefcounts = opts.lazyRefcounts;
    this.discardPassthrough.request = opts.passDiscardRequest;
    this.discardPassthrough.snapshot = opts.passDiscardSnapshot;
    this.discardPassthrough.other = opts.passDiscardOther;
    this.overlapCheck = opts.overlapCheck;
  }

  /** Fresh caches of the sizes reopen asked for (the old ones were flushed; QEMU makes new ones every time). */
  replaceCaches(opts: Qcow2Options): void {
    this.l2SliceSize = opts.l2SliceEntries;
    this.l2Cache = new Qcow2Cache(this, 'l2', opts.l2CacheEntries, this.l2SliceSize * this.l2EntryBytes);
    this.refblockCache = new Qcow2Cache(this, 'refblock', opts.refcountCacheEntries, this.clusterSize);
  }

  get version(): number {
    return this.header.version;
  }

  get incompatibleFeatures(): number {
    return this.header.incompatibleFeatures;
  }

  get refcountTableSize(): number {
    return this.reftable.length;
  }

  /** has_data_file: guest data is in an external data file. */
  get hasDataFile(): boolean {
    return this.dataFile !== this.file;
  }

  /** data_file_is_raw: the data file must stay a valid raw image (autoclear bit 1). */
  get dataFileRaw(): boolean {
    return (this.header.autoclearFeatures & AUTOCLEAR_DATA_FILE_RAW) !== 0;
  }

  get hasBacking(): boolean {
    return this.backing !== null;
  }

  updateMaxRefcountTableIndex(): void {
    let i = this.reftable.length - 1;
    while (i > 0 && this.reftable[i] === 0) i--;
    this.maxRefcountTableIndex = Math.max(i, 0);
  }

  offsetIntoCluster(offset: number): number {
    return offset % this.clusterSize;
  }

  startOfCluster(offset: number): number {
    return offset - (offset % this.clusterSize);
  }

  sizeToClusters(bytes: number): number {
    return Math.ceil(bytes / this.clusterSize);
  }

  l1Index(guestOffset: number): number {
    return Math.floor(guestOffset / 2 ** (this.l2Bits + this.clusterBits));
  }

  /** Index of the guest cluster's entry in its L2 table, and in its slice. */
  l2Index(guestOffset: number): number {
    return Math.floor(guestOffset / this.clusterSize) % this.l2Size;
  }

  l2SliceIndex(guestOffset: number): number {
    return Math.floor(guestOffset / this.clusterSize) % this.l2SliceSize;
  }

  l1Hi(i: number): number {
    const b = this.l1;
    const o = i * 8;
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  l1Lo(i: number): number {
    const b = this.l1;
    const o = i * 8 + 4;
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }

  /** qcow2_need_accurate_refcounts: the dirty bit (lazy refcounts) allows stale counts. */
  get needAccurateRefcounts(): boolean {
    return (this.header.incompatibleFeatures & INCOMPAT_DIRTY) === 0;
  }

  /** qcow2_mark_dirty: set the dirty bit on disk before the first lazy refcount change. */
  async markDirty(): Promise<void> {
    if (this.header.incompatibleFeatures & INCOMPAT_DIRTY) return;
    const val = new Uint8Array(8);
    putBe32(val, 0, this.header.incompatibleHigh ?? 0);
    putBe32(val, 4, (this.header.incompatibleFeatures | INCOMPAT_DIRTY) >>> 0);
    await this.file.pwritev(72, 8, val);
    await this.file.flush();
    this.header.incompatibleFeatures |= INCOMPAT_DIRTY;
  }

  /** qcow2_mark_clean: clear the dirty bit, write every cache back (refcounts included), rewrite the header. */
  async markClean(): Promise<void> {
    if (!(this.header.incompatibleFeatures & INCOMPAT_DIRTY)) return;
    this.header.incompatibleFeatures &= ~INCOMPAT_DIRTY;
    await this.l2Cache.write();
    await this.refblockCache.write();
    await this.file.flush();
    await this.updateHeader();
  }

  /** Fails requests once a fatal corruption made the node unusable (ENOMEDIUM, as QEMU's bs->drv = NULL). */
  checkAlive(): void {
    if (this.dead) throw new BlockError(ENOMEDIUM);
  }

  /**
   * qcow2_signal_corruption: report once on stderr; a fatal one marks the image corrupt (header
   * bit) and makes the node unusable. Resolves to the EIO the caller throws.
   */
  async corruption(message: string, fatal = true): Promise<BlockError> {
    // A read-only image is never marked (nothing may be written to it) and stays usable.
    if (this.readOnly) fatal = false;
    // Once reported, later events are suppressed (a fatal one still marks a writable image).
    if (this.signaledCorruption && (!fatal || (this.header.incompatibleFeatures & INCOMPAT_CORRUPT) !== 0)) return new BlockError(EIO);
    if (fatal) {
      this.stderr(`qcow2: Marking image as corrupt: ${message}; further corruption events will be suppressed\n`);
    } else {
      this.stderr(`qcow2: Image is corrupt: ${message}; further non-fatal corruption events will be suppressed\n`);
    }
    this.signaledCorruption = true;
    if (fatal) {
      this.header.incompatibleFeatures |= INCOMPAT_CORRUPT;
      this.dead = true;
      this.onDead?.();
      // qcow2_mark_corrupt: best effort (a read-only node refuses the write, as it must).
      await this.updateHeader().catch(() => undefined);
    }
    return new BlockError(EIO);
  }

  /** qcow2_update_header: rewrite the header cluster from the in-memory state. */
  async updateHeader(): Promise<void> {
    const h: QcowHeader = {
      ...this.header,
      // bs->total_sectors * 512: a size that is not a multiple of 512 is rounded down.
      size: Math.floor(this.size / 512) * 512,
      l1Size: this.l1Size,
      l1TableOffset: this.l1TableOffset,
      refcountTableOffset: this.refcountTableOffset,
      refcountTableClusters: (this.reftable.length * 8) / this.clusterSize,
      headerLength: this.header.version >= 3 ? Math.max(this.header.headerLength, V3_HEADER_LENGTH) : this.header.headerLength,
    };
    const buf = buildHeaderCluster(h, this.clusterSize, {
      backingFile: this.backingFile || undefined,
      backingFormat: this.backingFormat || undefined,
      dataFile: this.hasDataFile && this.imageDataFile ? this.imageDataFile : undefined,
      bitmaps: this.nbBitmaps > 0 ? bitmapsExtData(this) : undefined,
      unknownExtensions: this.unknownExtensions,
    });
    if (!buf) throw new BlockError(28 /* ENOSPC: QEMU's "header does not fit" */);
    await this.file.pwritev(0, this.clusterSize, buf);
    this.header = h;
  }

  /** qcow2_check_metadata_overlap: bitmask of the metadata kinds [offset, offset+size) touches. */
  metadataOverlap(ignore: number, offset: number, size: number): number {
    // Only the kinds overlap-check asks for.
    ignore |= ~this.overlapCheck;
    if (size <= 0) return 0;
    const cs = this.clusterSize;
    const start = this.startOfCluster(offset);
    const end = start + Math.ceil((this.offsetIntoCluster(offset) + size) / cs) * cs;
    const hit = (o: number, len: number) => o < end && start < o + len;
    let ret = 0;
    if (!(ignore & OL_MAIN_HEADER) && start < cs) ret |= OL_MAIN_HEADER;
    if (!(ignore & OL_ACTIVE_L1) && this.l1Size && hit(this.l1TableOffset, this.l1Size * 8)) ret |= OL_ACTIVE_L1;
    if (!(ignore & OL_REFCOUNT_TABLE) && this.reftable.length && hit(this.refcountTableOffset, this.reftable.length * 8)) {
      ret |= OL_REFCOUNT_TABLE;
    }
    if (!(ignore & OL_SNAPSHOT_TABLE) && this.header.nbSnapshots && hit(this.header.snapshotsOffset, cs)) ret |= OL_SNAPSHOT_TABLE;
    if (!(ignore & OL_BITMAP_DIRECTORY) && this.header.autoclearFeatures & AUTOCLEAR_BITMAPS && hit(this.bitmapDirectoryOffset, this.bitmapDirectorySize)) {
      ret |= OL_BITMAP_DIRECTORY;
    }
    if (!(ignore & OL_ACTIVE_L2)) {
      for (let i = 0; i < this.l1Size; i++) {
        const l2 = entryOffset(this.l1Hi(i), this.l1Lo(i));
        if (l2 && hit(l2, cs)) {
          ret |= OL_ACTIVE_L2;
          break;
        }
      }
    }
    if (!(ignore & OL_REFCOUNT_BLOCK)) {
      for (let i = 0; i <= this.maxRefcountTableIndex && i < this.reftable.length; i++) {
        const rb = this.reftable[i];
        if (rb && hit(rb, cs)) {
          ret |= OL_REFCOUNT_BLOCK;
          break;
        }
      }
    }
    return ret;
  }

  /**
   * qcow2_pre_write_overlap_check: refuse (and mark the image corrupt) a write onto metadata.
   * A data write (`dataFile`) to an external data file cannot hit the image's metadata.
   */
  async preWriteOverlapCheck(ignore: number, offset: number, size: number, dataFile = false): Promise<void> {
    if (dataFile && this.hasDataFile) return;
    const ret = this.metadataOverlap(ignore, offset, size);
    if (ret === 0) return;
    const bit = 31 - Math.clz32(ret & -ret);
    throw await this.corruption(`Preventing invalid write on metadata (overlaps with ${OVERLAP_NAMES[bit]})`);
  }

  checkTableWrite(kind: CacheKind, offset: number, bytes: number): Promise<void> {
    return this.preWriteOverlapCheck(kind === 'l2' ? OL_ACTIVE_L2 : OL_REFCOUNT_BLOCK, offset, bytes);
  }

  /** update_refcount_discard: queue a freed host range, merged with an adjacent queued one. */
  queueDiscard(offset: number, bytes: number): void {
    for (const d of this.discards) {
      if (offset + bytes === d.offset || d.offset + d.bytes === offset || (offset < d.offset + d.bytes && d.offset < offset + bytes)) {
        const end = Math.max(d.offset + d.bytes, offset + bytes);
        d.offset = Math.min(d.offset, offset);
        d.bytes = end - d.offset;
        return;
      }
    }
    this.discards.push({ offset, bytes });
  }

  /** qcow2_process_discards: send the queued discards (unless the operation failed). */
  async processDiscards(failed: boolean): Promise<void> {
    const list = this.discards.splice(0);
    if (failed) return;
    for (const d of list) await this.file.pdiscard(d.offset, d.bytes).catch(() => undefined);
  }
}

export { hex };
