// The qcow2 on-disk format (docs/interop/qcow2.txt): the header, its extensions, and the bits of
// L1/L2/refcount entries. Pure functions over bytes, shared by the driver, `img create` and
// `img check`. All fields are big-endian. Offsets stay JS numbers: QEMU's checks of the 64-bit
// header fields run on their exact values (headerExact); images whose size exceeds 2^53, or whose
// metadata offsets pass QEMU's checks but are not exact as doubles, are refused at open. Metadata
// past 2^53 reads as zeroes and the host refuses writes there (EFBIG), as on ext4.

import { binaryStringToBytes } from '../../../common/binary-string';

export const QCOW_MAGIC = 0x514649fb;
/** Smallest and largest cluster_bits QEMU accepts (512 B .. 2 MiB). */
export const MIN_CLUSTER_BITS = 9;
export const MAX_CLUSTER_BITS = 21;
export const V2_HEADER_LENGTH = 72;
/** sizeof(QCowHeader) in QEMU 7.2: the v3 fields plus compression_type and padding. */
export const V3_HEADER_LENGTH = 112;
/** The v3 fields every v3 header must have (up to and including header_length). */
export const V3_MIN_HEADER_LENGTH = 104;

export const INCOMPAT_DIRTY = 1;
export const INCOMPAT_CORRUPT = 2;
export const INCOMPAT_DATA_FILE = 4;
export const INCOMPAT_COMPRESSION = 8;
export const INCOMPAT_EXTL2 = 16;
export const INCOMPAT_MASK = 31;
export const COMPAT_LAZY_REFCOUNTS = 1;
export const AUTOCLEAR_BITMAPS = 1;
export const AUTOCLEAR_DATA_FILE_RAW = 2;
export const AUTOCLEAR_MASK = 3;

export const EXT_END = 0;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_TABLE = 0x6803f857;
export const EXT_CRYPTO_HEADER = 0x0537be77;
export const EXT_BITMAPS = 0x23852875;
export const EXT_DATA_FILE = 0x44415441;

/** QEMU's limits (block/qcow2.h). */
export const QCOW_MAX_L1_SIZE = 0x2000000; // bytes
export const QCOW_MAX_REFTABLE_SIZE = 0x800000; // bytes
export const QCOW_MAX_SNAPSHOTS = 65536;
export const QCOW_MAX_CRYPT_CLUSTERS = 32;
export const MAX_BACKING_FILE_NAME = 1023;
/** Host offsets must fit 56 bits (L2E_OFFSET_MASK); we also need them exact as JS numbers. */
export const QCOW_MAX_CLUSTER_OFFSET = 2 ** 56 - 1;

/** The header fields (QCowHeader), v2 images get the v3 defaults for the v3-only ones. */
export interface QcowHeader {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: number;
  /** Feature words: the low 32 bits (every bit QEMU 7.2 knows); the high halves apart, exactly. */
  incompatibleFeatures: number;
  compatibleFeatures: number;
  autoclearFeatures: number;
  incompatibleHigh?: number;
  compatibleHigh?: number;
  autoclearHigh?: number;
  refcountOrder: number;
  headerLength: number;
  compressionType: number;
}

/** A header extension as stored (type, data without padding). */
export interface HeaderExtension {
  type: number;
  data: Uint8Array;
}

export function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** A 64-bit big-endian field as a number (exact below 2^53, which the callers check where it matters). */
export function be64(b: Uint8Array, o: number): number {
  return be32(b, o) * 2 ** 32 + be32(b, o + 4);
}

/** A 64-bit big-endian field exactly. */
export function be64n(b: Uint8Array, o: number): bigint {
  return (BigInt(be32(b, o)) << 32n) | BigInt(be32(b, o + 4));
}

/** The 64-bit header fields exactly: QEMU checks these before any of them is used as a number. */
export interface QcowHeaderExact {
  backingFileOffset: bigint;
  size: bigint;
  l1TableOffset: bigint;
  refcountTableOffset: bigint;
  snapshotsOffset: bigint;
  incompatibleFeatures: bigint;
  compatibleFeatures: bigint;
  autoclearFeatures: bigint;
}

export function headerExact(b: Uint8Array): QcowHeaderExact {
  const v3 = be32(b, 4) >= 3;
  return {
    backingFileOffset: be64n(b, 8),
    size: be64n(b, 24),
    l1TableOffset: be64n(b, 40),
    refcountTableOffset: be64n(b, 48),
    snapshotsOffset: be64n(b, 64),
    incompatibleFeatures: v3 ? be64n(b, 72) : 0n,
    compatibleFeatures: v3 ? be64n(b, 80) : 0n,
    autoclearFeatures: v3 ? be64n(b, 88) : 0n,
  };
}

export const INT64_MAX = (1n << 63n) - 1n;

