// Persistent dirty bitmaps (QEMU's qcow2-bitmap.c, docs/interop/qcow2.txt "Bitmaps"): the
// bitmaps extension points to a directory of bitmaps, each with a table of clusters holding its
// bits. A read-write open marks every bitmap in_use (written to the directory, in place, before
// anything else is written), the node's writes set bits in memory, and close stores every
// bitmap anew (new tables and data clusters, a new directory, the old ones freed) with in_use
// cleared. The autoclear bit stays set, so QEMU keeps trusting the bitmaps.
import { DirtyBitmap, wordBytes } from '../../dirty-bitmap';
import { EINVAL, QemuError, strerror, toErrno } from '../../errors';
import { AUTOCLEAR_BITMAPS, be32, putBe32, putBe64 } from './format';
import { allocClusters, freeClusters } from './refcount';
import { OL_BITMAP_DIRECTORY, type Qcow2State } from './state';

export const QCOW2_MAX_BITMAPS = 65535;
export const QCOW2_MAX_BITMAP_DIRECTORY_SIZE = 1024 * QCOW2_MAX_BITMAPS;
const BME_MAX_TABLE_SIZE = 0x8000000;
const BME_MAX_PHYS_SIZE = 0x20000000;
const BME_MAX_GRANULARITY_BITS = 31;
const BME_MIN_GRANULARITY_BITS = 9;
const BME_MAX_NAME_SIZE = 1023;
const BME_RESERVED_FLAGS = 0xfffffffc;
export const BME_FLAG_IN_USE = 1;
export const BME_FLAG_AUTO = 2;
const BT_DIRTY_TRACKING_BITMAP = 1;
const DIR_ENTRY_HEADER = 24;

/** The bitmaps header extension (Qcow2BitmapHeaderExt, 24 bytes). */
export interface BitmapsExt {
  nbBitmaps: number;
  directorySize: number;
  directoryOffset: number;
}

/** One bitmap directory entry (Qcow2Bitmap). */
export interface Qcow2Bitmap {
  tableOffset: number;
  tableSize: number;
  flags: number;
  granularityBits: number;
  name: string;
  dirty?: DirtyBitmap;
}

const u64 = (b: Uint8Array, o: number): number => be32(b, o) * 2 ** 32 + be32(b, o + 4);

/** What reading bitmaps needs of an image: the open driver's state, or `img check`'s view. */
export interface BitmapImage {
  readonly clusterSize: number;
  /** The header's virtual size in bytes. */
  readonly size: number;
  readonly nbBitmaps: number;
  readonly file: { preadv(offset: number, bytes: number, buf: Uint8Array): Promise<void> };
}

function fail(message: string, errno = EINVAL): never {
  throw new QemuError(message, errno);
}

/** qcow2_read_extensions, bitmaps case (after the autoclear check): validates the 24 bytes. */
export function parseBitmapsExt(data: Uint8Array, clusterSize: number): BitmapsExt {
  if (be32(data, 4) !== 0) fail('bitmaps_ext: Reserved field is not zero');
  const ext = { nbBitmaps: be32(data, 0), directorySize: u64(data, 8), directoryOffset: u64(data, 16) };
  if (ext.nbBitmaps > QCOW2_MAX_BITMAPS) {
    fail(`bitmaps_ext: Image has ${ext.nbBitmaps} bitmaps, exceeding the QEMU supported maximum of ${QCOW2_MAX_BITMAPS}`);
  }
  if (ext.nbBitmaps === 0) fail('found bitmaps extension with zero bitmaps');
  if (ext.directoryOffset % clusterSize) fail('bitmaps_ext: invalid bitmap directory offset');
  if (ext.directorySize > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) {
    fail(`bitmaps_ext: bitmap directory size (${ext.directorySize}) exceeds the maximum supported size (${QCOW2_MAX_BITMAP_DIRECTORY_SIZE})`);
  }
  return ext;
}

