// The two-level cluster map (QEMU's qcow2-cluster.c, lookup side): the L1 table in memory, L2
// slices through the cache, finding the host offset of a guest range, and making an L2 table
// writable (allocating it, or copying a shared one). L1 growth lives here too.
import { BlockError, EFBIG, EIO } from '../../errors';
import { be32, clusterType, type ClusterType, entryOffset, HI_COPIED, LO_ZERO, putBe32, QCOW_MAX_L1_SIZE } from './format';
import { allocClusters, fire, freeClusters, pwriteSync } from './refcount';
import { hex, OL_ACTIVE_L1, type Qcow2State } from './state';

/** Where a guest range lives: `bytes` from the start share one cluster type and contiguous host space. */
export interface HostMapping {
  bytes: number;
  /** Host offset of the first byte (normal and zero-alloc clusters). */
  host: number;
  type: SubclusterType;
  /** The raw L2 entry (compressed clusters need it). */
  hi: number;
  lo: number;
}

// L2 entries are 8 bytes, or 16 with extended L2: the entry, then the subcluster bitmap (zero
// bits of subclusters 0..31 in its high half, allocation bits in its low half).
export function l2Hi(s: Qcow2State, table: Uint8Array, i: number): number {
  return be32(table, i * s.l2EntryBytes);
}

export function l2Lo(s: Qcow2State, table: Uint8Array, i: number): number {
  return be32(table, i * s.l2EntryBytes + 4);
}

export function setL2(s: Qcow2State, table: Uint8Array, i: number, hi: number, lo: number): void {
  putBe32(table, i * s.l2EntryBytes, hi >>> 0);
  putBe32(table, i * s.l2EntryBytes + 4, lo >>> 0);
}

/** Subcluster bitmap halves (extended L2 only): which subclusters read as zero, which are allocated. */
export function l2ZeroBits(s: Qcow2State, table: Uint8Array, i: number): number {
  return s.extL2 ? be32(table, i * 16 + 8) : 0;
}

export function l2AllocBits(s: Qcow2State, table: Uint8Array, i: number): number {
  return s.extL2 ? be32(table, i * 16 + 12) : 0;
}

export function setL2Bitmap(s: Qcow2State, table: Uint8Array, i: number, zeroBits: number, allocBits: number): void {
  if (!s.extL2) return;
  putBe32(table, i * 16 + 8, zeroBits >>> 0);
  putBe32(table, i * 16 + 12, allocBits >>> 0);
}

/**
 * qcow2_get_cluster_type: with extended L2 the entry's zero flag is not used (the bitmap says it).
 * In an external data file offset 0 is a real cluster: COPIED (always set there) tells it apart.
 */
export function clusterTypeOf(s: Qcow2State, hi: number, lo: number): ClusterType {
  const t = clusterType(hi, s.extL2 ? lo & ~LO_ZERO : lo);
  return t === 'unallocated' && s.hasDataFile && hi & HI_COPIED ? 'normal' : t;
}

export type SubclusterType = 'normal' | 'zero-alloc' | 'zero-plain' | 'unallocated' | 'unallocated-alloc' | 'compressed' | 'invalid';

/** qcow2_get_subcluster_type for subcluster `sc` of an entry. */
export function subclusterType(s: Qcow2State, hi: number, lo: number, zero: number, alloc: number, sc: number): SubclusterType {
  const t = clusterTypeOf(s, hi, lo);
  if (!s.extL2) return t === 'unallocated' ? 'unallocated' : t;
  const bit = 2 ** sc;
  switch (t) {
    case 'compressed':
      return 'compressed';
    case 'normal':
      if ((zero & alloc) !== 0) return 'invalid';
      if (Math.floor(zero / bit) % 2) return 'zero-alloc';
      if (Math.floor(alloc / bit) % 2) return 'normal';
      return 'unallocated-alloc';
    default:
      if (alloc !== 0) return 'invalid';
      return Math.floor(zero / bit) % 2 ? 'zero-plain' : 'unallocated';
  }
}