/** size_to_l1 on the exact size, wrapping in 64 bits as QEMU's does. */
export function sizeToL1Exact(size: bigint, clusterBits: number, extL2: boolean): bigint {
  const shift = BigInt(clusterBits + clusterBits - (extL2 ? 4 : 3));
  return BigInt.asUintN(64, size + (1n << shift) - 1n) >> shift;
}

/** qcow2_validate_table's offset half, on the exact value: the table ends by INT64_MAX, cluster aligned. */
export function tableOffsetValid(offset: bigint, entries: number, entryLen: number, clusterSize: number): boolean {
  return INT64_MAX - BigInt(entries) * BigInt(entryLen) >= offset && offset % BigInt(clusterSize) === 0n;
}

export function putBe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function putBe64(b: Uint8Array, o: number, v: number): void {
  putBe32(b, o, Math.floor(v / 2 ** 32) >>> 0);
  putBe32(b, o + 4, v >>> 0);
}

/** Reads the fixed header fields; the caller validates them (QEMU's messages live in open.ts). */
export function parseHeader(b: Uint8Array): QcowHeader {
  const version = be32(b, 4);
  const v3 = version >= 3;
  return {
    version,
    backingFileOffset: be64(b, 8),
    backingFileSize: be32(b, 16),
    clusterBits: be32(b, 20),
    size: be64(b, 24),
    cryptMethod: be32(b, 32),
    l1Size: be32(b, 36),
    l1TableOffset: be64(b, 40),
    refcountTableOffset: be64(b, 48),
    refcountTableClusters: be32(b, 56),
    nbSnapshots: be32(b, 60),
    snapshotsOffset: be64(b, 64),
    incompatibleFeatures: v3 ? be32(b, 76) : 0,
    compatibleFeatures: v3 ? be32(b, 84) : 0,
    autoclearFeatures: v3 ? be32(b, 92) : 0,
    incompatibleHigh: v3 ? be32(b, 72) : 0,
    compatibleHigh: v3 ? be32(b, 80) : 0,
    autoclearHigh: v3 ? be32(b, 88) : 0,
    refcountOrder: v3 ? be32(b, 96) : 4,
    headerLength: v3 ? be32(b, 100) : V2_HEADER_LENGTH,
    compressionType: v3 && be32(b, 100) > 104 ? b[104] : 0,
  };
}

/** Writes the fixed header fields into `b` (at least headerLength bytes). */
export function serializeHeader(h: QcowHeader, b: Uint8Array): void {
  putBe32(b, 0, QCOW_MAGIC);
  putBe32(b, 4, h.version);
  putBe64(b, 8, h.backingFileOffset);
  putBe32(b, 16, h.backingFileSize);
  putBe32(b, 20, h.clusterBits);
  putBe64(b, 24, h.size);
  putBe32(b, 32, h.cryptMethod);
  putBe32(b, 36, h.l1Size);
  putBe64(b, 40, h.l1TableOffset);
  putBe64(b, 48, h.refcountTableOffset);
  putBe32(b, 56, h.refcountTableClusters);
  putBe32(b, 60, h.nbSnapshots);
  putBe64(b, 64, h.snapshotsOffset);
  if (h.version >= 3) {
    putBe32(b, 72, h.incompatibleHigh ?? 0);
    putBe32(b, 76, h.incompatibleFeatures >>> 0);
    putBe32(b, 80, h.compatibleHigh ?? 0);
    putBe32(b, 84, h.compatibleFeatures >>> 0);
    putBe32(b, 88, h.autoclearHigh ?? 0);
    putBe32(b, 92, h.autoclearFeatures >>> 0);
    putBe32(b, 96, h.refcountOrder);
    putBe32(b, 100, h.headerLength);
    if (h.headerLength > 104) b[104] = h.compressionType;
  }
}

/** Feature names QEMU 7.2 writes into the feature table extension, in its order. */
export const FEATURE_TABLE: ReadonlyArray<readonly [kind: number, bit: number, name: string]> = [
  [0, 0, 'dirty bit'],
  [0, 1, 'corrupt bit'],
  [0, 2, 'external data file'],
  [0, 3, 'compression type'],
  [0, 4, 'extended L2 entries'],
  [1, 0, 'lazy refcounts'],
  [2, 0, 'bitmaps'],
  [2, 1, 'raw external data'],
];

/** The feature table extension's payload (48 bytes per entry: type, bit, 46-byte name). */
export function featureTableData(): Uint8Array {
  const data = new Uint8Array(FEATURE_TABLE.length * 48);
  FEATURE_TABLE.forEach(([kind, bit, name], i) => {
    data[i * 48] = kind;
    data[i * 48 + 1] = bit;
    for (let c = 0; c < name.length; c++) data[i * 48 + 2 + c] = name.charCodeAt(c);
  });
  return data;
}