/** The extension's payload as qcow2_update_header writes it. */
export function bitmapsExtData(s: Qcow2State): Uint8Array {
  const data = new Uint8Array(24);
  putBe32(data, 0, s.nbBitmaps);
  putBe64(data, 8, s.bitmapDirectorySize);
  putBe64(data, 16, s.bitmapDirectoryOffset);
  return data;
}

const entrySize = (nameSize: number, extra: number): number => Math.ceil((DIR_ENTRY_HEADER + nameSize + extra) / 8) * 8;

/** bdrv_getlength of the qcow2 node: the header's size in whole sectors. */
const guestLength = (s: BitmapImage): number => Math.floor(s.size / 512) * 512;

/** check_dir_entry: the entry's fields are within QEMU's limits and its table covers the disk. */
function dirEntryValid(s: BitmapImage, e: Qcow2Bitmap, type: number): boolean {
  if (
    e.tableSize === 0 ||
    e.tableOffset === 0 ||
    e.tableOffset % s.clusterSize ||
    e.tableSize > BME_MAX_TABLE_SIZE ||
    e.granularityBits > BME_MAX_GRANULARITY_BITS ||
    e.granularityBits < BME_MIN_GRANULARITY_BITS ||
    e.flags & BME_RESERVED_FLAGS ||
    e.name.length > BME_MAX_NAME_SIZE ||
    type !== BT_DIRTY_TRACKING_BITMAP
  ) {
    return false;
  }
  const phys = e.tableSize * s.clusterSize;
  if (phys > BME_MAX_PHYS_SIZE) return false;
  // A bitmap in use may have the wrong size (not saved after a resize); a valid one may not.
  return !!(e.flags & BME_FLAG_IN_USE) || guestLength(s) <= phys * 8 * 2 ** e.granularityBits;
}

/** bitmap_list_load: read and check the directory at `offset` (QEMU's messages). */
export async function bitmapListLoad(s: BitmapImage, offset: number, size: number): Promise<Qcow2Bitmap[]> {
  if (size === 0) fail('Requested bitmap directory size is zero');
  if (size > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) fail('Requested bitmap directory size is too big');
  const dir = new Uint8Array(size);
  try {
    await s.file.preadv(offset, size, dir);
  } catch (e) {
    fail(`Failed to read bitmap directory: ${strerror(toErrno(e))}`, toErrno(e));
  }
  const list: Qcow2Bitmap[] = [];
  let o = 0;
  while (o < size) {
    if (o + DIR_ENTRY_HEADER > size) fail('Broken bitmap directory');
    if (list.length + 1 > s.nbBitmaps) fail('More bitmaps found than specified in header extension');
    const nameSize = (dir[o + 18] << 8) | dir[o + 19];
    const extra = be32(dir, o + 20);
    const next = o + entrySize(nameSize, extra);
    if (next > size) fail('Broken bitmap directory');
    if (extra !== 0) fail('Bitmap extra data is not supported');
    const bm: Qcow2Bitmap = {
      tableOffset: u64(dir, o),
      tableSize: be32(dir, o + 8),
      flags: be32(dir, o + 12),
      granularityBits: dir[o + 17],
      name: String.fromCharCode(...dir.subarray(o + DIR_ENTRY_HEADER, o + DIR_ENTRY_HEADER + nameSize)),
    };
    if (!dirEntryValid(s, bm, dir[o + 16])) fail(`Bitmap '${bm.name}' doesn't satisfy the constraints`);
    list.push(bm);
    o = next;
  }
  if (list.length !== s.nbBitmaps) fail('Less bitmaps found than specified in header extension');
  return list;
}

/** check_table_entry: reserved bits clear; a data cluster is aligned and not also "all ones". */
export function tableEntryValid(hi: number, lo: number, clusterSize: number): boolean {
  if (hi & 0xff000000 || lo & 0x1fe) return false;
  const offset = (hi & 0xffffff) * 2 ** 32 + ((lo & 0xfffffe00) >>> 0);
  return offset === 0 || (!(lo & 1) && offset % clusterSize === 0);
}

