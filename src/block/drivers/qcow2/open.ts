// Opening a qcow2 image (QEMU's qcow2_do_open): read and validate the header, its extensions,
// the L1 and refcount tables, in QEMU's order and with its messages, so a corrupt or hostile
// image is refused with the same sentence qemu-io prints.
import { bytesToBinaryString } from '../../../common/binary-string';
import type { BdrvChild } from '../../child';
import { EACCES, EFBIG, EINVAL, EIO, ENOTSUP, QemuError, strerror, toErrno } from '../../errors';
import type { QDict } from '../../qdict';
import {
  align8,
  AUTOCLEAR_BITMAPS,
  AUTOCLEAR_MASK,
  be32,
  EXT_BACKING_FORMAT,
  EXT_BITMAPS,
  EXT_CRYPTO_HEADER,
  EXT_DATA_FILE,
  EXT_END,
  EXT_FEATURE_TABLE,
  type HeaderExtension,
  headerExact,
  INCOMPAT_COMPRESSION,
  INCOMPAT_CORRUPT,
  INCOMPAT_EXTL2,
  INCOMPAT_MASK,
  MAX_BACKING_FILE_NAME,
  MAX_CLUSTER_BITS,
  MIN_CLUSTER_BITS,
  parseFeatureTable,
  parseHeader,
  QCOW_MAGIC,
  QCOW_MAX_L1_SIZE,
  QCOW_MAX_REFTABLE_SIZE,
  QCOW_MAX_SNAPSHOTS,
  type QcowHeader,
  type QcowHeaderExact,
  sizeToL1Exact,
  tableOffsetValid,
  V3_HEADER_LENGTH,
  V3_MIN_HEADER_LENGTH,
} from './format';
import { headerGeometry, resolveQcow2Options, takeQcow2Options } from './options';
import { dataFileName } from './data-file';
import { type BitmapsExt, parseBitmapsExt } from './bitmaps';
import type { Qcow2Options } from './state';

/** sizeof(QCowSnapshotHeader). */
const SNAPSHOT_HEADER_SIZE = 40;

/** What qcow2_do_open learns before the driver state exists. */
export interface OpenedImage {
  header: QcowHeader;
  l1: Uint8Array;
  reftable: Float64Array;
  backingFile: string;
  backingFormat: string;
  unknownExtensions: HeaderExtension[];
  /** The external data file's name from the header extension (QEMU's image_data_file). */
  imageDataFile: string | null;
  /** The bitmaps extension, when its autoclear bit says the bitmaps can be trusted. */
  bitmaps: BitmapsExt | null;
  options: Qcow2Options;
  /** The header must be rewritten once the driver is up (cleared autoclear bits). */
  updateHeader: boolean;
}

/** BDRV_MAX_LENGTH: where bdrv_check_qiov_request stops every request with EIO. */
const BDRV_MAX_LENGTH = (1n << 63n) - (1n << 30n);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const exactNumber = (v: bigint): boolean => BigInt(Number(v)) === v;

/**
 * Reads metadata at an offset taken from the header. Past 2^53 (`exact` given) nothing is read:
 * no file is that long, so QEMU reads zeroes there, or fails with EIO past BDRV_MAX_LENGTH.
 */
async function read(file: BdrvChild, offset: number, bytes: number, what: string, exact?: bigint): Promise<Uint8Array> {
  const buf = new Uint8Array(bytes);
  if (exact !== undefined && exact > SAFE) {
    if (exact + BigInt(bytes) > BDRV_MAX_LENGTH) fail(`${what}: ${strerror(EIO)}`, EIO);
    return buf;
  }
  try {
    await file.preadv(offset, bytes, buf);
  } catch (e) {
    throw new QemuError(`${what}: ${strerror(toErrno(e))}`, toErrno(e));
  }
  return buf;
}

function fail(message: string, errno = EINVAL): never {
  throw new QemuError(message, errno);
}

/** qcow2_validate_table on the exact offset: entries fit the limit, the table is cluster aligned and addressable. */
function validateTable(offset: bigint, entries: number, entryLen: number, maxBytes: number, name: string, clusterSize: number): void {
  if (entries > maxBytes / entryLen) fail(`${name} too large`, EFBIG);
  if (!tableOffsetValid(offset, entries, entryLen, clusterSize)) fail(`${name} offset invalid`);
}

interface Extensions {
  /** The bitmaps extension is stale (autoclear bit clear): the header is rewritten without it. */
  dropBitmaps: boolean;
  backingFormat: string;
  featureNames: Map<string, string> | null;
  dataFile: string | null;
  bitmaps: BitmapsExt | null;
  unknown: HeaderExtension[];
}