/** Bits [from, to) of a 32-bit subcluster mask. */
export function scRange(from: number, to: number): number {
  return to - from >= 32 ? 0xffffffff : ((2 ** (to - from) - 1) * 2 ** from) >>> 0;
}

function ctz32(v: number): number {
  v >>>= 0;
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

function cto32(v: number): number {
  return ctz32(~v >>> 0);
}

/** qcow2_get_subcluster_range_type: subclusters from `from` on that share its type. */
export function subclusterRange(s: Qcow2State, hi: number, lo: number, zero: number, alloc: number, from: number): { type: SubclusterType; count: number } {
  const type = subclusterType(s, hi, lo, zero, alloc, from);
  if (type === 'invalid') return { type, count: -1 };
  if (!s.extL2 || type === 'compressed') return { type, count: s.subclustersPerCluster - from };
  switch (type) {
    case 'normal':
      return { type, count: cto32((alloc | scRange(0, from)) >>> 0) - from };
    case 'zero-plain':
    case 'zero-alloc':
      return { type, count: cto32((zero | scRange(0, from)) >>> 0) - from };
    default:
      return { type, count: ctz32((zero | alloc) & ~scRange(0, from)) - from };
  }
}

export function setL1(s: Qcow2State, i: number, hi: number, lo: number): void {
  putBe32(s.l1, i * 8, hi >>> 0);
  putBe32(s.l1, i * 8 + 4, lo >>> 0);
}

/** Where the L2 slice holding the guest offset's entry starts in the image file. */
function l2SliceOffset(s: Qcow2State, guestOffset: number, l2Offset: number): number {
  return l2Offset + s.l2EntryBytes * (s.l2Index(guestOffset) - s.l2SliceIndex(guestOffset));
}

/** l2_load: the cache entry of the L2 slice holding the guest offset's entry. */
export function l2Load(s: Qcow2State, guestOffset: number, l2Offset: number): number | Promise<number> {
  const sliceOffset = l2SliceOffset(s, guestOffset, l2Offset);
  const hit = s.l2Cache.lookup(sliceOffset);
  return hit >= 0 ? hit : s.l2Cache.get(sliceOffset);
}

/** A bad L2 entry found while mapping: the normal path signals corruption, inspection fails with EIO. */
class BadL2Entry extends Error {}

/** The mapping of a range whose L1 entry is empty: unallocated up to the end of the L2 slice. */
function unmapped(s: Qcow2State, offset: number, bytes: number): HostMapping {
  const inCluster = offset % s.clusterSize;
  const available = (s.l2SliceSize - s.l2SliceIndex(offset)) * s.clusterSize;
  return { bytes: Math.min(bytes + inCluster, available) - inCluster, host: 0, type: 'unallocated', hi: 0, lo: 0 };
}

/**
 * qcow2_get_host_offset: the mapping of [offset, offset+bytes), cut at the end of the L2 slice
 * and where the cluster type or host contiguity changes.
 */
export async function getHostOffset(s: Qcow2State, offset: number, bytes: number): Promise<HostMapping> {
  const l1Index = s.l1Index(offset);
  const l2Offset = l1Index < s.l1Size ? entryOffset(s.l1Hi(l1Index), s.l1Lo(l1Index)) : 0;
  if (!l2Offset) return unmapped(s, offset, bytes);
  if (l2Offset % s.clusterSize) throw await s.corruption(`L2 table offset ${hex(l2Offset)} unaligned (L1 index: ${hex(l1Index)})`);
  const loaded = l2Load(s, offset, l2Offset);
  const entry = typeof loaded === 'number' ? loaded : await loaded;
  try {
    return mapInSlice(s, s.l2Cache.tables[entry], offset, bytes, l2Offset);
  } catch (e) {
    if (e instanceof BadL2Entry) throw await s.corruption(e.message);
    throw e;
  } finally {
    s.l2Cache.put(entry);
  }
}

/**
 * getHostOffset for an inspection read (BDRV_REQ_INSPECT): the same mapping, without the lock's
 * help and without touching the L2 cache. A cached slice (maybe dirty, newer than the disk) is
 * read in place and left as it was (no reference, no LRU step); an uncached one is read from the
 * image file into a buffer of its own, with the inspection flag (no l2_load, no rule check).
 * A bad entry fails with EIO and leaves the image alone (no corruption is signalled).
 */
export async function inspectHostOffset(s: Qcow2State, offset: number, bytes: number, flags: number): Promise<HostMapping> {
  const l1Index = s.l1Index(offset);
  const l2Offset = l1Index < s.l1Size ? entryOffset(s.l1Hi(l1Index), s.l1Lo(l1Index)) : 0;
  if (!l2Offset) return unmapped(s, offset, bytes);
  if (l2Offset % s.clusterSize) throw new BlockError(EIO);
  const sliceOffset = l2SliceOffset(s, offset, l2Offset);
  let cached = s.l2Cache.peek(sliceOffset);
  let table: Uint8Array;
  if (cached >= 0) {
    table = s.l2Cache.tables[cached];
  } else {
    table = new Uint8Array(s.l2Cache.tableSize);
    await s.file.preadv(sliceOffset, table.length, table, flags);
    // A request may have loaded (and changed) the slice meanwhile: the cache is newer then.
    cached = s.l2Cache.peek(sliceOffset);
    if (cached >= 0) table = s.l2Cache.tables[cached];
  }
  try {
    return mapInSlice(s, table, offset, bytes, l2Offset);
  } catch (e) {
    if (e instanceof BadL2Entry) throw new BlockError(EIO);
    throw e;
  }
}

/** The mapping read from the L2 slice `table` (synchronous); a bad entry throws BadL2Entry. */
function mapInSlice(s: Qcow2State, table: Uint8Array, offset: number, bytes: number, l2Offset: number): HostMapping {
  const cs = s.clusterSize;
  const inCluster = offset % cs;
  let needed = bytes + inCluster;
  let available = (s.l2SliceSize - s.l2SliceIndex(offset)) * cs;
  if (needed > available) needed = available;
  let host = 0;
  const index = s.l2SliceIndex(offset);
  const sc = Math.floor(inCluster / s.subclusterSize);
  const hi = l2Hi(s, table, index);
  const lo = l2Lo(s, table, index);
  const type = subclusterType(s, hi, lo, l2ZeroBits(s, table, index), l2AllocBits(s, table, index), sc);
  if (s.version < 3 && (type === 'zero-plain' || type === 'zero-alloc')) {
    throw new BadL2Entry(`Zero cluster entry found in pre-v3 image (L2 offset: ${hex(l2Offset)}, L2 index: ${hex(index)})`);
  }
  if (type === 'compressed' && s.hasDataFile) {
    throw new BadL2Entry(`Compressed cluster entry found in image with external data file (L2 offset: ${hex(l2Offset)}, L2 index: ${hex(index)})`);
  }
  if (type === 'normal' || type === 'zero-alloc' || type === 'unallocated-alloc') {
    const hostCluster = entryOffset(hi, lo);
    host = hostCluster + inCluster;
    if (hostCluster % cs) {
      throw new BadL2Entry(`Cluster allocation offset ${hex(hostCluster)} unaligned (L2 offset: ${hex(l2Offset)}, L2 index: ${hex(index)})`);
    }
    if (s.hasDataFile && host !== offset) {
      throw new BadL2Entry(
        `External data file host cluster offset ${hex(hostCluster)} does not match guest cluster offset: ${hex(offset - inCluster)}, L2 index: ${hex(index)})`,
      );
    }
  }
  const counted = countContiguousSubclusters(s, Math.ceil(needed / cs), sc, table, index);
  if (counted.count < 0) {
    // qcow2_get_host_offset's message has two spaces (the allocation path's has one).
    throw new BadL2Entry(`Invalid cluster entry found  (L2 offset: ${hex(l2Offset)}, L2 index: ${hex(counted.index)})`);
  }
  available = (counted.count + sc) * s.subclusterSize;
  if (available > needed) available = needed;
  return { bytes: available - inCluster, host, type, hi, lo };
}

/** count_contiguous_subclusters: subclusters of the first one's type (and contiguous host clusters). */
function countContiguousSubclusters(s: Qcow2State, n: number, scIndex: number, table: Uint8Array, index: number): { count: number; index: number } {
  let count = 0;
  let expectedType: SubclusterType = 'normal';
  let expected = 0;
  let checkOffset = false;
  for (let i = 0; i < n; i++) {
    const firstSc = i === 0 ? scIndex : 0;
    const hi = l2Hi(s, table, index + i);
    const lo = l2Lo(s, table, index + i);
    const r = subclusterRange(s, hi, lo, l2ZeroBits(s, table, index + i), l2AllocBits(s, table, index + i), firstSc);
    if (r.type === 'invalid') return { count: -1, index: index + i };
    if (i === 0) {
      if (r.type === 'compressed') return { count: r.count, index };
      expectedType = r.type;
      expected = entryOffset(hi, lo);
      checkOffset = r.type === 'normal' || r.type === 'zero-alloc' || r.type === 'unallocated-alloc';
    } else if (r.type !== expectedType) {
      break;
    } else if (checkOffset) {
      expected += s.clusterSize;
      if (entryOffset(hi, lo) !== expected) break;
    }
    count += r.count;
    if (firstSc + r.count < s.subclustersPerCluster) break;
  }
  return { count, index };
}

/** An L2 slice that may be written, and the guest offset's index in it (get_cluster_table). */
export interface WritableSlice {
  entry: number;
  index: number;
}

/** get_cluster_table: the L2 slice for a guest offset, allocating or copying the L2 table first. */
export async function getClusterTable(s: Qcow2State, offset: number): Promise<WritableSlice> {
  const l1Index = s.l1Index(offset);
  if (l1Index >= s.l1Size) await growL1Table(s, l1Index + 1, false);
  let l2Offset = entryOffset(s.l1Hi(l1Index), s.l1Lo(l1Index));
  if (l2Offset % s.clusterSize) throw await s.corruption(`L2 table offset ${hex(l2Offset)} unaligned (L1 index: ${hex(l1Index)})`);
  if (!(s.l1Hi(l1Index) & HI_COPIED)) {
    await l2Allocate(s, l1Index);
    if (l2Offset) await freeClusters(s, l2Offset, s.clusterSize, 'other');
    l2Offset = entryOffset(s.l1Hi(l1Index), s.l1Lo(l1Index));
  }
  const loaded = l2Load(s, offset, l2Offset);
  const entry = typeof loaded === 'number' ? loaded : await loaded;
  return { entry, index: s.l2SliceIndex(offset) };
}

/** l2_allocate: a new L2 table for an L1 entry, zeroed or copied from the table it replaces. */
async function l2Allocate(s: Qcow2State, l1Index: number): Promise<void> {
  const oldHi = s.l1Hi(l1Index);
  const oldLo = s.l1Lo(l1Index);
  const oldOffset = entryOffset(oldHi, oldLo);
  const tableBytes = s.clusterSize;
  const l2Offset = await allocClusters(s, tableBytes);
  let held = -1;
  try {
    if (l2Offset === 0) throw await s.corruption('Preventing invalid allocation of L2 table at offset 0');
    await s.refblockCache.flush();
    const sliceBytes = s.l2SliceSize * s.l2EntryBytes;
    for (let slice = 0; slice < s.clusterSize / sliceBytes; slice++) {
      held = await s.l2Cache.getEmpty(l2Offset + slice * sliceBytes);
      const table = s.l2Cache.tables[held];
      if (!oldOffset) {
        table.fill(0);
      } else {
        // The old slice comes through the cache (a miss fires l2_load), as in QEMU.
        await fire(s, 'l2_alloc_cow_read');
        const old = await s.l2Cache.get(oldOffset + slice * sliceBytes);
        table.set(s.l2Cache.tables[old]);
        s.l2Cache.put(old);
      }
      await fire(s, 'l2_alloc_write');
      s.l2Cache.markDirty(held);
      s.l2Cache.put(held);
      held = -1;
    }
    await s.l2Cache.flush();
    setL1(s, l1Index, (HI_COPIED | Math.floor(l2Offset / 2 ** 32)) >>> 0, l2Offset >>> 0);
    await writeL1Entry(s, l1Index);
  } catch (e) {
    if (held >= 0) s.l2Cache.put(held);
    setL1(s, l1Index, oldHi, oldLo);
    if (l2Offset > 0) await freeClusters(s, l2Offset, tableBytes, 'always');
    throw e;
  }
}

/** qcow2_write_l1_entry: write the L1 entry (with its neighbours up to the file's alignment). */
export async function writeL1Entry(s: Qcow2State, l1Index: number): Promise<void> {
  const bufsize = Math.max(8, Math.min(s.file.node.limits.requestAlignment, s.clusterSize));
  const n = bufsize / 8;
  const start = Math.floor(l1Index / n) * n;
  const buf = new Uint8Array(bufsize);
  const count = Math.min(n, s.l1Size - start);
  buf.set(s.l1.subarray(start * 8, (start + count) * 8));
  const at = s.l1TableOffset + 8 * start;
  await s.preWriteOverlapCheck(OL_ACTIVE_L1, at, bufsize);
  await fire(s, 'l1_update');
  await pwriteSync(s, at, buf);
}

/** qcow2_grow_l1_table: a bigger L1 table in new clusters, switched to in the header. */
export async function growL1Table(s: Qcow2State, minSize: number, exactSize: boolean): Promise<void> {
  if (minSize <= s.l1Size) return;
  if (minSize > Math.floor(0x7fffffff / 8)) throw new BlockError(EFBIG);
  let newSize = minSize;
  if (!exactSize) {
    newSize = Math.max(s.l1Size, 1);
    while (minSize > newSize) newSize = Math.ceil((newSize * 3) / 2);
  }
  if (newSize > QCOW_MAX_L1_SIZE / 8) throw new BlockError(EFBIG);
  const bytes = newSize * 8;
  const table = new Uint8Array(bytes);
  table.set(s.l1.subarray(0, s.l1Size * 8));
  await fire(s, 'l1_grow_alloc_table');
  const newOffset = await allocClusters(s, bytes);
  try {
    await s.refblockCache.flush();
    await s.preWriteOverlapCheck(0, newOffset, bytes);
    await fire(s, 'l1_grow_write_table');
    await pwriteSync(s, newOffset, table);
    await fire(s, 'l1_grow_activate_table');
    const data = new Uint8Array(12);
    putBe32(data, 0, newSize);
    putBe32(data, 4, Math.floor(newOffset / 2 ** 32));
    putBe32(data, 8, newOffset >>> 0);
    await pwriteSync(s, 36, data);
  } catch (e) {
    await freeClusters(s, newOffset, bytes, 'other');
    throw e;
  }
  const oldOffset = s.l1TableOffset;
  const oldSize = s.l1Size;
  s.l1 = table;
  s.l1TableOffset = newOffset;
  s.l1Size = newSize;
  s.header.l1Size = newSize;
  s.header.l1TableOffset = newOffset;
  await freeClusters(s, oldOffset, oldSize * 8, 'other');
}