/** bitmap_table_load: the table's entries (offset, or -1 for an unallocated all-ones cluster). */
export async function bitmapTableLoad(s: BitmapImage, bm: Pick<Qcow2Bitmap, 'tableOffset' | 'tableSize'>): Promise<number[]> {
  const raw = new Uint8Array(bm.tableSize * 8);
  await s.file.preadv(bm.tableOffset, raw.length, raw);
  const table: number[] = [];
  for (let i = 0; i < bm.tableSize; i++) {
    const hi = be32(raw, i * 8);
    const lo = be32(raw, i * 8 + 4);
    if (!tableEntryValid(hi, lo, s.clusterSize)) throw new QemuError('invalid bitmap table entry', EINVAL);
    const offset = (hi & 0xffffff) * 2 ** 32 + ((lo & 0xfffffe00) >>> 0);
    table.push(offset === 0 && lo & 1 ? -1 : offset);
  }
  return table;
}

/** Guest bytes one bitmap cluster covers (bdrv_dirty_bitmap_serialization_coverage). */
const coverageBits = (s: BitmapImage): number => s.clusterSize * 8;

/** Clusters the bitmap's serialization takes (size_to_clusters of the serialization size). */
const tableSizeFor = (s: BitmapImage, bm: DirtyBitmap): number => Math.ceil(bm.bitCount / coverageBits(s));

/** load_bitmap: a DirtyBitmap with the image's bits (an in_use one is empty: its data is unusable). */
export async function loadBitmap(s: BitmapImage, bm: Qcow2Bitmap): Promise<DirtyBitmap> {
  const bitmap = new DirtyBitmap(bm.name, 2 ** bm.granularityBits, guestLength(s));
  if (bm.flags & BME_FLAG_IN_USE) return bitmap;
  let table: number[];
  try {
    table = await bitmapTableLoad(s, bm);
  } catch (e) {
    fail(`Could not read bitmap_table table from image for bitmap '${bm.name}': ${strerror(toErrno(e) || EINVAL)}`, toErrno(e) || EINVAL);
  }
  const per = coverageBits(s);
  const tabSize = tableSizeFor(s, bitmap);
  if (tabSize !== bm.tableSize || tabSize > BME_MAX_TABLE_SIZE) fail(`Could not read bitmap '${bm.name}' from image: ${strerror(EINVAL)}`);
  const buf = new Uint8Array(s.clusterSize);
  const total = bitmap.bitCount;
  for (let i = 0; i < tabSize; i++) {
    const from = i * per;
    const to = Math.min(total, from + per);
    // Whole words, as hbitmap_deserialize_ones/_part copy them.
    const words = bitmap.bits.subarray(from / 8, wordBytes(to));
    if (table[i] === -1) {
      words.fill(0xff);
    } else if (table[i] !== 0) {
      try {
        await s.file.preadv(table[i], s.clusterSize, buf);
      } catch (e) {
        fail(`Could not read bitmap '${bm.name}' from image: ${strerror(toErrno(e))}`, toErrno(e));
      }
      words.set(buf.subarray(0, words.length));
    }
  }
  return bitmap;
}

/** update_header_sync: the header, then a flush of the image file. */
async function updateHeaderSync(s: Qcow2State): Promise<void> {
  await s.updateHeader();
  await s.file.flush();
}

function serializeDirectory(s: BitmapImage, list: readonly Qcow2Bitmap[]): Uint8Array {
  const size = list.reduce((n, bm) => n + entrySize(bm.name.length, 0), 0);
  const dir = new Uint8Array(size);
  let o = 0;
  for (const bm of list) {
    if (!dirEntryValid(s, bm, BT_DIRTY_TRACKING_BITMAP)) throw new QemuError('invalid bitmap directory entry', EINVAL);
    putBe64(dir, o, bm.tableOffset);
    putBe32(dir, o + 8, bm.tableSize);
    putBe32(dir, o + 12, bm.flags);
    dir[o + 16] = BT_DIRTY_TRACKING_BITMAP;
    dir[o + 17] = bm.granularityBits;
    dir[o + 18] = bm.name.length >>> 8;
    dir[o + 19] = bm.name.length & 0xff;
    for (let c = 0; c < bm.name.length; c++) dir[o + DIR_ENTRY_HEADER + c] = bm.name.charCodeAt(c);
    o += entrySize(bm.name.length, 0);
  }
  return dir;
}

