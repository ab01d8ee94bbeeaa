// The qcow2 consistency check (qemu-img check): recompute every cluster's refcount from the
// metadata (header, L1/L2 tables of the image and its snapshots, snapshot table, refcount table
// and blocks), compare with the refcounts stored on disk, check the COPIED flags, and optionally
// repair leaks and refcount errors in place. Works on raw bytes through a read function, so the
// app and `blkstudio img check` use it alike. Messages are QEMU 7.2's stderr lines, in order.

import { type CheckBitmaps, countBitmapRefcounts, readBitmapsForCheck } from './check-bitmaps';
import { findDataFileName } from './data-file';
import { EINVAL, QemuError } from '../../errors';
import {
  AUTOCLEAR_DATA_FILE_RAW,
  AUTOCLEAR_MASK,
  be32,
  be64,
  clusterType,
  compressedLayout,
  getRefcount,
  headerExact,
  HI_COPIED,
  HI_OFFSET_MASK,
  INCOMPAT_COMPRESSION,
  INCOMPAT_CORRUPT,
  INCOMPAT_DATA_FILE,
  INCOMPAT_DIRTY,
  INCOMPAT_EXTL2,
  INCOMPAT_MASK,
  l2ReservedBits,
  LO_OFFSET_MASK,
  LO_ZERO,
  parseCompressed,
  parseHeader,
  putBe32,
  putBe64,
  QCOW_MAGIC,
  QCOW_MAX_L1_SIZE,
  QCOW_MAX_REFTABLE_SIZE,
  QCOW_MAX_SNAPSHOTS,
  setRefcount,
  sizeToL1Exact,
  tableOffsetValid,
  type QcowHeader,
} from './format';

export type ReadFn = (offset: number, bytes: number) => Promise<Uint8Array>;
export type WriteFn = (offset: number, data: Uint8Array) => Promise<void>;

export interface RefcountMismatch {
  cluster: number;
  /** The refcount stored in the image. */
  refcount: number;
  /** The number of references the metadata makes. */
  reference: number;
  kind: 'leak' | 'error' | 'repaired';
}

export interface CheckResult {
  corruptions: number;
  leaks: number;
  checkErrors: number;
  corruptionsFixed: number;
  leaksFixed: number;
  /** (highest cluster in use + 1) * cluster size. */
  imageEndOffset: number;
  totalClusters: number;
  allocatedClusters: number;
  fragmentedClusters: number;
  compressedClusters: number;
  mismatches: RefcountMismatch[];
  /** What QEMU prints on stderr while checking, one entry per line (with newline). */
  messages: string[];
  /** The image has trusted persistent bitmaps (a repairing open stores them anew at close). */
  persistentBitmaps?: boolean;
  /** Set when the check itself failed (QEMU's negative return): an errno number. */
  failedErrno?: number;
  /** An error_report line printed before "Check failed" (without "qemu-img: "). */
  failedReport?: string;
  /** The repair happened (its summary is printed) but the re-check failed. */
  failedAfterRepair?: boolean;
}

export interface CheckOptions {
  /** -r leaks / -r all. Repairs need `write`. */
  fixLeaks?: boolean;
  fixErrors?: boolean;
  write?: WriteFn;
  /** Opens the external data file the header names, where QEMU does (throws Qcow2OpenError). */
  openDataFile?: (name: string) => void;
  /** The qcow2 driver repairs a dirty image while opening it: it warns about and drops an untrusted bitmaps extension itself. */
  inOpen?: boolean;
}

/** A header problem that makes QEMU refuse to open the image (the text after "Could not open"). */
export class Qcow2OpenError extends Error {
  override readonly name = 'Qcow2OpenError';
}

/** Thrown for repairs blkstudio does not do (rebuilding the refcount structure). */
export class Qcow2RepairUnsupportedError extends Error {
  override readonly name = 'Qcow2RepairUnsupportedError';
}

const EIO = 5;