/** Feature names from a feature table extension: key `${kind}:${bit}`. */
export function parseFeatureTable(data: Uint8Array): Map<string, string> {
  const names = new Map<string, string>();
  for (let o = 0; o + 48 <= data.length; o += 48) {
    let end = o + 2;
    while (end < o + 48 && data[end] !== 0) end++;
    names.set(`${data[o]}:${data[o + 1]}`, String.fromCharCode(...data.subarray(o + 2, end)));
  }
  return names;
}

/** Pads to a multiple of 8 bytes (extensions are 8-byte aligned). */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * The header cluster as qcow2_update_header writes it: fixed fields, extensions (backing format,
 * external data file name, the feature table for v3 images with clusters over 4 KiB (QEMU keeps small header clusters for
 * the backing file name), the bitmaps extension, then the unknown ones kept from the image), end marker, backing file
 * name. Returns null when it does not fit in one cluster.
 */
export function buildHeaderCluster(
  h: QcowHeader,
  clusterSize: number,
  opts: { backingFile?: string; backingFormat?: string; dataFile?: string; bitmaps?: Uint8Array; unknownExtensions?: readonly HeaderExtension[] },
): Uint8Array | null {
  const buf = new Uint8Array(clusterSize);
  let o = h.version >= 3 ? h.headerLength : V2_HEADER_LENGTH;
  const exts: HeaderExtension[] = [];
  if (opts.backingFormat) exts.push({ type: EXT_BACKING_FORMAT, data: binaryStringToBytes(opts.backingFormat) });
  if (opts.dataFile) exts.push({ type: EXT_DATA_FILE, data: binaryStringToBytes(opts.dataFile) });
  if (h.version >= 3 && clusterSize > 4096) exts.push({ type: EXT_FEATURE_TABLE, data: featureTableData() });
  if (opts.bitmaps) exts.push({ type: EXT_BITMAPS, data: opts.bitmaps });
  exts.push(...(opts.unknownExtensions ?? []));
  for (const e of exts) {
    if (o + 8 + align8(e.data.length) > clusterSize) return null;
    putBe32(buf, o, e.type);
    putBe32(buf, o + 4, e.data.length);
    buf.set(e.data, o + 8);
    o += 8 + align8(e.data.length);
  }
  if (o + 8 > clusterSize) return null;
  o += 8; // end marker: type 0, length 0
  const hdr = { ...h, backingFileOffset: 0, backingFileSize: 0 };
  if (opts.backingFile) {
    // File names are binary strings (one char per byte), as everywhere in the engine.
    const name = binaryStringToBytes(opts.backingFile);
    if (o + name.length > clusterSize) return null;
    buf.set(name, o);
    hdr.backingFileOffset = o;
    hdr.backingFileSize = name.length;
  }
  serializeHeader(hdr, buf);
  return buf;
}

// ---- L1 / L2 entries ---------------------------------------------------------------------------
// A 64-bit entry is handled as its two 32-bit halves: hi holds bits 63..32, lo bits 31..0.

/** Bit 63 of L1/L2 entries: refcount is exactly 1, the cluster may be written in place. */
export const HI_COPIED = 0x80000000;
/** Bit 62 of L2 entries: compressed cluster descriptor. */
export const HI_COMPRESSED = 0x40000000;
/** Bit 0 of L2 entries (v3): reads as zeroes. */
export const LO_ZERO = 1;
/** Bits 9..55 (L1E_OFFSET_MASK / L2E_OFFSET_MASK), as hi and lo masks. */
export const HI_OFFSET_MASK = 0x00ffffff;
export const LO_OFFSET_MASK = 0xfffffe00;

/** The host offset in an L1/L2 entry (bits 9..55). */
export function entryOffset(hi: number, lo: number): number {
  return (hi & HI_OFFSET_MASK) * 2 ** 32 + ((lo & LO_OFFSET_MASK) >>> 0);
}

/** Bits of an entry that must be zero in a standard (uncompressed) L2 entry: 1..8 and 56..61. */
export function l2ReservedBits(hi: number, lo: number): boolean {
  return (hi & 0x3f000000) !== 0 || (lo & 0x1fe) !== 0;
}

export type ClusterType = 'unallocated' | 'zero-plain' | 'zero-alloc' | 'normal' | 'compressed';

/** qcow2_get_cluster_type (no external data file, no extended L2). */
export function clusterType(hi: number, lo: number): ClusterType {
  if (hi & HI_COMPRESSED) return 'compressed';
  const hasOffset = (hi & HI_OFFSET_MASK) !== 0 || (lo & LO_OFFSET_MASK) !== 0;
  if (lo & LO_ZERO) return hasOffset ? 'zero-alloc' : 'zero-plain';
  return hasOffset ? 'normal' : 'unallocated';
}