/**
 * update_ext_header_and_dir_in_place: the in_use flags go into the existing directory. The
 * autoclear bit is off while the directory is rewritten, so a crash in between loses the
 * bitmaps instead of trusting a half-written directory.
 */
async function updateDirectoryInPlace(s: Qcow2State, list: readonly Qcow2Bitmap[]): Promise<void> {
  if (!(s.header.autoclearFeatures & AUTOCLEAR_BITMAPS) || list.length === 0 || list.length !== s.nbBitmaps) throw new QemuError('', EINVAL);
  s.header.autoclearFeatures &= ~AUTOCLEAR_BITMAPS;
  await updateHeaderSync(s);
  const dir = serializeDirectory(s, list);
  if (dir.length !== s.bitmapDirectorySize || s.bitmapDirectoryOffset === 0) throw new QemuError('', EINVAL);
  await s.preWriteOverlapCheck(OL_BITMAP_DIRECTORY, s.bitmapDirectoryOffset, dir.length);
  await s.file.pwritev(s.bitmapDirectoryOffset, dir.length, dir);
  await updateHeaderSync(s);
  s.header.autoclearFeatures |= AUTOCLEAR_BITMAPS;
  await updateHeaderSync(s);
}

/**
 * qcow2_load_dirty_bitmaps: every bitmap of the directory becomes a DirtyBitmap of the node;
 * when the node may be written they are marked in_use on disk. Returns whether the header was
 * rewritten.
 */
export async function loadDirtyBitmaps(s: Qcow2State, bitmaps: DirtyBitmap[], writable: boolean): Promise<boolean> {
  if (s.nbBitmaps === 0) return false;
  const list = await bitmapListLoad(s, s.bitmapDirectoryOffset, s.bitmapDirectorySize);
  const created: DirtyBitmap[] = [];
  let needsUpdate = false;
  for (const bm of list) {
    if (bm.flags & BME_FLAG_IN_USE && bitmaps.some((b) => b.name === bm.name)) continue;
    const bitmap = await loadBitmap(s, bm);
    bitmap.persistent = true;
    if (bm.flags & BME_FLAG_IN_USE) {
      bitmap.inconsistent = true;
    } else {
      bm.flags |= BME_FLAG_IN_USE;
      needsUpdate = true;
    }
    if (!(bm.flags & BME_FLAG_AUTO)) bitmap.enabled = false;
    bitmap.readonly = !writable;
    created.push(bitmap);
  }
  if (needsUpdate && writable) {
    try {
      await updateDirectoryInPlace(s, list);
    } catch (e) {
      fail(`Can't update bitmap directory: ${strerror(toErrno(e) || EINVAL)}`, toErrno(e) || EINVAL);
    }
  }
  bitmaps.push(...created);
  return needsUpdate && writable;
}

/** free_bitmap_clusters: the data clusters (discarded), then the table. */
async function freeBitmapClusters(s: Qcow2State, bm: { tableOffset: number; tableSize: number; name: string }): Promise<void> {
  const table = await bitmapTableLoad(s, bm);
  for (const offset of table) if (offset > 0) await freeClusters(s, offset, s.clusterSize, 'always');
  await freeClusters(s, bm.tableOffset, bm.tableSize * 8, 'other');
}