/** qcow2_read_extensions: walk the extensions between the header and `end`. */
async function readExtensions(file: BdrvChild, h: QcowHeader, end: number, warn: (text: string) => void): Promise<Extensions> {
  const out: Extensions = { dropBitmaps: false, backingFormat: '', featureNames: null, dataFile: null, bitmaps: null, unknown: [] };
  let offset = h.headerLength;
  while (offset < end) {
    const ext = await read(file, offset, 8, `qcow2_read_extension: ERROR: pread fail from offset ${offset}`);
    const type = be32(ext, 0);
    const len = be32(ext, 4);
    offset += 8;
    if (offset > end || len > end - offset) fail('Header extension too large');
    switch (type) {
      case EXT_END:
        return out;
      case EXT_BACKING_FORMAT: {
        if (len >= 16) fail(`ERROR: ext_backing_format: len=${len} too large (>=16)`);
        const data = await read(file, offset, len, 'ERROR: ext_backing_format: Could not read format name');
        const nul = data.indexOf(0);
        out.backingFormat = String.fromCharCode(...(nul >= 0 ? data.subarray(0, nul) : data));
        break;
      }
      case EXT_FEATURE_TABLE:
        out.featureNames = parseFeatureTable(await read(file, offset, len, 'ERROR: ext_feature_table: Could not read table'));
        break;
      case EXT_CRYPTO_HEADER:
        if (h.cryptMethod !== 2) fail('CRYPTO header extension only expected with LUKS encryption method');
        out.unknown.unshift({ type, data: await read(file, offset, len, 'ERROR: unknown extension: Could not read data') });
        break;
      case EXT_BITMAPS:
        if (len !== 24) fail('bitmaps_ext: Invalid extension length');
        if (!(h.autoclearFeatures & AUTOCLEAR_BITMAPS)) {
          warn(
            h.version < 3
              ? 'qemu-io: warning: This qcow2 v2 image contains bitmaps, but they may have been modified by a program without persistent bitmap support; so now they must all be considered inconsistent\n'
              : 'qemu-io: warning: a program lacking bitmap support modified this file, so all bitmaps are now considered inconsistent\n',
          );
          warn("Some clusters may be leaked, run 'qemu-img check -r' on the image file to fix.");
          out.dropBitmaps = true;
          break;
        }
        out.bitmaps = parseBitmapsExt(await read(file, offset, len, 'bitmaps_ext: Could not read ext header'), 2 ** h.clusterBits);
        break;
      case EXT_DATA_FILE:
        out.dataFile = dataFileName(await read(file, offset, len, 'ERROR: Could not read data file name'));
        break;
      default:
        // Kept to be written back unchanged; QEMU keeps them newest first.
        out.unknown.unshift({ type, data: await read(file, offset, len, 'ERROR: unknown extension: Could not read data') });
        break;
    }
    offset += align8(len);
  }
  return out;
}

/** report_unsupported_feature: names from the feature table, then the unnamed bits. */
function unsupportedFeatures(names: Map<string, string> | null, maskLow: number, maskHigh: number): string {
  const parts: string[] = [];
  let mask = (BigInt(maskHigh >>> 0) << 32n) | BigInt(maskLow >>> 0);
  for (const [key, name] of names ?? []) {
    const [kind, bit] = key.split(':').map(Number);
    if (kind === 0 && bit < 64 && (mask >> BigInt(bit)) & 1n) {
      parts.push(name.slice(0, 46));
      mask &= ~(1n << BigInt(bit));
    }
  }
  if (mask) parts.push(`Unknown incompatible feature: ${mask.toString(16)}`);
  return `Unsupported qcow2 feature(s): ${parts.join(', ')}`;
}

/**
 * qcow2_do_open up to (not including) the backing file: throws QEMU's message on bad images.
 * `openDataFile` runs where QEMU opens the external data file (data-file.ts).
 */
