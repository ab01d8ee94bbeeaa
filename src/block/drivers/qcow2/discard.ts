// Discard and write-zeroes on whole clusters (QEMU's qcow2_cluster_discard and
// qcow2_subcluster_zeroize): L2 entries become zero clusters or unallocated, and the clusters
// they held are freed.
import { BDRV_REQ_MAY_UNMAP } from '../../driver';
import { BlockError, ENOTSUP } from '../../errors';
import { type ClusterType, LO_ZERO } from './format';
import { freeAnyCluster } from './allocate';
import { zeroRawDataFile } from './data-file';
import { clusterTypeOf, getClusterTable, l2AllocBits, l2Hi, l2Lo, l2ZeroBits, scRange, setL2, setL2Bitmap } from './l1-l2';

/** QCOW_L2_BITMAP_ALL_ZEROES: every subcluster reads as zero. */
const ALL_SUBCLUSTERS = 0xffffffff;
import type { DiscardType, Qcow2State } from './state';

function isAllocatedType(t: ClusterType): boolean {
  return t === 'normal' || t === 'zero-alloc' || t === 'compressed';
}

/** Run `perSlice` over the clusters of [offset, offset+bytes), one L2 slice at a time, with discards batched. */
async function forEachSlice(
  s: Qcow2State,
  offset: number,
  bytes: number,
  perSlice: (entry: number, index: number, n: number) => Promise<void>,
): Promise<void> {
  let n = s.sizeToClusters(bytes);
  s.cacheDiscards = true;
  let failed = true;
  try {
    while (n > 0) {
      const { entry, index } = await getClusterTable(s, offset);
      const count = Math.min(n, s.l2SliceSize - index);
      try {
        await perSlice(entry, index, count);
      } finally {
        s.l2Cache.put(entry);
      }
      n -= count;
      offset += count * s.clusterSize;
    }
    failed = false;
  } finally {
    s.cacheDiscards = false;
    await s.processDiscards(failed);
  }
}

/** An L2 entry and its subcluster bitmap (zero and allocation halves). */
interface Entry {
  hi: number;
  lo: number;
  zero: number;
  alloc: number;
}

/**
 * The loop discard_in_l2_slice and zero_in_l2_slice share: `decide` turns each entry of the
 * range into its new value (and says whether the old cluster is given back); unchanged entries
 * are left alone, changed ones are written to the cached slice first, then the cluster freed.
 */
function rewriteEntries(s: Qcow2State, offset: number, bytes: number, type: DiscardType, decide: (cur: Entry, t: ClusterType, next: Entry) => boolean): Promise<void> {
  const cur: Entry = { hi: 0, lo: 0, zero: 0, alloc: 0 };
  const next: Entry = { hi: 0, lo: 0, zero: 0, alloc: 0 };
  return forEachSlice(s, offset, bytes, async (entry, index, n) => {
    const table = s.l2Cache.tables[entry];
    for (let i = index; i < index + n; i++) {
      cur.hi = next.hi = l2Hi(s, table, i);
      cur.lo = next.lo = l2Lo(s, table, i);
      cur.zero = next.zero = l2ZeroBits(s, table, i);
      cur.alloc = next.alloc = l2AllocBits(s, table, i);
      const free = decide(cur, clusterTypeOf(s, cur.hi, cur.lo), next);
      if (next.hi === cur.hi && next.lo === cur.lo && next.zero === cur.zero && next.alloc === cur.alloc) continue;
      s.l2Cache.markDirty(entry);
      setL2(s, table, i, next.hi, next.lo);
      setL2Bitmap(s, table, i, next.zero, next.alloc);
      if (free) await freeAnyCluster(s, cur.hi, cur.lo, type);
    }
  });
}

/**
 * qcow2_cluster_discard: full_discard makes clusters fall through to the backing file; otherwise
 * they read back as zeroes (v3 zero flag or all-zero subcluster bitmap; v2 can only deallocate).
 */
export function clusterDiscard(s: Qcow2State, offset: number, bytes: number, type: DiscardType, fullDiscard: boolean): Promise<void> {
  return rewriteEntries(s, offset, bytes, type, (_cur, t, next) => {
    if (fullDiscard) {
      next.hi = next.lo = next.zero = next.alloc = 0;
    } else if (s.hasBacking || isAllocatedType(t)) {
      next.hi = 0;
      next.lo = !s.extL2 && s.version >= 3 ? LO_ZERO : 0;
      if (s.extL2) [next.zero, next.alloc] = [ALL_SUBCLUSTERS, 0];
    }
    return true;
  });
}

/** zero_l2_subclusters: part of one cluster reads as zeroes (extended L2). */
async function zeroSubclusters(s: Qcow2State, offset: number, count: number): Promise<void> {
  const { entry, index } = await getClusterTable(s, offset);
  const table = s.l2Cache.tables[entry];
  try {
    if (clusterTypeOf(s, l2Hi(s, table, index), l2Lo(s, table, index)) === 'compressed') throw new BlockError(ENOTSUP);
    const first = Math.floor((offset % s.clusterSize) / s.subclusterSize);
    const range = scRange(first, first + count);
    const zero = l2ZeroBits(s, table, index);
    const alloc = l2AllocBits(s, table, index);
    const newZero = (zero | range) >>> 0;
    const newAlloc = (alloc & ~range) >>> 0;
    if (newZero !== zero || newAlloc !== alloc) {
      setL2Bitmap(s, table, index, newZero, newAlloc);
      s.l2Cache.markDirty(entry);
    }
  } finally {
    s.l2Cache.put(entry);
  }
}

/** qcow2_subcluster_zeroize: whole clusters become zero clusters (and are freed with MAY_UNMAP). */
export async function clusterZeroize(s: Qcow2State, offset: number, bytes: number, flags: number): Promise<void> {
  await zeroRawDataFile(s, offset, bytes, flags);
  if (s.version < 3) {
    if (!s.hasBacking) return clusterDiscard(s, offset, bytes, 'request', false);
    throw new BlockError(ENOTSUP);
  }
  const cs = s.clusterSize;
  let end = offset + bytes;
  const head = Math.min(end, Math.ceil(offset / cs) * cs) - offset;
  offset += head;
  const imageEnd = Math.floor(s.size / 512) * 512;
  const tail = end >= imageEnd ? 0 : end - Math.max(offset, s.startOfCluster(end));
  end -= tail;
  s.cacheDiscards = true;
  let failed = true;
  try {
    if (head) await zeroSubclusters(s, offset - head, Math.ceil(head / s.subclusterSize));
    if (end > offset) await zeroWholeClusters(s, offset, end - offset, flags);
    if (tail) await zeroSubclusters(s, end, Math.ceil(tail / s.subclusterSize));
    failed = false;
  } finally {
    s.cacheDiscards = false;
    await s.processDiscards(failed);
  }
}

/** zero_in_l2_slice over whole clusters. */
function zeroWholeClusters(s: Qcow2State, offset: number, bytes: number, flags: number): Promise<void> {
  return rewriteEntries(s, offset, bytes, 'request', (_cur, t, next) => {
    const unmap = t === 'compressed' || ((flags & BDRV_REQ_MAY_UNMAP) !== 0 && isAllocatedType(t));
    if (unmap) next.hi = next.lo = 0;
    if (s.extL2) [next.zero, next.alloc] = [ALL_SUBCLUSTERS, 0];
    else next.lo = (next.lo | LO_ZERO) >>> 0;
    return unmap;
  });
}