/** store_bitmap_data + store_bitmap: a cluster per chunk with a dirty bit, then the table. */
async function storeBitmap(s: Qcow2State, bm: Qcow2Bitmap, bitmap: DirtyBitmap): Promise<void> {
  const tbSize = tableSizeFor(s, bitmap);
  if (tbSize > BME_MAX_TABLE_SIZE || tbSize * s.clusterSize > BME_MAX_PHYS_SIZE) fail(`Bitmap '${bm.name}' is too big`);
  const table = new Array<number>(tbSize).fill(0);
  const per = coverageBits(s);
  const total = bitmap.bitCount;
  const release = async () => {
    for (const offset of table) if (offset) await freeClusters(s, offset, s.clusterSize, 'always');
  };
  try {
    for (let i = 0; i < tbSize; i++) {
      const from = i * per;
      const to = Math.min(total, from + per);
      if (!bitmap.anySet(from, to)) continue;
      let off: number;
      try {
        off = await allocClusters(s, s.clusterSize);
      } catch (e) {
        fail(`Failed to allocate clusters for bitmap '${bm.name}': ${strerror(toErrno(e))}`, toErrno(e));
      }
      table[i] = off;
      const buf = new Uint8Array(s.clusterSize);
      buf.set(bitmap.bits.subarray(from / 8, wordBytes(to)));
      await s.preWriteOverlapCheck(0, off, s.clusterSize).catch((e) => fail(`Qcow2 overlap check failed: ${strerror(toErrno(e))}`, toErrno(e)));
      await s.file.pwritev(off, s.clusterSize, buf).catch((e) => fail(`Failed to write bitmap '${bm.name}' to file: ${strerror(toErrno(e))}`, toErrno(e)));
    }
  } catch (e) {
    await release();
    throw e;
  }
  let tbOffset = 0;
  try {
    try {
      tbOffset = await allocClusters(s, tbSize * 8);
    } catch (e) {
      fail(`Failed to allocate clusters for bitmap '${bm.name}': ${strerror(toErrno(e))}`, toErrno(e));
    }
    await s.preWriteOverlapCheck(0, tbOffset, tbSize * 8).catch((e) => fail(`Qcow2 overlap check failed: ${strerror(toErrno(e))}`, toErrno(e)));
    const raw = new Uint8Array(tbSize * 8);
    table.forEach((offset, i) => putBe64(raw, i * 8, offset));
    await s.file.pwritev(tbOffset, raw.length, raw).catch((e) => fail(`Failed to write bitmap '${bm.name}' to file: ${strerror(toErrno(e))}`, toErrno(e)));
  } catch (e) {
    await release();
    if (tbOffset) await freeClusters(s, tbOffset, tbSize * 8, 'other');
    throw e;
  }
  bm.tableOffset = tbOffset;
  bm.tableSize = tbSize;
}

/** update_ext_header_and_dir: a new directory, the header pointing to it, the old one freed. */
async function updateExtHeaderAndDir(s: Qcow2State, list: readonly Qcow2Bitmap[]): Promise<void> {
  const old = { offset: s.bitmapDirectoryOffset, size: s.bitmapDirectorySize, nb: s.nbBitmaps, autoclear: s.header.autoclearFeatures };
  let newOffset = 0;
  let newSize = 0;
  try {
    if (list.length) {
      if (list.length > QCOW2_MAX_BITMAPS) throw new QemuError('', EINVAL);
      const dir = serializeDirectory(s, list);
      if (dir.length > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) throw new QemuError('', EINVAL);
      newOffset = await allocClusters(s, dir.length);
      newSize = dir.length;
      await s.preWriteOverlapCheck(0, newOffset, dir.length);
      await s.file.pwritev(newOffset, dir.length, dir);
      // qcow2_flush_caches: the new clusters' refcounts are on disk before the header names them.
      await s.l2Cache.write();
      await s.refblockCache.write();
      await s.file.flush();
      s.header.autoclearFeatures |= AUTOCLEAR_BITMAPS;
    } else {
      s.header.autoclearFeatures &= ~AUTOCLEAR_BITMAPS;
    }
    s.bitmapDirectoryOffset = newOffset;
    s.bitmapDirectorySize = newSize;
    s.nbBitmaps = list.length;
    await updateHeaderSync(s);
  } catch (e) {
    if (newOffset > 0) await freeClusters(s, newOffset, newSize, 'other');
    s.bitmapDirectoryOffset = old.offset;
    s.bitmapDirectorySize = old.size;
    s.nbBitmaps = old.nb;
    s.header.autoclearFeatures = old.autoclear;
    throw e;
  }
  if (old.size > 0) await freeClusters(s, old.offset, old.size, 'other');
}