/** The check itself failed (QEMU returns -errno): `report` is an error_report line, if any. */
class CheckFailure extends Error {
  report?: string;
  constructor(readonly errno: number) {
    super(`check failed: errno ${errno}`);
  }
}
const hex = (n: number): string => n.toString(16);
/** printf's %#x: no 0x prefix for zero. */
const altHex = (n: number): string => (n ? `0x${hex(n)}` : '0');
/** A 64-bit entry given as halves, in %PRIx64 form. */
const entryHex = (hi: number, lo: number): string => ((hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0')).replace(/^0+(?=.)/, '');

interface Snapshot {
  id: string;
  name: string;
  l1Offset: number;
  l1Size: number;
}

/** The image as qcow2_open leaves it: header, tables in memory, derived sizes. */
interface Image {
  h: QcowHeader;
  cs: number;
  cb: number;
  order: number;
  refcountMax: number;
  rbBits: number;
  l2Size: number;
  l2EntryBytes: number;
  extL2: boolean;
  /** Refcount table entries masked to their offset (REFT_OFFSET_MASK). */
  reftable: number[];
  /** Their low 32 bits as stored, for exact reserved-bit and alignment checks. */
  reftableLo: number[];
  reftableHi: number[];
  l1: number[][]; // [hi, lo]
  snapshots: Snapshot[];
  snapshotsSize: number;
  snapshotsOffsetLo: number;
  snapshotsOffsetExact: bigint;
  signaledCorruption: boolean;
  /** A fatal corruption was signalled: QEMU drops the driver, nothing more is written. */
  fatal: boolean;
  /** Guest data lives in an external data file: its clusters have no refcounts. */
  dataFile: boolean;
  /** The persistent bitmaps (their clusters are referenced), when the extension is trusted. */
  bitmaps: CheckBitmaps | null;
  /** QEMU's warning about an untrusted bitmaps extension, and where that extension is. */
  bitmapsWarning: string | null;
  staleBitmaps: { offset: number; bytes: number } | null;
}

/** qcow2_validate_table on the exact offset. */
function validateTable(offset: bigint, entries: number, entryLen: number, maxBytes: number, cs: number, name: string): void {
  if (entries > maxBytes / entryLen) throw new Qcow2OpenError(`${name} too large`);
  if (!tableOffsetValid(offset, entries, entryLen, cs)) throw new Qcow2OpenError(`${name} offset invalid`);
}

/** BDRV_MAX_LENGTH: bdrv_check_qiov_request fails every request reaching past it with EIO. */
const BDRV_MAX_LENGTH = (1n << 63n) - (1n << 30n);

/**
 * Reads a table at an exact header offset as qcow2_open does: EIO past BDRV_MAX_LENGTH, and an
 * offset that JS cannot hold exactly is refused (QEMU reads zeroes there; we would read elsewhere).
 */
async function readTable(read: ReadFn, offset: bigint, bytes: number, what: string): Promise<Uint8Array> {
  if (offset + BigInt(bytes) > BDRV_MAX_LENGTH) throw new Qcow2OpenError(`${what}: Input/output error`);
  // No file reaches past 2^53: QEMU reads zeroes there (offsets no double holds are refused later).
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return new Uint8Array(bytes);
  return read(Number(offset), bytes);
}

const exactNumber = (v: bigint): boolean => BigInt(Number(v)) === v;

/** The subset of qcow2_open's header checks a check needs, with QEMU's messages. */
export async function openQcow2ForCheck(read: ReadFn, openDataFile?: (name: string) => void): Promise<Image> {
  const head = await read(0, 512);
  if (be32(head, 0) !== QCOW_MAGIC) throw new Qcow2OpenError('Image is not in qcow2 format');
  const h = parseHeader(head);
  const x = headerExact(head);
  if (h.version < 2 || h.version > 3) throw new Qcow2OpenError(`Unsupported qcow2 version ${h.version}`);
  if (h.clusterBits < 9 || h.clusterBits > 21) throw new Qcow2OpenError(`Unsupported cluster size: 2^${h.clusterBits}`);
  const cs = 2 ** h.clusterBits;
  if (h.version >= 3) {
    if (h.headerLength < 104) throw new Qcow2OpenError('qcow2 header too short');
    if (h.headerLength > cs) throw new Qcow2OpenError('qcow2 header exceeds cluster size');
  }
  if (x.backingFileOffset > BigInt(cs)) throw new Qcow2OpenError('Invalid backing file offset');
  // validate_compression_type (1 is zstd, which Debian's QEMU has).
  if (h.compressionType > 1) throw new Qcow2OpenError(`qcow2: unknown compression type: ${h.compressionType}`);
  // Feature bits are tested on the exact 64-bit words.
  const incompatLo = be32(head, 76);
  if (h.compressionType === 0 && incompatLo & INCOMPAT_COMPRESSION) {
    throw new Qcow2OpenError('qcow2: Compression type incompatible feature bit must not be set');
  }
  if (h.compressionType !== 0 && !(incompatLo & INCOMPAT_COMPRESSION)) {
    throw new Qcow2OpenError('qcow2: Compression type incompatible feature bit must be set');
  }
  const unknown = x.incompatibleFeatures & ~BigInt(INCOMPAT_MASK);
  if (unknown) throw new Qcow2OpenError(`Unsupported qcow2 feature(s): Unknown incompatible feature: ${unknown.toString(16)}`);
  // (Corrupt images are checked: QEMU opens them for the check.) Extended L2 needs 512-byte subclusters.
  if (incompatLo & INCOMPAT_EXTL2 && cs / 32 < 512) throw new Qcow2OpenError(`Unsupported subcluster size: ${cs / 32}`);
  if (h.refcountOrder > 6) throw new Qcow2OpenError('Reference count entry width too large; may not exceed 64 bits');
  const extL2 = (incompatLo & INCOMPAT_EXTL2) !== 0;
  const l2EntryBytes = extL2 ? 16 : 8;
  const reftableEntries = (h.refcountTableClusters * cs) / 8;
  validateTable(x.refcountTableOffset, h.refcountTableClusters, cs, QCOW_MAX_REFTABLE_SIZE, cs, 'Reference count table');
  // (The snapshot table is validated by the check itself: QEMU skips it when opening to check.)
  validateTable(x.l1TableOffset, h.l1Size, 8, QCOW_MAX_L1_SIZE, cs, 'Active L1 table');
  const l1Needed = sizeToL1Exact(x.size, h.clusterBits, extL2);
  if (l1Needed > 0x7fffffffn) throw new Qcow2OpenError('Image is too big');
  if (BigInt(h.l1Size) < l1Needed) throw new Qcow2OpenError('L1 table is too small');
  // (QEMU reports an unknown encryption method only after the L1 checks.)
  if (h.cryptMethod > 2) throw new Qcow2OpenError(`Unsupported encryption method ${h.cryptMethod | 0}`);
  if (h.cryptMethod) throw new Qcow2OpenError('blkstudio cannot check encrypted qcow2 images');

  const l1Bytes = h.l1Size ? await readTable(read, x.l1TableOffset, h.l1Size * 8, 'Could not read L1 table') : new Uint8Array(0);
  const rt = await readTable(read, x.refcountTableOffset, reftableEntries * 8, 'Could not initialize refcount handling');
  const reftable: number[] = [];
  const reftableLo: number[] = [];
  const reftableHi: number[] = [];
  for (let i = 0; i < reftableEntries; i++) {
    const lo = be32(rt, i * 8 + 4);
    reftableHi.push(be32(rt, i * 8));
    reftable.push(be32(rt, i * 8) * 2 ** 32 + ((lo & 0xfffffe00) >>> 0));
    reftableLo.push(lo);
  }
  // The external data file (named in a header extension) and its autoclear bit.
  const dataFile = h.version >= 3 && (incompatLo & INCOMPAT_DATA_FILE) !== 0;
  if (dataFile) {
    const name = await findDataFileName(read, h);
    if (name === false) throw new Qcow2OpenError('Header extension too large');
    if (name === null) throw new Qcow2OpenError("'data-file' is required for this image");
    openDataFile?.(name);
  } else if (h.version >= 3 && be32(head, 92) & AUTOCLEAR_DATA_FILE_RAW) throw new Qcow2OpenError('data-file-raw requires a data file');
  let bitmaps;
  try {
    bitmaps = await readBitmapsForCheck(read, h);
  } catch (e) {
    if (e instanceof QemuError) throw new Qcow2OpenError(e.message);
    throw e;
  }
  const l1: number[][] = [];
  for (let i = 0; i < h.l1Size; i++) l1.push([be32(l1Bytes, i * 8), be32(l1Bytes, i * 8 + 4)]);

  // refresh_total_sectors after the open; then what JS numbers cannot hold exactly.
  if (x.size >= 1n << 63n) throw new Qcow2OpenError('Could not refresh total sector count: File too large');
  if (x.size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Qcow2OpenError('blkstudio cannot check qcow2 images larger than 8 PiB');
  if (!exactNumber(x.l1TableOffset) || !exactNumber(x.refcountTableOffset)) {
    throw new Qcow2OpenError('blkstudio cannot check qcow2 images with metadata offsets that are not exact in a double');
  }
  const snapshots: Snapshot[] = [];
  let at = h.snapshotsOffset;
  const snapshotsOffsetLo = be32(head, 68);
  const snapshotTableValid = h.nbSnapshots <= QCOW_MAX_SNAPSHOTS && tableOffsetValid(x.snapshotsOffset, h.nbSnapshots, 40, cs);
  for (let i = 0; snapshotTableValid && i < h.nbSnapshots; i++) {
    const e = await read(at, 40);
    const idLen = (e[12] << 8) | e[13];
    const nameLen = (e[14] << 8) | e[15];
    const extra = be32(e, 36);
    const strs = await read(at + 40 + extra, idLen + nameLen);
    const text = (b: Uint8Array) => String.fromCharCode(...b);
    snapshots.push({ l1Offset: be64(e, 0), l1Size: be32(e, 8), id: text(strs.subarray(0, idLen)), name: text(strs.subarray(idLen)) });
    at = Math.ceil((at + 40 + extra + idLen + nameLen) / 8) * 8;
  }
  return {
    h,
    cs,
    cb: h.clusterBits,
    order: h.refcountOrder,
    refcountMax: h.refcountOrder >= 6 ? Number.MAX_SAFE_INTEGER : 2 ** (1 << h.refcountOrder) - 1,
    rbBits: h.clusterBits + 3 - h.refcountOrder,
    l2Size: cs / l2EntryBytes,
    l2EntryBytes,
    extL2,
    reftable,
    reftableLo,
    reftableHi,
    snapshotsOffsetLo,
    snapshotsOffsetExact: x.snapshotsOffset,
    l1,
    snapshots,
    snapshotsSize: at - h.snapshotsOffset,
    signaledCorruption: false,
    fatal: false,
    dataFile,
    bitmaps: bitmaps.bitmaps,
    bitmapsWarning: bitmaps.warning,
    staleBitmaps: bitmaps.stale,
  };
}

/** qcow2_get_cluster_type: in an external data file offset 0 with COPIED is a data cluster. */
function checkClusterType(img: Image, hi: number, lo: number): ReturnType<typeof clusterType> {
  const t = clusterType(hi, lo);
  return t === 'unallocated' && img.dataFile && hi & HI_COPIED ? 'normal' : t;
}

/** One run of the check (QEMU calls it twice when it repaired something). */
class Checker {
  readonly res: CheckResult = {
    corruptions: 0,
    leaks: 0,
    checkErrors: 0,
    corruptionsFixed: 0,
    leaksFixed: 0,
    imageEndOffset: 0,
    totalClusters: 0,
    allocatedClusters: 0,
    fragmentedClusters: 0,
    compressedClusters: 0,
    mismatches: [],
    messages: [],
  };
  /** The recomputed refcounts (QEMU's in-memory refcount table). */
  private counts: Float64Array;
  nbClusters: number;
  private readonly blocks = new Map<number, Uint8Array>();
  rebuild = false;

  constructor(
    private readonly img: Image,
    private readonly read: ReadFn,
    /** The file's current length (repairs may grow it). */
    private readonly file: { size: number },
    private readonly write: WriteFn | undefined,
  ) {
    this.nbClusters = Math.ceil(file.size / img.cs);
    this.counts = new Float64Array(Math.max(this.nbClusters, 1));
  }

  private msg(line: string): void {
    this.res.messages.push(line + '\n');
  }

  private async doWrite(offset: number, data: Uint8Array): Promise<void> {
    if (!this.write) throw new Qcow2RepairUnsupportedError('repairing needs a writable image');
    await this.write(offset, data);
  }

  /** qcow2_inc_refcounts_imrt. */
  incRefcounts(offset: number, size: number, offsetHex = hex(offset)): void {
    const cs = this.img.cs;
    if (size <= 0) return;
    if (offset + size - this.file.size >= cs) {
      this.msg(`ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x${offsetHex} size 0x${hex(size)}`);
      this.res.corruptions++;
      return;
    }
    const first = Math.floor(offset / cs);
    const last = Math.floor((offset + size - 1) / cs);
    for (let k = first; k <= last; k++) {
      if (k >= this.nbClusters) {
        this.nbClusters = k + 1;
        if (k >= this.counts.length) {
          const grown = new Float64Array(Math.max(k + 1, this.counts.length * 2));
          grown.set(this.counts);
          this.counts = grown;
        }
      }
      if (this.counts[k] === this.img.refcountMax) {
        this.msg(`ERROR: overflow cluster offset=0x${hex(k * cs)}`);
        this.msg('Use qemu-img amend to increase the refcount entry width or qemu-img convert to create a clean copy if the image cannot be opened for writing');
        this.res.corruptions++;
        continue;
      }
      this.counts[k]++;
    }
  }

  /** qcow2_get_refcount: the stored refcount, or undefined when the refblock offset is bad. */
  async storedRefcount(cluster: number): Promise<number | undefined> {
    const img = this.img;
    const t = Math.floor(cluster / 2 ** img.rbBits);
    if (t >= img.reftable.length) return 0;
    const blockOffset = img.reftable[t];
    if (!blockOffset) return 0;
    // Beyond INT64_MAX the block layer refuses the read (EIO), with no corruption event.
    if (img.reftableHi[t] & 0x80000000) return undefined;
    if (img.reftableLo[t] & (img.cs - 1) & ~0x1ff) {
      await this.signalCorruption(`Refblock offset 0x${entryHex(img.reftableHi[t], img.reftableLo[t] & 0xfffffe00)} unaligned (reftable index: ${altHex(t)})`);
      return undefined;
    }
    const block = await this.refblock(blockOffset);
    return getRefcount(block, cluster % 2 ** img.rbBits, img.order);
  }

  /**
   * qcow2_signal_corruption: reported once; on a read-only image it is not fatal, on a writable
   * one (a repair) the image is marked corrupt.
   */
  private async signalCorruption(message: string): Promise<void> {
    if (this.img.signaledCorruption) return;
    this.img.signaledCorruption = true;
    if (!this.write) {
      this.msg(`qcow2: Image is corrupt: ${message}; further non-fatal corruption events will be suppressed`);
      return;
    }
    this.msg(`qcow2: Marking image as corrupt: ${message}; further corruption events will be suppressed`);
    this.img.fatal = true;
    const b = await this.read(72, 8);
    b[7] |= INCOMPAT_CORRUPT;
    await this.write(72, b);
  }

  private async refblock(offset: number): Promise<Uint8Array> {
    let b = this.blocks.get(offset);
    if (!b) {
      b = await this.read(offset, this.img.cs);
      this.blocks.set(offset, b);
    }
    return b;
  }

  /** check_refcounts_l2. */
  private async checkL2(l2Offset: number, fragInfo: boolean, fixErrors: boolean): Promise<void> {
    const img = this.img;
    const table = await this.read(l2Offset, img.cs);
    const layout = compressedLayout(img.cb);
    let nextContiguous = 0;
    for (let i = 0; i < img.l2Size; i++) {
      const o = i * img.l2EntryBytes;
      let hi = be32(table, o);
      const lo = be32(table, o + 4);
      const bitmapHi = img.extL2 ? be32(table, o + 8) : 0;
      const bitmapLo = img.extL2 ? be32(table, o + 12) : 0;
      const type = checkClusterType(img, hi, lo);
      const entryText = () => entryHex(hi, lo);
      if (type !== 'compressed' && l2ReservedBits(hi, lo)) {
        this.msg(`ERROR found l2 entry with reserved bits set: ${entryText()}`);
        this.res.corruptions++;
      }
      switch (type) {
        case 'compressed': {
          if (hi & HI_COPIED) {
            this.msg(`ERROR: coffset=0x${entryHex(hi & ((1 << (layout.shift - 32)) - 1), lo)}: copied flag must never be set for compressed clusters`);
            hi = (hi & ~HI_COPIED) >>> 0;
            this.res.corruptions++;
          }
          if (img.dataFile) {
            this.msg(`ERROR compressed cluster ${i} with data file, entry=0x${entryText()}`);
            this.res.corruptions++;
            break;
          }
          if (bitmapHi || bitmapLo) {
            this.msg(`ERROR compressed cluster ${i} with non-zero subcluster allocation bitmap, entry=0x${entryText()}`);
            this.res.corruptions++;
            break;
          }
          const c = parseCompressed(hi, lo, layout);
          // Offsets can exceed 2^53: the size and the printed offset come from the exact halves.
          const sectors = ((hi >>> (layout.shift - 32)) & layout.sizeMask) + 1;
          this.incRefcounts(c.offset, sectors * 512 - (lo & 511), entryHex(hi & ((1 << (layout.shift - 32)) - 1), lo));
          if (fragInfo) {
            this.res.allocatedClusters++;
            this.res.compressedClusters++;
            this.res.fragmentedClusters++;
          }
          break;
        }
        case 'zero-alloc':
        case 'normal': {
          const offset = (hi & HI_OFFSET_MASK) * 2 ** 32 + ((lo & LO_OFFSET_MASK) >>> 0);
          const offHex = entryHex(hi & HI_OFFSET_MASK, lo & LO_OFFSET_MASK);
          if (img.extL2 && ((bitmapHi & bitmapLo) >>> 0) !== 0) {
            this.res.corruptions++;
            this.msg(`ERROR offset=${offHex}: Allocated cluster has corrupted subcluster allocation bitmap`);
          }
          if (lo & LO_OFFSET_MASK & (img.cs - 1)) {
            this.res.corruptions++;
            const containsData = img.extL2 ? bitmapLo !== 0 : !(lo & LO_ZERO);
            if (!containsData) {
              this.msg(`${fixErrors ? 'Repairing' : 'ERROR'} offset=${offHex}: Preallocated cluster is not properly aligned; L2 entry corrupted.`);
              if (fixErrors) {
                try {
                  await this.overlapCheck(l2Offset + o, img.l2EntryBytes, fragInfo);
                } catch (e) {
                  if (e instanceof CheckFailure) {
                    this.msg('ERROR: Overlap check failed');
                    this.res.checkErrors++;
                  }
                  throw e;
                }
                const e = new Uint8Array(img.l2EntryBytes);
                putBe32(e, 4, LO_ZERO);
                await this.doWrite(l2Offset + o, e);
                this.res.corruptions--;
                this.res.corruptionsFixed++;
                continue;
              }
            } else {
              this.msg(`ERROR offset=${offHex}: Data cluster is not properly aligned; L2 entry corrupted.`);
            }
          }
          if (fragInfo) {
            this.res.allocatedClusters++;
            if (nextContiguous && offset !== nextContiguous) this.res.fragmentedClusters++;
            nextContiguous = offset + img.cs;
          }
          // Clusters of an external data file have no refcounts.
          if (!img.dataFile) this.incRefcounts(offset, img.cs, offHex);
          break;
        }
        case 'zero-plain':
          break;
        case 'unallocated':
          if (img.extL2 && bitmapLo !== 0) {
            this.res.corruptions++;
            this.msg('ERROR: Unallocated cluster has non-zero subcluster allocation map');
          }
          break;
      }
    }
  }

  /** check_refcounts_l1. */
  private async checkL1(l1Offset: number, l1Size: number, fragInfo: boolean, fixErrors: boolean): Promise<void> {
    if (!l1Size) return;
    this.incRefcounts(l1Offset, l1Size * 8);
    const l1 = await this.read(l1Offset, l1Size * 8);
    for (let i = 0; i < l1Size; i++) {
      const hi = be32(l1, i * 8);
      const lo = be32(l1, i * 8 + 4);
      if (!hi && !lo) continue;
      // L1E_RESERVED_MASK: bits 1..8 and 56..62.
      if ((hi & 0x7f000000) !== 0 || (lo & 0x1ff) !== 0) {
        this.msg(`ERROR found L1 entry with reserved bits set: ${entryHex(hi, lo)}`);
        this.res.corruptions++;
      }
      const l2Offset = (hi & HI_OFFSET_MASK) * 2 ** 32 + ((lo & LO_OFFSET_MASK) >>> 0);
      const l2Hex = entryHex(hi & HI_OFFSET_MASK, lo & LO_OFFSET_MASK);
      this.incRefcounts(l2Offset, this.img.cs, l2Hex);
      if (lo & LO_OFFSET_MASK & (this.img.cs - 1)) {
        this.msg(`ERROR l2_offset=${l2Hex}: Table is not cluster aligned; L1 entry corrupted`);
        this.res.corruptions++;
      }
      await this.checkL2(l2Offset, fragInfo, fixErrors);
    }
  }

  /** calculate_refcounts + check_refblocks. */
  async calculate(fixErrors: boolean): Promise<void> {
    const img = this.img;
    this.incRefcounts(0, img.cs);
    await this.checkL1(img.h.l1TableOffset, img.h.l1Size, true, fixErrors);
    if (img.dataFile && img.snapshots.length) {
      this.msg(`ERROR ${img.snapshots.length} snapshots in image with data file`);
      this.res.corruptions++;
    }
    for (const sn of img.snapshots) {
      if (sn.l1Offset % img.cs) {
        this.msg(`ERROR snapshot ${sn.id} (${sn.name}) l1_offset=${altHex(sn.l1Offset)}: L1 table is not cluster aligned; snapshot table entry corrupted`);
        this.res.corruptions++;
        continue;
      }
      if (sn.l1Size > QCOW_MAX_L1_SIZE / 8) {
        this.msg(`ERROR snapshot ${sn.id} (${sn.name}) l1_size=${altHex(sn.l1Size)}: L1 table is too large; snapshot table entry corrupted`);
        this.res.corruptions++;
        continue;
      }
      await this.checkL1(sn.l1Offset, sn.l1Size, false, fixErrors);
    }
    this.incRefcounts(img.h.snapshotsOffset, img.snapshotsSize);
    this.incRefcounts(img.h.refcountTableOffset, img.reftable.length * 8);
    if (img.bitmaps && !(await countBitmapRefcounts(this.read, img.cs, img.bitmaps, (o, n) => this.incRefcounts(o, n)))) {
      this.res.corruptions++;
      throw new CheckFailure(EINVAL);
    }

    for (let i = 0; i < img.reftable.length; i++) {
      const offset = img.reftable[i];
      const cluster = Math.floor(offset / img.cs);
      if (img.reftableLo[i] & 0x1ff) {
        this.msg(`ERROR refcount table entry ${i} has reserved bits set`);
        this.res.corruptions++;
        this.rebuild = true;
        continue;
      }
      if (img.reftableLo[i] & (img.cs - 1)) {
        this.msg(`ERROR refcount block ${i} is not cluster aligned; refcount table entry corrupted`);
        this.res.corruptions++;
        this.rebuild = true;
        continue;
      }
      if (cluster >= this.nbClusters) {
        this.res.corruptions++;
        this.msg(`${fixErrors ? 'Repairing' : 'ERROR'} refcount block ${i} is outside image`);
        if (fixErrors) throw new Qcow2RepairUnsupportedError('blkstudio cannot repair a refcount block outside the image yet');
        continue;
      }
      if (offset !== 0) {
        this.incRefcounts(offset, img.cs);
        if (this.counts[cluster] !== 1) {
          this.msg(`ERROR refcount block ${i} refcount=${this.counts[cluster]}`);
          this.res.corruptions++;
          this.rebuild = true;
        }
      }
    }
  }

  /** compare_refcounts; returns the highest cluster in use. */
  async compare(fixLeaks: boolean, fixErrors: boolean): Promise<number> {
    let highest = 0;
    const discards: number[] = [];
    for (let i = 0; i < this.nbClusters; i++) {
      const r1 = await this.storedRefcount(i);
      if (r1 === undefined) {
        this.msg(`Can't get refcount for cluster ${i}: Input/output error`);
        this.res.checkErrors++;
        continue;
      }
      const r2 = this.counts[i];
      if (r1 > 0 || r2 > 0) highest = i;
      if (r1 === r2) continue;
      let fixed: 'leaks' | 'errors' | undefined;
      if (r1 === 0) this.rebuild = true;
      else if (r1 > r2 && fixLeaks) fixed = 'leaks';
      else if (r1 < r2 && fixErrors) fixed = 'errors';
      this.msg(`${fixed ? 'Repairing' : r1 < r2 ? 'ERROR' : 'Leaked'} cluster ${i} refcount=${r1} reference=${r2}`);
      if (fixed) {
        await this.setStoredRefcount(i, r2);
        if (r2 === 0) discards.push(i);
        this.res.mismatches.push({ cluster: i, refcount: r1, reference: r2, kind: 'repaired' });
        if (fixed === 'leaks') this.res.leaksFixed++;
        else this.res.corruptionsFixed++;
        continue;
      }
      this.res.mismatches.push({ cluster: i, refcount: r1, reference: r2, kind: r1 < r2 ? 'error' : 'leak' });
      if (r1 < r2) this.res.corruptions++;
      else this.res.leaks++;
    }
    // Freed clusters are discarded (QCOW2_DISCARD_ALWAYS): they read back as zeroes.
    for (const i of discards) {
      const start = i * this.img.cs;
      if (start < this.file.size) await this.doWrite(start, new Uint8Array(Math.min(this.img.cs, this.file.size - start)));
    }
    return highest;
  }

  private async setStoredRefcount(cluster: number, value: number): Promise<void> {
    const img = this.img;
    const t = Math.floor(cluster / 2 ** img.rbBits);
    const offset = img.reftable[t];
    const block = await this.refblock(offset);
    setRefcount(block, cluster % 2 ** img.rbBits, img.order, value);
    // After a fatal corruption QEMU's refcount cache is never written back.
    if (!img.fatal) await this.doWrite(offset, block);
  }

  /**
   * qcow2_pre_write_overlap_check with QEMU's default ("cached") checks against the metadata
   * as opened: a hit marks the image corrupt and fails the write with EIO.
   */
  private async overlapCheck(offset: number, size: number, ignoreActiveL2 = false): Promise<void> {
    const img = this.img;
    const cs = img.cs;
    const hits = (start: number, len: number) => len > 0 && start < offset + size && offset < start + len;
    const l2s = img.l1.map(([hi, lo]) => (hi & HI_OFFSET_MASK) * 2 ** 32 + ((lo & LO_OFFSET_MASK) >>> 0)).filter((o) => o);
    let what: string | undefined;
    if (offset < cs) what = 'qcow2_header';
    else if (hits(img.h.l1TableOffset, img.h.l1Size * 8)) what = 'active L1 table';
    else if (!ignoreActiveL2 && l2s.some((o) => hits(o, cs))) what = 'active L2 table';
    else if (hits(img.h.refcountTableOffset, img.h.refcountTableClusters * cs)) what = 'refcount table';
    else if (img.reftable.some((e) => e && hits(e, cs))) what = 'refcount block';
    else if (hits(img.h.snapshotsOffset, img.snapshotsSize)) what = 'snapshot table';
    else if (img.snapshots.some((sn) => hits(sn.l1Offset, sn.l1Size * 8))) what = 'inactive L1 table';
    if (!what) return;
    await this.signalCorruption(`Preventing invalid write on metadata (overlaps with ${what})`);
    throw new CheckFailure(EIO);
  }

  /** Forget everything computed: a fresh count over the (new) metadata. */
  resetCounts(): void {
    this.counts.fill(0);
    this.blocks.clear();
  }

  /** alloc_clusters_imrt: the first run of `count` clusters free in the recomputed refcounts. */
  private allocImrt(count: number, firstFree: { at: number }): number {
    let cluster = firstFree.at;
    let contiguous = 0;
    let firstGap = true;
    for (; cluster < this.nbClusters && contiguous < count; cluster++) {
      if (!this.counts[cluster]) {
        contiguous++;
        if (firstGap) {
          firstFree.at = cluster;
          firstGap = false;
        }
      } else contiguous = 0;
    }
    if (contiguous < count) this.growCounts(cluster + count - contiguous);
    cluster -= contiguous;
    for (let i = 0; i < count; i++) this.counts[cluster + i] = 1;
    return cluster * this.img.cs;
  }

  private growCounts(n: number): void {
    if (n > this.counts.length) {
      const grown = new Float64Array(Math.max(n, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.nbClusters = n;
  }

  /** A refcount block holding the recomputed refcounts of refblock `index` (a slice of them). */
  private refblockSlice(index: number): Uint8Array {
    const per = 2 ** this.img.rbBits;
    const b = new Uint8Array(this.img.cs);
    for (let i = 0; i < per; i++) {
      const v = this.counts[index * per + i];
      if (v) setRefcount(b, i, this.img.order, v);
    }
    return b;
  }

  /** rebuild_refcounts_write_refblocks: true when the new reftable had to grow. */
  private async writeRefblocks(first: number, end: number, table: number[]): Promise<boolean> {
    const per = 2 ** this.img.rbBits;
    const firstFree = { at: 0 };
    let grown = false;
    for (let cluster = first; cluster < end; cluster++) {
      if (!this.counts[cluster]) continue;
      const index = Math.floor(cluster / per);
      const start = index * per;
      let offset: number;
      if (table.length > index && table[index]) offset = table[index];
      else {
        // Never put a refblock into a refblock already written.
        if (firstFree.at < start) firstFree.at = start;
        offset = this.allocImrt(1, firstFree);
        if (offset / this.img.cs >= end) end = offset / this.img.cs + 1;
        if (table.length <= index) {
          const entries = Math.ceil(((index + 1) * 8) / this.img.cs) * (this.img.cs / 8);
          while (table.length < entries) table.push(0);
          grown = true;
        }
        table[index] = offset;
      }
      try {
        await this.overlapCheck(offset, this.img.cs);
      } catch (e) {
        if (e instanceof CheckFailure) e.report = 'ERROR writing refblock: Input/output error';
        throw e;
      }
      await this.doWrite(offset, this.refblockSlice(index));
      cluster = start + per - 1;
    }
    return grown;
  }

  /**
   * rebuild_refcount_structure: new refblocks and a new reftable from the recomputed
   * refcounts, placed in free clusters (or at the end), then hooked into the header. The old
   * structures leak; the caller's leak repair frees them.
   */
  async rebuildRefcountStructure(): Promise<void> {
    const img = this.img;
    const cs = img.cs;
    const table: number[] = [];
    let changed = await this.writeRefblocks(0, this.nbClusters, table);
    let tableOffset = -1;
    let tableClusters = 0;
    while (changed) {
      tableClusters = Math.ceil((table.length * 8) / cs);
      tableOffset = this.allocImrt(tableClusters, { at: 0 });
      const start = tableOffset / cs;
      changed = await this.writeRefblocks(start, start + tableClusters, table);
    }
    const bytes = new Uint8Array(tableClusters * cs);
    table.forEach((e, i) => putBe64(bytes, i * 8, e));
    try {
      await this.overlapCheck(tableOffset, bytes.length);
    } catch (e) {
      if (e instanceof CheckFailure) e.report = 'ERROR writing reftable: Input/output error';
      throw e;
    }
    await this.doWrite(tableOffset, bytes);
    const hdr = new Uint8Array(12);
    putBe64(hdr, 0, tableOffset);
    putBe32(hdr, 8, tableClusters);
    await this.doWrite(48, hdr);
    img.h.refcountTableOffset = tableOffset;
    img.h.refcountTableClusters = tableClusters;
    img.reftable = table;
    img.reftableLo = table.map((e) => e >>> 0);
    img.reftableHi = table.map((e) => Math.floor(e / 2 ** 32));
    this.blocks.clear();
  }

  /** check_oflag_copied. */
  async checkCopied(fixLeaks: boolean, fixErrors: boolean): Promise<void> {
    const img = this.img;
    const res = this.res;
    const repair = fixErrors || (fixLeaks && !res.checkErrors && !res.corruptions && !res.leaks);
    for (let i = 0; i < img.l1.length; i++) {
      const [hi, lo] = img.l1[i];
      const l2Offset = (hi & HI_OFFSET_MASK) * 2 ** 32 + ((lo & LO_OFFSET_MASK) >>> 0);
      if (!l2Offset) continue;
      const rc = await this.storedRefcount(Math.floor(l2Offset / img.cs));
      if (rc === undefined) continue;
      const entryText = entryHex;
      if ((rc === 1) !== ((hi & HI_COPIED) !== 0)) {
        res.corruptions++;
        this.msg(`${repair ? 'Repairing' : 'ERROR'} OFLAG_COPIED L2 cluster: l1_index=${i} l1_entry=${entryText(hi, lo)} refcount=${rc}`);
        if (repair) {
          const nh = rc === 1 ? (hi | HI_COPIED) >>> 0 : (hi & ~HI_COPIED) >>> 0;
          img.l1[i] = [nh, lo];
          const e = new Uint8Array(8);
          putBe32(e, 0, nh);
          putBe32(e, 4, lo);
          await this.doWrite(img.h.l1TableOffset + i * 8, e);
          res.corruptions--;
          res.corruptionsFixed++;
        }
      }
      const table = await this.read(l2Offset, img.cs);
      let dirty = 0;
      for (let j = 0; j < img.l2Size; j++) {
        const o = j * img.l2EntryBytes;
        const eh = be32(table, o);
        const el = be32(table, o + 4);
        const type = checkClusterType(img, eh, el);
        if (type !== 'normal' && type !== 'zero-alloc') continue;
        const dataOffset = (eh & HI_OFFSET_MASK) * 2 ** 32 + ((el & LO_OFFSET_MASK) >>> 0);
        // A data file's clusters always count as referenced once.
        const drc = img.dataFile ? 1 : await this.storedRefcount(Math.floor(dataOffset / img.cs));
        if (drc === undefined) continue;
        if ((drc === 1) !== ((eh & HI_COPIED) !== 0)) {
          res.corruptions++;
          this.msg(`${repair ? 'Repairing' : 'ERROR'} OFLAG_COPIED data cluster: l2_entry=${entryText(eh, el)} refcount=${drc}`);
          if (repair) {
            putBe32(table, o, drc === 1 ? (eh | HI_COPIED) >>> 0 : (eh & ~HI_COPIED) >>> 0);
            dirty++;
          }
        }
      }
      if (dirty) {
        // The table may sit on other metadata (an L1 entry pointing at the refcount table).
        try {
          await this.overlapCheck(l2Offset, img.cs, true);
        } catch (e) {
          if (e instanceof CheckFailure) {
            this.msg('ERROR: Could not write L2 table; metadata overlap check failed: Input/output error');
            res.checkErrors++;
          }
          throw e;
        }
        await this.doWrite(l2Offset, table);
        res.corruptions -= dirty;
        res.corruptionsFixed += dirty;
      }
    }
  }
}

/** qcow2_check_refcounts + the surrounding qcow2_co_check_locked, for one pass. */
async function checkPass(img: Image, read: ReadFn, file: { size: number }, fixLeaks: boolean, fixErrors: boolean, write?: WriteFn): Promise<CheckResult> {
  const c = new Checker(img, read, file, fixLeaks || fixErrors ? write : undefined);
  const res = c.res;
  // qcow2_check_read_snapshot_table: a bad table fails the check before anything is counted.
  const h = img.h;
  let badSnapshots: string | undefined;
  try {
    validateTable(img.snapshotsOffsetExact, h.nbSnapshots, 40, 40 * QCOW_MAX_SNAPSHOTS, img.cs, 'too');
  } catch (e) {
    badSnapshots = (e as Error).message.slice(4);
  }
  if (badSnapshots) {
    res.messages.push(`qemu-img: ERROR snapshot table ${badSnapshots}\n`);
    res.checkErrors++;
    res.failedErrno = badSnapshots === 'too large' ? 27 : 22;
    return res;
  }
  res.totalClusters = Math.ceil(img.h.size / img.cs);
  try {
    await c.calculate(fixErrors);
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    res.failedErrno = e.errno;
    return res;
  }
  const fix = fixLeaks || fixErrors;
  // The counters before comparing: a repairing compare starts again from them (QEMU prints
  // the mismatches of both compares).
  const pre = { corruptions: res.corruptions, leaks: res.leaks, checkErrors: res.checkErrors, mismatches: [...res.mismatches] };
  let highest = await c.compare(false, false);
  if (c.rebuild && fixErrors) {
    const old = { corruptions: res.corruptions, leaks: res.leaks };
    res.messages.push('Rebuilding refcount structure\n');
    try {
      await c.rebuildRefcountStructure();
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      res.checkErrors++;
      res.failedErrno = e.errno;
      res.failedReport = e.report;
      return res;
    }
    res.corruptions = 0;
    res.leaks = 0;
    c.rebuild = false;
    c.resetCounts();
    await c.calculate(false);
    // The old structures are leaked now: repair that, counting nothing of it but new leaks.
    const saved = { ...res, mismatches: [...res.mismatches] };
    Object.assign(res, { corruptions: 0, leaks: 0, checkErrors: 0, leaksFixed: 0, corruptionsFixed: 0 });
    highest = await c.compare(true, false);
    if (c.rebuild) res.messages.push('ERROR rebuilt refcount structure is still broken\n');
    const freshLeaks = res.leaks;
    Object.assign(res, { ...saved, messages: res.messages });
    if (res.corruptions < old.corruptions) res.corruptionsFixed += old.corruptions - res.corruptions;
    if (res.leaks < old.leaks) res.leaksFixed += old.leaks - res.leaks;
    res.leaks += freshLeaks;
  } else if (fix) {
    if (c.rebuild) {
      res.messages.push('ERROR need to rebuild refcount structures\n');
      res.checkErrors++;
      res.failedErrno = EIO;
      return res;
    }
    if (res.leaks || res.corruptions) {
      Object.assign(res, pre);
      highest = await c.compare(fixLeaks, fixErrors);
    }
  }
  try {
    await c.checkCopied(fixLeaks, fixErrors);
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    res.failedErrno = e.errno;
    return res;
  }
  res.imageEndOffset = (highest + 1) * img.cs;
  if (fix && !res.checkErrors && !res.corruptions && write) {
    // qcow2_mark_clean + qcow2_mark_consistent.
    const b = await read(72, 8);
    if (b[7] & (INCOMPAT_DIRTY | INCOMPAT_CORRUPT)) {
      b[7] &= ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT);
      await write(72, b);
    }
  }
  return res;
}

/** The header cluster without one extension: what follows moves up (the backing file name too). */
async function dropHeaderExtension(read: ReadFn, write: WriteFn, img: Image, ext: { offset: number; bytes: number }): Promise<void> {
  const head = await read(0, img.cs);
  const end = img.h.backingFileOffset ? img.h.backingFileOffset + img.h.backingFileSize : img.cs;
  head.copyWithin(ext.offset, ext.offset + ext.bytes, end);
  head.fill(0, end - ext.bytes, end);
  if (img.h.backingFileOffset) putBe64(head, 8, img.h.backingFileOffset - ext.bytes);
  await write(0, head);
  img.h.backingFileOffset = img.h.backingFileOffset ? img.h.backingFileOffset - ext.bytes : 0;
}

/**
 * Checks a qcow2 image's consistency as `qemu-img check` does. `read` must return exactly
 * `bytes` bytes (zeroes past the end of the file is fine; this wrapper pads short reads).
 * With fixLeaks/fixErrors and a write function, repairs like `-r leaks` / `-r all` and
 * returns the result of the re-check, with the repair counts of the first pass.
 */
export async function checkQcow2Image(read: ReadFn, fileSize: number, options: CheckOptions = {}): Promise<CheckResult> {
  const file = { size: fileSize };
  const padded: ReadFn = async (offset, bytes) => {
    const out = new Uint8Array(bytes);
    if (offset < file.size && bytes > 0) out.set((await read(offset, Math.min(bytes, file.size - offset))).subarray(0, bytes));
    return out;
  };
  const write = options.write;
  const tracked: WriteFn | undefined = write
    ? async (offset, data) => {
        await write(offset, data);
        file.size = Math.max(file.size, offset + data.length);
      }
    : undefined;
  const img = await openQcow2ForCheck(padded, options.openDataFile);
  if (tracked && (options.fixLeaks || options.fixErrors) && img.h.version >= 3) {
    // Opening read-write clears the autoclear bits QEMU does not know.
    const a = await padded(88, 8);
    if (be32(a, 0) || a[4] || a[5] || a[6] || a[7] & ~AUTOCLEAR_MASK) {
      a.fill(0, 0, 7);
      a[7] &= AUTOCLEAR_MASK;
      await tracked(88, a);
    }
  }
  const fixLeaks = !!options.fixLeaks || !!options.fixErrors;
  const fixErrors = !!options.fixErrors;
  // A read-write open rewrites the header without an untrusted bitmaps extension.
  if (tracked && fixLeaks && img.staleBitmaps && !options.inOpen) await dropHeaderExtension(padded, tracked, img, img.staleBitmaps);
  const first = await checkPass(img, padded, file, fixLeaks, fixErrors, tracked);
  if (img.bitmapsWarning && !options.inOpen) first.messages.unshift(img.bitmapsWarning);
  let result = first;
  if (!first.failedErrno && (first.leaksFixed || first.corruptionsFixed) && img.fatal) {
    // The driver is gone after a fatal corruption: the re-check fails with ENOMEDIUM.
    result = { ...first, failedErrno: 123, failedAfterRepair: true };
  } else if (!first.failedErrno && (first.leaksFixed || first.corruptionsFixed)) {
    const again = await checkPass(await openQcow2ForCheck(padded), padded, file, false, false);
    result = { ...again, leaksFixed: first.leaksFixed, corruptionsFixed: first.corruptionsFixed, messages: [...first.messages, ...again.messages] };
  }
  // A repair opens the image read-write, and closing it clears the dirty bit (qcow2_inactivate
  // marks it clean) whatever the check found, unless a fatal corruption dropped the driver.
  if ((fixLeaks || fixErrors) && tracked && !img.fatal) {
    const h = await padded(72, 8);
    if (h[7] & INCOMPAT_DIRTY) {
      h[7] &= ~INCOMPAT_DIRTY;
      await tracked(72, h);
    }
  }
  result.persistentBitmaps = img.bitmaps !== null && !img.fatal;
  return result;
}
