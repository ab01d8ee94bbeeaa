// Discard and write-zeroes on whole clusters (QEMU's qcow2_cluster_discard and
// qcow2_subcluster_zeroize): L2 entries become zero clusters or unallocated, and the clusters
// they held are freed.
import { BDRV_REQ_MAY_UNMAP } from '../../driver';
import { BlockError, ENOTSUP } from '../../errors';
import { clusterType, LO_ZERO } from './format';
import { freeAnyCluster } from './allocate';
import { getClusterTable, l2Hi, l2Lo, setL2 } from './l1-l2';
import type { DiscardType, Qcow2State } from './state';

function isAllocatedType(t: ReturnType<typeof clusterType>): boolean {
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

/**
 * qcow2_cluster_discard: full_discard makes clusters fall through to the backing file; otherwise
 * they read back as zeroes (v3 zero flag; v2 can only deallocate).
 */
export async function clusterDiscard(s: Qcow2State, offset: number, bytes: number, type: DiscardType, fullDiscard: boolean): Promise<void> {
  await forEachSlice(s, offset, bytes, async (entry, index, n) => {
    const table = s.l2Cache.tables[entry];
    for (let i = 0; i < n; i++) {
      const hi = l2Hi(table, index + i);
      const lo = l2Lo(table, index + i);
      const t = clusterType(hi, lo);
      let newLo = lo;
      let newHi = hi;
      if (fullDiscard) {
        newHi = newLo = 0;
      } else if (s.hasBacking || isAllocatedType(t)) {
        newHi = 0;
        newLo = s.version >= 3 ? LO_ZERO : 0;
      }
      if (newHi === hi && newLo === lo) continue;
      s.l2Cache.markDirty(entry);
      setL2(table, index + i, newHi, newLo);
      await freeAnyCluster(s, hi, lo, type);
    }
  });
}

/** qcow2_subcluster_zeroize: whole clusters become zero clusters (and are freed with MAY_UNMAP). */
export async function clusterZeroize(s: Qcow2State, offset: number, bytes: number, flags: number): Promise<void> {
  if (s.version < 3) {
    if (!s.hasBacking) return clusterDiscard(s, offset, bytes, 'request', false);
    throw new BlockError(ENOTSUP);
  }
  await forEachSlice(s, offset, bytes, async (entry, index, n) => {
    const table = s.l2Cache.tables[entry];
    for (let i = 0; i < n; i++) {
      const hi = l2Hi(table, index + i);
      const lo = l2Lo(table, index + i);
      const t = clusterType(hi, lo);
      const unmap = t === 'compressed' || ((flags & BDRV_REQ_MAY_UNMAP) !== 0 && isAllocatedType(t));
      const newHi = unmap ? 0 : hi;
      const newLo = (unmap ? 0 : lo) | LO_ZERO;
      if (newHi === hi && newLo === lo) continue;
      s.l2Cache.markDirty(entry);
      setL2(table, index + i, newHi, newLo);
      if (unmap) await freeAnyCluster(s, hi, lo, 'request');
    }
  });
}