/** check_constraints_on_bitmap, for a bitmap about to be stored (the disk may have grown). */
function checkConstraints(s: Qcow2State, bitmap: DirtyBitmap): void {
  const bytes = Math.ceil(Math.ceil(guestLength(s) / bitmap.granularity) / 8);
  if (bytes > BME_MAX_PHYS_SIZE || bytes > BME_MAX_TABLE_SIZE * s.clusterSize) {
    fail(`Bitmap '${bitmap.name}' doesn't satisfy the constraints: Too much space will be occupied by the bitmap. Use larger granularity`);
  }
}

/**
 * qcow2_store_persistent_dirty_bitmaps: every persistent bitmap that may change is written
 * anew, with in_use cleared; in_use (inconsistent) ones keep their old entry. `release` drops
 * the stored ones from the node (close).
 */
export async function storeDirtyBitmaps(s: Qcow2State, bitmaps: DirtyBitmap[], release: boolean, writable: boolean): Promise<void> {
  const list = s.nbBitmaps === 0 ? [] : await bitmapListLoad(s, s.bitmapDirectoryOffset, s.bitmapDirectorySize);
  const dropTables: Array<{ tableOffset: number; tableSize: number; name: string }> = [];
  let needWrite = false;
  let dirSize = s.bitmapDirectorySize;
  for (const bitmap of bitmaps) {
    if (!bitmap.persistent || bitmap.inconsistent) continue;
    let bm = list.find((b) => b.name === bitmap.name);
    if (bitmap.readonly) {
      if (bm) bm.dirty = bitmap;
      continue;
    }
    needWrite = true;
    checkConstraints(s, bitmap);
    if (!bm) {
      if (list.length + 1 > QCOW2_MAX_BITMAPS) fail('Too many persistent bitmaps');
      dirSize += entrySize(bitmap.name.length, 0);
      if (dirSize > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) fail('Bitmap directory is too large');
      bm = { tableOffset: 0, tableSize: 0, flags: 0, granularityBits: 0, name: bitmap.name };
      list.push(bm);
    } else {
      if (!(bm.flags & BME_FLAG_IN_USE)) fail(`Bitmap '${bitmap.name}' already exists in the image`);
      dropTables.push({ tableOffset: bm.tableOffset, tableSize: bm.tableSize, name: bm.name });
      bm.tableOffset = 0;
      bm.tableSize = 0;
    }
    bm.flags = bitmap.enabled ? BME_FLAG_AUTO : 0;
    bm.granularityBits = 31 - Math.clz32(bitmap.granularity);
    bm.dirty = bitmap;
  }
  if (needWrite) {
    if (!writable) fail('No write access');
    const stored: Qcow2Bitmap[] = [];
    try {
      for (const bm of list) {
        if (!bm.dirty || bm.dirty.readonly) continue;
        await storeBitmap(s, bm, bm.dirty);
        stored.push(bm);
      }
      await updateExtHeaderAndDir(s, list).catch((e) => fail(`Failed to update bitmap extension: ${strerror(toErrno(e) || EINVAL)}`, toErrno(e) || EINVAL));
    } catch (e) {
      for (const bm of stored) await freeBitmapClusters(s, bm).catch(() => undefined);
      throw e;
    }
    // The new directory is in place: the old tables and their data can go.
    for (const tb of dropTables) await freeBitmapClusters(s, tb).catch(() => undefined);
  }
  if (release) {
    for (const bm of list) {
      const i = bm.dirty ? bitmaps.indexOf(bm.dirty) : -1;
      if (i >= 0) bitmaps.splice(i, 1);
    }
  }
}

