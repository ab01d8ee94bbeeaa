// Allocating writes (QEMU's qcow2_alloc_host_offset and friends): find clusters a write may go
// to in place, allocate new ones for the rest, and after the data is written link them into the
// L2 table, copying the untouched head and tail of each cluster (copy-on-write) from the old
// data, the backing file, or zeroes.
import { BDRV_BLOCK_ZERO, BDRV_REQ_NO_FALLBACK } from '../../driver';
import { BDRV_REQUEST_MAX_BYTES } from '../../io';
import { BlockError, EAGAIN, ENOTSUP } from '../../errors';
import { entryOffset, HI_COPIED, parseCompressed } from './format';
import { clusterTypeOf, getClusterTable, l2AllocBits, l2Hi, l2Lo, l2ZeroBits, scRange, setL2, setL2Bitmap, subclusterRange, subclusterType } from './l1-l2';
import { discardDataCluster } from './data-file';
import { allocClusters, allocClustersAt, fire, freeClusters } from './refcount';
import { type DiscardType, hex, INVALID, type Qcow2State } from './state';

interface CowRegion {
  /** Offset within the first cluster of the allocation. */
  offset: number;
  nbBytes: number;
}

/** QCowL2Meta: one allocation in flight, linked into the L2 table once its data is written. */
export interface L2Meta {
  allocOffset: number;
  /** Guest offset of the first cluster. */
  offset: number;
  nbClusters: number;
  keepOldClusters: boolean;
  cowStart: CowRegion;
  cowEnd: CowRegion;
  skipCow: boolean;
  /** Preallocation: clusters mapped without data (the subcluster bitmap stays as it is). */
  prealloc?: boolean;
  /** The guest data when it is written together with the COW regions (merge_cow). */
  data: Uint8Array | null;
  /** Resolves when the allocation is linked or aborted (requests that overlap wait for it). */
  done: Promise<void>;
  finish: () => void;
}