/** Layout of compressed cluster descriptors for a cluster size (csize_shift etc.). */
export interface CompressedLayout {
  /** Bits 0..shift-1 hold the host offset; the sector count sits above it up to bit 61. */
  shift: number;
  sizeMask: number;
}

export function compressedLayout(clusterBits: number): CompressedLayout {
  return { shift: 62 - (clusterBits - 8), sizeMask: (1 << (clusterBits - 8)) - 1 };
}

/** qcow2_parse_compressed_l2_entry: host offset and byte count of a compressed cluster. */
export function parseCompressed(hi: number, lo: number, layout: CompressedLayout): { offset: number; size: number } {
  const s = layout.shift - 32;
  const offset = (hi & ((1 << s) - 1)) * 2 ** 32 + (lo >>> 0);
  const sectors = ((hi >>> s) & layout.sizeMask) + 1;
  return { offset, size: sectors * 512 - (offset % 512) };
}

/** An L2 entry for a compressed cluster at `offset` with `sectorsMinusOne` additional sectors. */
export function compressedEntry(offset: number, sectorsMinusOne: number, layout: CompressedLayout): [hi: number, lo: number] {
  const s = layout.shift - 32;
  const hi = (HI_COMPRESSED | ((sectorsMinusOne & layout.sizeMask) << s) | Math.floor(offset / 2 ** 32)) >>> 0;
  return [hi, offset >>> 0];
}

// ---- sizes -------------------------------------------------------------------------------------

/** L2 entries per table (cluster_size / 8). */
export function l2Entries(clusterBits: number): number {
  return 1 << (clusterBits - 3);
}

/** size_to_l1: L1 entries needed for a virtual size. */
export function sizeToL1(size: number, clusterBits: number): number {
  const shift = clusterBits + clusterBits - 3;
  return Math.ceil(size / 2 ** shift);
}

/** qcow2_refcount_metadata_size: refblocks (and the table) for `clusters` host clusters. */
export function refcountMetadataSize(
  clusters: number,
  clusterSize: number,
  refcountOrder: number,
  generousIncrease: boolean,
): { bytes: number; refblocks: number } {
  const blocksPerTableCluster = clusterSize / 8;
  const refcountsPerBlock = (clusterSize * 8) / 2 ** refcountOrder;
  let table = 0;
  let blocks = 0;
  let last: number;
  let n = 0;
  do {
    last = n;
    blocks = Math.ceil((clusters + table + blocks) / refcountsPerBlock);
    table = Math.ceil(blocks / blocksPerTableCluster);
    n = clusters + blocks + table;
    if (n === last && generousIncrease) {
      clusters += Math.ceil(table / 2);
      n = 0;
      generousIncrease = false;
    }
  } while (n !== last);
  return { bytes: (blocks + table) * clusterSize, refblocks: blocks };
}

// ---- refcount entries --------------------------------------------------------------------------

/** Largest refcount representable with 2^order bits (64-bit counts are capped to what JS holds exactly). */
export function refcountMax(order: number): number {
  return order >= 6 ? Number.MAX_SAFE_INTEGER : 2 ** (1 << order) - 1;
}

/** Refcount `index` of a refcount block of width 2^order bits. */
export function getRefcount(block: Uint8Array, index: number, order: number): number {
  switch (order) {
    case 0:
      return (block[index >>> 3] >>> (index & 7)) & 1;
    case 1:
      return (block[index >>> 2] >>> (2 * (index & 3))) & 3;
    case 2:
      return (block[index >>> 1] >>> (4 * (index & 1))) & 15;
    case 3:
      return block[index];
    case 4:
      return (block[index * 2] << 8) | block[index * 2 + 1];
    case 5:
      return be32(block, index * 4);
    default:
      return be64(block, index * 8);
  }
}

export function setRefcount(block: Uint8Array, index: number, order: number, value: number): void {
  switch (order) {
    case 0: {
      const shift = index & 7;
      block[index >>> 3] = (block[index >>> 3] & ~(1 << shift)) | ((value & 1) << shift);
      return;
    }
    case 1: {
      const shift = 2 * (index & 3);
      block[index >>> 2] = (block[index >>> 2] & ~(3 << shift)) | ((value & 3) << shift);
      return;
    }
    case 2: {
      const shift = 4 * (index & 1);
      block[index >>> 1] = (block[index >>> 1] & ~(15 << shift)) | ((value & 15) << shift);
      return;
    }
    case 3:
      block[index] = value;
      return;
    case 4:
      block[index * 2] = value >>> 8;
      block[index * 2 + 1] = value & 0xff;
      return;
    case 5:
      putBe32(block, index * 4, value);
      return;
    default:
      putBe64(block, index * 8, value);
  }
}