/** qcow2_reopen_bitmaps_rw: the node becomes writable again, so its bitmaps are in_use again. */
export async function reopenBitmapsRw(s: Qcow2State, bitmaps: DirtyBitmap[], filename: string): Promise<void> {
  if (s.nbBitmaps === 0) return;
  const list = await bitmapListLoad(s, s.bitmapDirectoryOffset, s.bitmapDirectorySize);
  const readonly: DirtyBitmap[] = [];
  let needUpdate = false;
  for (const bm of list) {
    const bitmap = bitmaps.find((b) => b.name === bm.name);
    if (!bitmap) fail(`Unexpected bitmap '${bm.name}' in image '${filename}'`);
    if (!(bm.flags & BME_FLAG_IN_USE)) {
      if (!bitmap.readonly) fail(`Corruption: bitmap '${bm.name}' is not marked IN_USE in the image '${filename}' and not marked readonly in RAM`);
      if (bitmap.inconsistent) fail(`Corruption: bitmap '${bm.name}' is inconsistent but is not marked IN_USE in the image '${filename}'`);
      bm.flags |= BME_FLAG_IN_USE;
      needUpdate = true;
    } else if (bitmap.readonly && !bitmap.inconsistent) {
      fail(`Corruption: bitmap '${bm.name}' is marked IN_USE in the image '${filename}' but it is readonly and consistent in RAM`);
    }
    if (bitmap.readonly) readonly.push(bitmap);
  }
  if (needUpdate) {
    try {
      await updateDirectoryInPlace(s, list);
    } catch (e) {
      fail(`Cannot update bitmap directory: ${strerror(toErrno(e) || EINVAL)}`, toErrno(e) || EINVAL);
    }
  }
  for (const b of readonly) b.readonly = false;
}

/** qcow2_reopen_bitmaps_ro: store everything, then nothing may change. */
export async function reopenBitmapsRo(s: Qcow2State, bitmaps: DirtyBitmap[]): Promise<void> {
  await storeDirtyBitmaps(s, bitmaps, false, true);
  for (const b of bitmaps) if (b.persistent) b.readonly = true;
}

/** qcow2_truncate_bitmaps_check: a resize needs every bitmap in memory and usable. */
export async function truncateBitmapsCheck(s: Qcow2State, bitmaps: readonly DirtyBitmap[]): Promise<void> {
  if (s.nbBitmaps === 0) return;
  const list = await bitmapListLoad(s, s.bitmapDirectoryOffset, s.bitmapDirectorySize);
  for (const bm of list) {
    const bitmap = bitmaps.find((b) => b.name === bm.name);
    if (!bitmap) fail('Cannot resize qcow2 with persistent bitmaps that were not loaded into memory');
    if (bitmap.readonly) fail(`Bitmap '${bm.name}' is readonly and cannot be modified`);
    if (bitmap.inconsistent) fail(`Bitmap '${bm.name}' is inconsistent and cannot be used\nTry block-dirty-bitmap-remove to delete this bitmap from disk`);
  }
}

/** qcow2_get_bitmap_info_list, as `info` prints it (lines under "bitmaps:", indented from there). */
export async function bitmapInfoLines(s: Qcow2State): Promise<string[] | null> {
  if (s.nbBitmaps === 0) return null;
  const list = await bitmapListLoad(s, s.bitmapDirectoryOffset, s.bitmapDirectorySize);
  const lines: string[] = [];
  list.forEach((bm, i) => {
    lines.push(`[${i}]:`, '    flags:');
    const flags = [bm.flags & BME_FLAG_IN_USE ? 'in-use' : null, bm.flags & BME_FLAG_AUTO ? 'auto' : null].filter((f) => f !== null);
    flags.forEach((f, j) => lines.push(`        [${j}]: ${f}`));
    lines.push(`    name: ${bm.name}`, `    granularity: ${2 ** bm.granularityBits}`);
  });
  return lines;
}