function ctz32(v: number): number {
  v >>>= 0;
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

function cowStartOf(m: L2Meta): number {
  return m.offset + m.cowStart.offset;
}

function cowEndOf(m: L2Meta): number {
  return m.offset + m.cowEnd.offset + m.cowEnd.nbBytes;
}

/** cluster_needs_new_alloc: writes to it must go to a new cluster. */
function needsNewAlloc(s: Qcow2State, hi: number, lo: number): boolean {
  const t = clusterTypeOf(s, hi, lo);
  return t === 'normal' || t === 'zero-alloc' ? !(hi & HI_COPIED) : true;
}

/** count_single_write_clusters. */
function countSingleWrite(s: Qcow2State, n: number, table: Uint8Array, index: number, newAlloc: boolean): number {
  let expected = entryOffset(l2Hi(s, table, index), l2Lo(s, table, index));
  let i = 0;
  for (; i < n; i++) {
    const hi = l2Hi(s, table, index + i);
    const lo = l2Lo(s, table, index + i);
    if (needsNewAlloc(s, hi, lo) !== newAlloc) break;
    if (!newAlloc) {
      if (expected !== entryOffset(hi, lo)) break;
      expected += s.clusterSize;
    }
  }
  return i;
}

/** The result of qcow2_alloc_host_offset: where the first `bytes` of the request go. */
export interface WriteTarget {
  host: number;
  bytes: number;
  /** Newest allocation first (QEMU's list order). */
  metas: L2Meta[];
}

/**
 * qcow2_alloc_host_offset (called with the lock held): the host range for as much of the write as
 * can go to one contiguous host range, allocating clusters where needed.
 */
export async function allocHostOffset(s: Qcow2State, offset: number, bytes: number): Promise<WriteTarget> {
  again: for (;;) {
    let start = offset;
    let remaining = bytes;
    let clusterOffset = INVALID;
    let host = INVALID;
    let cur = 0;
    const metas: L2Meta[] = [];
    for (;;) {
      if (host === INVALID && clusterOffset !== INVALID) host = clusterOffset;
      start += cur;
      remaining -= cur;
      if (clusterOffset !== INVALID) clusterOffset += cur;
      if (remaining === 0) break;
      cur = remaining;
      const dep = await handleDependencies(s, start, cur, metas.length > 0);
      if (dep === EAGAIN) continue again;
      cur = dep;
      if (cur === 0) break;
      const copied = await handleCopied(s, start, clusterOffset, cur, metas);
      if (copied && copied.bytes === 0) break;
      if (copied) {
        clusterOffset = copied.host;
        cur = copied.bytes;
        continue;
      }
      const alloc = await handleAlloc(s, start, clusterOffset, cur, metas);
      if (alloc) {
        clusterOffset = alloc.host;
        cur = alloc.bytes;
        continue;
      }
      break;
    }
    return { host, bytes: bytes - remaining, metas };
  }
}

/** handle_dependencies: stop before (or wait for) an overlapping allocation in flight. */
async function handleDependencies(s: Qcow2State, start: number, bytes: number, haveMeta: boolean): Promise<number | typeof EAGAIN> {
  const end = start + bytes;
  for (const old of s.clusterAllocs) {
    const oldStart = s.startOfCluster(cowStartOf(old));
    const oldEnd = Math.ceil(cowEndOf(old) / s.clusterSize) * s.clusterSize;
    if (end <= oldStart || start >= oldEnd) continue;
    if (old.keepOldClusters && (end <= cowStartOf(old) || start >= cowEndOf(old))) continue;
    bytes = start < oldStart ? oldStart - start : 0;
    if (bytes === 0 && haveMeta) return 0;
    if (bytes === 0) {
      s.lock.unlock();
      await old.done;
      const relock = s.lock.lock();
      if (relock) await relock;
      return EAGAIN;
    }
  }
  return bytes;
}

/** Clusters of the request that one step may take: to the end of the L2 slice, at most one request's worth. */
function clustersInSlice(s: Qcow2State, guestOffset: number, bytes: number): number {
  const n = Math.min(s.sizeToClusters((guestOffset % s.clusterSize) + bytes), s.l2SliceSize - s.l2SliceIndex(guestOffset));
  return Math.min(n, Math.floor(BDRV_REQUEST_MAX_BYTES / s.clusterSize));
}

/** handle_copied: clusters already allocated with refcount 1 are written in place. */
async function handleCopied(
  s: Qcow2State,
  guestOffset: number,
  required: number,
  bytes: number,
  metas: L2Meta[],
): Promise<{ host: number; bytes: number } | null> {
  const cs = s.clusterSize;
  const n = clustersInSlice(s, guestOffset, bytes);
  const { entry, index } = await getClusterTable(s, guestOffset);
  const table = s.l2Cache.tables[entry];
  try {
    const hi = l2Hi(s, table, index);
    const lo = l2Lo(s, table, index);
    const clusterOffset = entryOffset(hi, lo);
    if (needsNewAlloc(s, hi, lo)) return null;
    if (clusterOffset % cs) {
      const what = lo & 1 ? 'Preallocated zero' : 'Data';
      throw await s.corruption(`${what} cluster offset ${hex(clusterOffset)} unaligned (guest offset: ${hex(guestOffset)})`);
    }
    if (required !== INVALID && clusterOffset !== required) return { host: INVALID, bytes: 0 };
    const keep = countSingleWrite(s, n, table, index, false);
    bytes = Math.min(bytes, keep * cs - (guestOffset % cs));
    await calculateL2Meta(s, clusterOffset, guestOffset, bytes, table, index, metas, true);
    return { host: clusterOffset + (guestOffset % cs), bytes };
  } finally {
    s.l2Cache.put(entry);
  }
}

/** handle_alloc: new clusters for clusters that cannot be written in place. */
async function handleAlloc(
  s: Qcow2State,
  guestOffset: number,
  required: number,
  bytes: number,
  metas: L2Meta[],
): Promise<{ host: number; bytes: number } | null> {
  const cs = s.clusterSize;
  let n = clustersInSlice(s, guestOffset, bytes);
  const { entry, index } = await getClusterTable(s, guestOffset);
  const table = s.l2Cache.tables[entry];
  try {
    n = countSingleWrite(s, n, table, index, true);
    let allocOffset: number;
    if (s.hasDataFile) {
      // do_alloc_cluster_offset: an external data file maps guest offsets 1:1, nothing to allocate.
      allocOffset = s.startOfCluster(guestOffset);
    } else if (required === INVALID) {
      allocOffset = await allocClusters(s, n * cs);
    } else {
      allocOffset = s.startOfCluster(required);
      n = await allocClustersAt(s, allocOffset, n);
    }
    if (n === 0) return null;
    const nbBytes = Math.min(bytes + (guestOffset % cs), n * cs);
    bytes = Math.min(bytes, nbBytes - (guestOffset % cs));
    await calculateL2Meta(s, allocOffset, guestOffset, bytes, table, index, metas, false);
    return { host: allocOffset + (guestOffset % cs), bytes };
  } finally {
    s.l2Cache.put(entry);
  }
}

/** calculate_l2_meta: the allocation record and its copy-on-write regions (none when nothing to copy). */
async function calculateL2Meta(
  s: Qcow2State,
  hostClusterOffset: number,
  guestOffset: number,
  bytes: number,
  table: Uint8Array,
  index: number,
  metas: L2Meta[],
  keepOld: boolean,
): Promise<void> {
  const cs = s.clusterSize;
  const sc = s.subclusterSize;
  const cowStartTo = guestOffset % cs;
  const cowEndFrom = cowStartTo + bytes;
  const nb = Math.ceil(cowEndFrom / cs);
  const typeAt = (i: number, at: number) =>
    subclusterType(s, l2Hi(s, table, index + i), l2Lo(s, table, index + i), l2ZeroBits(s, table, index + i), l2AllocBits(s, table, index + i), Math.floor(at / sc));
  let skip = keepOld;
  for (let i = 0; i < nb; i++) {
    const from = Math.max(cowStartTo, i * cs) - i * cs;
    const to = Math.min(cowEndFrom, (i + 1) * cs) - i * cs;
    const firstSc = Math.floor(from / sc);
    const lastSc = Math.floor((to - 1) / sc);
    const r = subclusterRange(s, l2Hi(s, table, index + i), l2Lo(s, table, index + i), l2ZeroBits(s, table, index + i), l2AllocBits(s, table, index + i), keepOld ? firstSc : 0);
    if (skip && (r.type !== 'normal' || firstSc + r.count <= lastSc)) skip = false;
    if (r.type === 'invalid') {
      const l1 = s.l1Index(guestOffset);
      throw await s.corruption(`Invalid cluster entry found (L2 offset: ${hex(entryOffset(s.l1Hi(l1), s.l1Lo(l1)))}, L2 index: ${hex(index + i)})`);
    }
  }
  // In-place writes to allocated subclusters need no record.
  if (skip) return;
  const firstType = typeAt(0, cowStartTo);
  const lastType = typeAt(nb - 1, (cowEndFrom - 1) % cs);
  const firstSc = Math.floor(cowStartTo / sc);
  const lastSc = Math.floor(((cowEndFrom - 1) % cs) / sc);
  let cowStartFrom: number;
  if (firstType === 'normal' && keepOld) cowStartFrom = cowStartTo;
  else if (firstType === 'compressed') cowStartFrom = 0;
  else if (firstType === 'zero-plain' || firstType === 'unallocated' || keepOld) cowStartFrom = firstSc * sc;
  // Leading zero and unallocated subclusters of an allocated cluster need no copy.
  else cowStartFrom = s.extL2 ? Math.min(firstSc, ctz32(l2AllocBits(s, table, index))) * sc : 0;
  let cowEndTo: number;
  const roundCluster = Math.ceil(cowEndFrom / cs) * cs;
  const roundSub = Math.ceil(cowEndFrom / sc) * sc;
  if (lastType === 'normal' && keepOld) cowEndTo = cowEndFrom;
  else if (lastType === 'compressed') cowEndTo = roundCluster;
  else if (lastType === 'zero-plain' || lastType === 'unallocated' || keepOld) cowEndTo = roundSub;
  else {
    const trailing = s.extL2 ? Math.min(s.subclustersPerCluster - lastSc - 1, Math.clz32(l2AllocBits(s, table, index + nb - 1))) : 0;
    cowEndTo = roundCluster - trailing * sc;
  }
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const m: L2Meta = {
    allocOffset: hostClusterOffset,
    offset: s.startOfCluster(guestOffset),
    nbClusters: nb,
    keepOldClusters: keepOld,
    cowStart: { offset: cowStartFrom, nbBytes: cowStartTo - cowStartFrom },
    cowEnd: { offset: cowEndFrom, nbBytes: cowEndTo - cowEndFrom },
    skipCow: false,
    data: null,
    done,
    finish,
  };
  metas.unshift(m);
  s.clusterAllocs.add(m);
}

/** bdrv_co_is_zero_fast: the range reads as zeroes by block status alone (chain included). */
async function isZeroFast(s: Qcow2State, offset: number, bytes: number): Promise<boolean> {
  if (bytes === 0) return true;
  const r = await s.blockStatusAbove(offset, bytes);
  return r.pnum === bytes && (r.status & BDRV_BLOCK_ZERO) !== 0;
}

/** handle_alloc_space: zero-fill new clusters with one efficient write when COW would copy zeroes. */
export async function handleAllocSpace(s: Qcow2State, metas: readonly L2Meta[]): Promise<void> {
  if (!(s.dataFile.node.drv.supportedZeroFlags & BDRV_REQ_NO_FALLBACK)) return;
  for (const m of metas) {
    if (!m.cowStart.nbBytes && !m.cowEnd.nbBytes) continue;
    if (!(await isZeroFast(s, cowStartOf(m), m.cowStart.nbBytes))) continue;
    if (!(await isZeroFast(s, m.offset + m.cowEnd.offset, m.cowEnd.nbBytes))) continue;
    const start = m.allocOffset + m.cowStart.offset;
    const nb = m.cowEnd.offset + m.cowEnd.nbBytes - m.cowStart.offset;
    await s.preWriteOverlapCheck(0, start, nb, true);
    await fire(s, 'cluster_alloc_space');
    try {
      await s.dataFile.pwriteZeroes(start, nb, BDRV_REQ_NO_FALLBACK);
    } catch (e) {
      if (e instanceof BlockError && (e.errno === ENOTSUP || e.errno === EAGAIN)) continue;
      throw e;
    }
    m.skipCow = true;
  }
}

/** merge_cow: whether the guest data can be written together with a COW region. */
export function mergeCow(offset: number, bytes: number, data: Uint8Array, metas: readonly L2Meta[]): boolean {
  for (const m of metas) {
    if (m.cowStart.nbBytes === 0 && m.cowEnd.nbBytes === 0) continue;
    if (m.skipCow) continue;
    if (cowStartOf(m) + m.cowStart.nbBytes !== offset) continue;
    if (m.offset + m.cowEnd.offset !== offset + bytes) continue;
    m.data = data;
    return true;
  }
  return false;
}

/** perform_cow: copy the untouched parts of the new clusters (the lock is dropped for the I/O). */
async function performCow(s: Qcow2State, m: L2Meta): Promise<void> {
  const start = m.cowStart;
  const end = m.cowEnd;
  if ((start.nbBytes === 0 && end.nbBytes === 0) || m.skipCow) return;
  const dataBytes = end.offset - (start.offset + start.nbBytes);
  const mergeReads = start.nbBytes > 0 && end.nbBytes > 0 && dataBytes <= 16384;
  // One buffer laid out as the clusters are: head, guest data, tail.
  const total = end.offset + end.nbBytes - start.offset;
  const buf = new Uint8Array(total);
  const tailAt = end.offset - start.offset;
  s.lock.unlock();
  let ok = false;
  try {
    if (mergeReads) {
      await cowRead(s, m.offset + start.offset, buf);
    } else {
      await cowRead(s, m.offset + start.offset, buf.subarray(0, start.nbBytes));
      await cowRead(s, m.offset + end.offset, buf.subarray(tailAt));
    }
    if (m.data) {
      buf.set(m.data, start.nbBytes);
      // One write, announced as write_aio and then cow_write, as QEMU does.
      await fire(s, 'write_aio');
      await cowWrite(s, m.allocOffset + start.offset, buf);
    } else {
      await cowWrite(s, m.allocOffset + start.offset, buf.subarray(0, start.nbBytes));
      await cowWrite(s, m.allocOffset + end.offset, buf.subarray(tailAt));
    }
    ok = true;
  } finally {
    const relock = s.lock.lock();
    if (relock) await relock;
  }
  // The L2 update must not reach the disk before the copied data.
  if (ok) s.l2Cache.dependsOnFlush = true;
}

async function cowRead(s: Qcow2State, guestOffset: number, buf: Uint8Array): Promise<void> {
  if (buf.length === 0) return;
  await fire(s, 'cow_read');
  s.checkAlive();
  await s.readGuest(guestOffset, buf.length, buf);
}

async function cowWrite(s: Qcow2State, hostOffset: number, buf: Uint8Array): Promise<void> {
  if (buf.length === 0) return;
  await s.preWriteOverlapCheck(0, hostOffset, buf.length, true);
  await fire(s, 'cow_write');
  await s.dataFile.pwritev(hostOffset, buf.length, buf);
}

/** qcow2_alloc_cluster_link_l2: COW, then point the L2 entries at the new clusters. */
async function linkL2(s: Qcow2State, m: L2Meta): Promise<void> {
  await performCow(s, m);
  if (s.useLazyRefcounts) await s.markDirty();
  if (s.needAccurateRefcounts) await s.l2Cache.setDependency(s.refblockCache);
  const { entry, index } = await getClusterTable(s, m.offset);
  const table = s.l2Cache.tables[entry];
  s.l2Cache.markDirty(entry);
  const old: Array<[number, number]> = [];
  for (let i = 0; i < m.nbClusters; i++) {
    const hi = l2Hi(s, table, index + i);
    const lo = l2Lo(s, table, index + i);
    if (hi || lo) old.push([hi, lo]);
    const host = m.allocOffset + i * s.clusterSize;
    setL2(s, table, index + i, (HI_COPIED | Math.floor(host / 2 ** 32)) >>> 0, host >>> 0);
    if (s.extL2 && !m.prealloc) {
      // The subclusters just written (data and COW) are allocated, no longer zero.
      const from = Math.max(m.cowStart.offset, i * s.clusterSize) - i * s.clusterSize;
      const to = Math.min(m.cowEnd.offset + m.cowEnd.nbBytes, (i + 1) * s.clusterSize) - i * s.clusterSize;
      const range = scRange(Math.floor(from / s.subclusterSize), Math.floor((to - 1) / s.subclusterSize) + 1);
      setL2Bitmap(s, table, index + i, (l2ZeroBits(s, table, index + i) & ~range) >>> 0, (l2AllocBits(s, table, index + i) | range) >>> 0);
    }
  }
  s.l2Cache.put(entry);
  if (!m.keepOldClusters) for (const [hi, lo] of old) await freeAnyCluster(s, hi, lo, 'never');
}

/** An allocation made outside a write (preallocation): link `n` clusters at `host` for `guest`. */
export async function linkAllocation(s: Qcow2State, guest: number, host: number, n: number, cowStartBytes: number): Promise<void> {
  const m: L2Meta = {
    allocOffset: host,
    offset: guest,
    nbClusters: n,
    keepOldClusters: false,
    cowStart: { offset: 0, nbBytes: cowStartBytes },
    cowEnd: { offset: n * s.clusterSize, nbBytes: 0 },
    skipCow: false,
    data: null,
    done: Promise.resolve(),
    finish: () => undefined,
  };
  await linkL2(s, m);
}

/** qcow2_alloc_cluster_abort: give back clusters of an allocation that will not be linked. */
async function abortAllocation(s: Qcow2State, m: L2Meta): Promise<void> {
  // Clusters of an external data file have no refcounts: nothing to give back.
  if (!s.hasDataFile && !m.keepOldClusters) await freeClusters(s, m.allocOffset, m.nbClusters * s.clusterSize, 'never');
}

/**
 * qcow2_handle_l2meta (lock held): link (or abort) every allocation, newest first. When a link
 * fails, it and the ones after it are aborted and the error is thrown.
 */
export async function handleL2Meta(s: Qcow2State, metas: L2Meta[], link: boolean): Promise<void> {
  let failure: unknown = null;
  for (const m of metas) {
    if (link && failure === null) {
      try {
        await linkL2(s, m);
      } catch (e) {
        failure = e;
        await abortAllocation(s, m);
      }
    } else {
      await abortAllocation(s, m);
    }
    s.clusterAllocs.delete(m);
    m.finish();
  }
  metas.length = 0;
  if (failure) throw failure;
}

/** qcow2_free_any_cluster: drop the reference an L2 entry held. */
export async function freeAnyCluster(s: Qcow2State, hi: number, lo: number, type: DiscardType): Promise<void> {
  const t = clusterTypeOf(s, hi, lo);
  if (s.hasDataFile) return discardDataCluster(s, t, entryOffset(hi, lo), type);
  switch (t) {
    case 'compressed': {
      const c = parseCompressed(hi, lo, s.layout);
      await freeClusters(s, c.offset, c.size, type);
      return;
    }
    case 'normal':
    case 'zero-alloc': {
      const off = entryOffset(hi, lo);
      if (off % s.clusterSize) await s.corruption(`Cannot free unaligned cluster ${hex(off)}`, false);
      else await freeClusters(s, off, s.clusterSize, type);
      return;
    }
    default:
  }
}