export async function readImage(
  file: BdrvChild,
  options: QDict,
  readOnly: boolean,
  unmap: boolean,
  warn: (t: string) => void,
  openDataFile: (header: QcowHeader, imageDataFile: string | null) => Promise<void>,
): Promise<OpenedImage> {
  const raw = await read(file, 0, V3_HEADER_LENGTH, 'Could not read qcow2 header');
  if (be32(raw, 0) !== QCOW_MAGIC) fail('Image is not in qcow2 format');
  const h = parseHeader(raw);
  const x = headerExact(raw);
  if (h.version < 2 || h.version > 3) fail(`Unsupported qcow2 version ${h.version}`, ENOTSUP);
  if (h.clusterBits < MIN_CLUSTER_BITS || h.clusterBits > MAX_CLUSTER_BITS) fail(`Unsupported cluster size: 2^${h.clusterBits}`);
  const clusterSize = 2 ** h.clusterBits;
  if (h.version >= 3) {
    if (h.headerLength < V3_MIN_HEADER_LENGTH) fail('qcow2 header too short');
    if (h.headerLength > clusterSize) fail('qcow2 header exceeds cluster size');
    if (h.headerLength <= 104) h.compressionType = 0;
  }
  if (x.backingFileOffset > BigInt(clusterSize)) fail('Invalid backing file offset');
  const extEnd = h.backingFileOffset ? h.backingFileOffset : clusterSize;
  if (h.compressionType !== 0 && h.compressionType !== 1) fail(`qcow2: unknown compression type: ${h.compressionType}`, ENOTSUP);
  if (h.compressionType === 0 && h.incompatibleFeatures & INCOMPAT_COMPRESSION) {
    fail('qcow2: Compression type incompatible feature bit must not be set');
  }
  if (h.compressionType !== 0 && !(h.incompatibleFeatures & INCOMPAT_COMPRESSION)) fail('qcow2: Compression type incompatible feature bit must be set');
  const unknownIncompat = (h.incompatibleFeatures & ~INCOMPAT_MASK) >>> 0;
  if (unknownIncompat || h.incompatibleHigh) {
    const exts = await readExtensions(file, h, extEnd, () => undefined).catch(() => null);
    fail(unsupportedFeatures(exts?.featureNames ?? null, unknownIncompat, h.incompatibleHigh ?? 0), ENOTSUP);
  }
  if (h.incompatibleFeatures & INCOMPAT_CORRUPT && !readOnly) fail('qcow2: Image is corrupt; cannot be opened read/write', EACCES);
  // Extended L2 splits a cluster into 32 subclusters of at least 512 bytes.
  if (h.incompatibleFeatures & INCOMPAT_EXTL2 && clusterSize / 32 < 512) fail(`Unsupported subcluster size: ${clusterSize / 32}`);
  if (h.refcountOrder > 6) fail('Reference count entry width too large; may not exceed 64 bits');
  if (h.refcountTableClusters === 0) fail('Image does not contain a reference count table');
  validateTable(x.refcountTableOffset, h.refcountTableClusters, clusterSize, QCOW_MAX_REFTABLE_SIZE, 'Reference count table', clusterSize);
  validateTable(x.snapshotsOffset, h.nbSnapshots, SNAPSHOT_HEADER_SIZE, SNAPSHOT_HEADER_SIZE * QCOW_MAX_SNAPSHOTS, 'Snapshot table', clusterSize);
  validateTable(x.l1TableOffset, h.l1Size, 8, QCOW_MAX_L1_SIZE, 'Active L1 table', clusterSize);
  checkVirtualSize(x, h);
  const l1 = h.l1Size > 0 ? await read(file, h.l1TableOffset, h.l1Size * 8, 'Could not read L1 table', x.l1TableOffset) : new Uint8Array(0);
  const given = takeQcow2Options(options);
  const opts = await resolveQcow2Options(given, headerGeometry(h), unmap, false);
  if (h.cryptMethod > 2) fail(`Unsupported encryption method ${h.cryptMethod | 0}`);
  const reftableBytes = h.refcountTableClusters * clusterSize;
  const rawTable = await read(file, h.refcountTableOffset, reftableBytes, 'Could not initialize refcount handling', x.refcountTableOffset);
  const reftable = new Float64Array(reftableBytes / 8);
  // REFT_OFFSET_MASK keeps bits 9..63.
  for (let i = 0; i < reftable.length; i++) reftable[i] = be32(rawTable, i * 8) * 2 ** 32 + ((be32(rawTable, i * 8 + 4) & 0xfffffe00) >>> 0);
  const exts = await readExtensions(file, h, extEnd, warn);
  await openDataFile(h, exts.dataFile);
  if (h.cryptMethod === 2 && !exts.unknown.some((e) => e.type === EXT_CRYPTO_HEADER)) fail('Missing CRYPTO header for crypt method 2');
  if (h.cryptMethod !== 0 && !given.encrypt.has('key-secret')) fail("Parameter 'encrypt.key-secret' is required for cipher");
  let backingFile = '';
  if (h.backingFileOffset !== 0) {
    const len = h.backingFileSize;
    if (len > Math.min(MAX_BACKING_FILE_NAME, clusterSize - h.backingFileOffset) || len >= 1024) fail('Backing file name too long');
    const name = await read(file, h.backingFileOffset, len, 'Could not read backing file name');
    const nul = name.indexOf(0);
    backingFile = bytesToBinaryString(nul >= 0 ? name.subarray(0, nul) : name);
  }
  if (h.nbSnapshots && x.snapshotsOffset > SAFE) {
    // Past 2^53 the entries read as zeroes (40 bytes each): only crossing BDRV_MAX_LENGTH fails.
    if (x.snapshotsOffset + BigInt(SNAPSHOT_HEADER_SIZE * h.nbSnapshots) > BDRV_MAX_LENGTH) fail(`Failed to read snapshot table: ${strerror(EIO)}`, EIO);
  } else {
    await readSnapshots(file, h);
  }
  // Metadata past 2^53 passes QEMU's checks (it reads zeroes there, and the host refuses writes
  // there with EFBIG); an offset no double holds would be rewritten rounded, so it is refused.
  if (!exactNumber(x.l1TableOffset) || !exactNumber(x.refcountTableOffset) || !exactNumber(x.snapshotsOffset)) {
    fail('blkstudio cannot open qcow2 images with metadata offsets that are not exact in a double', EFBIG);
  }
  // refresh_total_sectors, once the driver is open: a size past INT64_MAX cannot be a disk.
  if (x.size >= 1n << 63n) fail('Could not refresh total sector count: File too large', EFBIG);
  if (x.size > SAFE) fail('blkstudio cannot open qcow2 images larger than 8 PiB', EFBIG);
  // Features QEMU 7.2 has and blkstudio does not (yet): refused by name, after QEMU's own checks.
  if (h.cryptMethod !== 0) fail('blkstudio does not support encrypted qcow2 images', ENOTSUP);
  // Unknown autoclear bits are cleared (and the header rewritten) when the image may be written.
  // The bitmaps bit stays: bitmaps.ts keeps the bitmaps true to the data.
  const knownAutoclear = h.autoclearFeatures & AUTOCLEAR_MASK;
  const updateHeader = !readOnly && (h.autoclearFeatures !== knownAutoclear || (h.autoclearHigh ?? 0) !== 0 || exts.dropBitmaps);
  if (updateHeader) {
    h.autoclearFeatures = knownAutoclear;
    h.autoclearHigh = 0;
  }
  return {
    header: h,
    l1,
    reftable,
    backingFile,
    backingFormat: exts.backingFormat,
    unknownExtensions: exts.unknown,
    imageDataFile: exts.dataFile,
    bitmaps: exts.bitmaps,
    options: opts,
    updateHeader,
  };
}

/** The L1 size the virtual size needs, as qcow2_do_open checks it (size_to_l1 wraps in 64 bits). */
function checkVirtualSize(x: QcowHeaderExact, h: QcowHeader): void {
  const l1Index = sizeToL1Exact(x.size, h.clusterBits, (h.incompatibleFeatures & INCOMPAT_EXTL2) !== 0);
  if (l1Index > 0x7fffffffn) fail('Image is too big', EFBIG);
  if (BigInt(h.l1Size) < l1Index) fail('L1 table is too small');
}

/** sizeof(QCowSnapshotExtraData), QCOW_MAX_SNAPSHOT_EXTRA_DATA and QCOW_MAX_SNAPSHOTS_SIZE. */
const SNAPSHOT_EXTRA_SIZE = 24;
const MAX_SNAPSHOT_EXTRA_DATA = 1024;
const MAX_SNAPSHOTS_SIZE = 1024 * QCOW_MAX_SNAPSHOTS;

/** qcow2_read_snapshots: walk the snapshot table the way QEMU validates it. */
async function readSnapshots(file: BdrvChild, h: QcowHeader): Promise<void> {
  let offset = h.snapshotsOffset;
  for (let i = 0; i < h.nbSnapshots; i++) {
    offset = Math.ceil(offset / 8) * 8;
    const sh = await read(file, offset, SNAPSHOT_HEADER_SIZE, 'Failed to read snapshot table');
    offset += SNAPSHOT_HEADER_SIZE;
    const idSize = (sh[12] << 8) | sh[13];
    const nameSize = (sh[14] << 8) | sh[15];
    const extraSize = be32(sh, 36);
    if (extraSize > MAX_SNAPSHOT_EXTRA_DATA) {
      fail(`Too much extra metadata in snapshot table entry ${i}\nYou can force-remove this extra metadata with qemu-img check -r all`, EFBIG);
    }
    offset += Math.min(SNAPSHOT_EXTRA_SIZE, extraSize);
    if (extraSize > SNAPSHOT_EXTRA_SIZE) offset += extraSize - SNAPSHOT_EXTRA_SIZE;
    offset += idSize + nameSize;
    if (offset - h.snapshotsOffset > MAX_SNAPSHOTS_SIZE) {
      fail(`Snapshot table is too big\nYou can force-remove all ${h.nbSnapshots - i} overhanging snapshots with qemu-img check -r all`, EFBIG);
    }
  }
}
