// Reference counts (QEMU's qcow2-refcount.c): every host cluster has a count in a refcount
// block; the refcount table points to the blocks. Allocation searches for clusters with count
// zero and raises the counts; new refcount blocks and a bigger refcount table are placed so they
// describe themselves. The blkdebug events fire exactly where QEMU fires them.
import { BlockError, EAGAIN, EFBIG, EINVAL } from '../../errors';
import type { BlkdebugEvent } from '../../events';
import { getRefcount, putBe32, putBe64, QCOW_MAX_CLUSTER_OFFSET, QCOW_MAX_REFTABLE_SIZE, refcountMax, refcountMetadataSize, setRefcount } from './format';
import { type DiscardType, hex, type Qcow2State } from './state';

function isErrno(e: unknown, errno: number): boolean {
  return e instanceof BlockError && e.errno === errno;
}

/** BLKDBG_EVENT(bs->file, event). */
export async function fire(s: Qcow2State, event: BlkdebugEvent): Promise<void> {
  const ev = s.file.debugEvent(event);
  if (ev) await ev;
}

/** qcow2_get_refcount: the count of one host cluster (0 beyond the table or without a block). */
export async function refcountOf(s: Qcow2State, clusterIndex: number): Promise<number> {
  const tableIndex = Math.floor(clusterIndex / s.refcountBlockSize);
  if (tableIndex >= s.reftable.length) return 0;
  const blockOffset = s.reftable[tableIndex];
  if (!blockOffset) return 0;
  if (s.offsetIntoCluster(blockOffset)) {
    throw await s.corruption(`Refblock offset ${hex(blockOffset)} unaligned (reftable index: ${hex(tableIndex)})`);
  }
  const i = await s.refblockCache.get(blockOffset);
  const value = getRefcount(s.refblockCache.tables[i], clusterIndex % s.refcountBlockSize, s.refcountOrder);
  s.refblockCache.put(i);
  return value;
}

/** load_refcount_block: fires refblock_load on every lookup, cached or not. */
async function loadRefcountBlock(s: Qcow2State, offset: number): Promise<number> {
  await fire(s, 'refblock_load');
  return s.refblockCache.get(offset);
}

function inSameRefcountBlock(s: Qcow2State, a: number, b: number): boolean {
  const span = s.clusterSize * s.refcountBlockSize;
  return Math.floor(a / span) === Math.floor(b / span);
}

/** alloc_clusters_noref: first run of free clusters from the search hint (counts untouched). */
export async function allocClustersNoref(s: Qcow2State, size: number, max: number): Promise<number> {
  const n = s.sizeToClusters(size);
  for (;;) {
    let found = true;
    for (let i = 0; i < n; i++) {
      const next = s.freeClusterIndex++;
      if ((await refcountOf(s, next)) !== 0) {
        found = false;
        break;
      }
    }
    if (found) break;
  }
  if (s.freeClusterIndex > 0 && s.freeClusterIndex - 1 > Math.floor(max / s.clusterSize)) throw new BlockError(EFBIG);
  return (s.freeClusterIndex - n) * s.clusterSize;
}

/**
 * alloc_refcount_block: the cache entry of the refcount block for a cluster, allocating the block
 * (and growing the table) when missing. Throws EAGAIN after allocating metadata, so the caller
 * restarts its search for free clusters.
 */
async function allocRefcountBlock(s: Qcow2State, clusterIndex: number): Promise<number> {
  await fire(s, 'refblock_alloc');
  const tableIndex = Math.floor(clusterIndex / s.refcountBlockSize);
  if (tableIndex < s.reftable.length) {
    const blockOffset = s.reftable[tableIndex];
    if (blockOffset) {
      if (s.offsetIntoCluster(blockOffset)) {
        throw await s.corruption(`Refblock offset ${hex(blockOffset)} unaligned (reftable index: ${hex(tableIndex)})`);
      }
      return loadRefcountBlock(s, blockOffset);
    }
  }
  // The refcount table may point to L2 tables' clusters being written: write those first.
  await s.l2Cache.flush();
  const newBlock = await allocClustersNoref(s, s.clusterSize, Number.MAX_SAFE_INTEGER);
  if (newBlock === 0) throw await s.corruption('Preventing invalid allocation of refcount block at offset 0');
  let entry = -1;
  try {
    if (inSameRefcountBlock(s, newBlock, clusterIndex * s.clusterSize)) {
      entry = await s.refblockCache.getEmpty(newBlock);
      const table = s.refblockCache.tables[entry];
      table.fill(0);
      // The block describes itself.
      setRefcount(table, (newBlock / s.clusterSize) % s.refcountBlockSize, s.refcountOrder, 1);
    } else {
      // Described by another block: at most two levels of recursion reach a self-describing one.
      await updateRefcount(s, newBlock, s.clusterSize, 1, false, 'never');
      await s.refblockCache.flush();
      entry = await s.refblockCache.getEmpty(newBlock);
      s.refblockCache.tables[entry].fill(0);
    }
    await fire(s, 'refblock_alloc_write');
    s.refblockCache.markDirty(entry);
    await s.refblockCache.flush();
    if (tableIndex < s.reftable.length) {
      await fire(s, 'refblock_alloc_hookup');
      const data = new Uint8Array(8);
      putBe64(data, 0, newBlock);
      await pwriteSync(s, s.refcountTableOffset + tableIndex * 8, data);
      s.reftable[tableIndex] = newBlock;
      s.maxRefcountTableIndex = Math.max(s.maxRefcountTableIndex, tableIndex);
      s.refblockCache.put(entry);
      entry = -1;
      // The new block may sit where the caller meant to put its data.
      throw new BlockError(EAGAIN);
    }
    s.refblockCache.put(entry);
    entry = -1;
  } catch (e) {
    if (entry >= 0) s.refblockCache.put(entry);
    throw e;
  }
  // The table is full: grow it, with new self-describing blocks past everything in use.
  await fire(s, 'reftable_grow');
  const blocksUsed = Math.ceil(Math.max(clusterIndex + 1, newBlock / s.clusterSize + 1) / s.refcountBlockSize);
  const metaOffset = blocksUsed * s.refcountBlockSize * s.clusterSize;
  await refcountArea(s, metaOffset, 0, false, tableIndex, newBlock);
  await loadRefcountBlock(s, newBlock).then((i) => s.refblockCache.put(i));
  throw new BlockError(EAGAIN);
}

/** bdrv_pwrite_sync on the file child: write, then flush the file. */
export async function pwriteSync(s: Qcow2State, offset: number, data: Uint8Array): Promise<void> {
  await s.file.pwritev(offset, data.length, data);
  await s.file.flush();
}

/**
 * qcow2_refcount_area: a new refcount table at `offset` (after any new refcount blocks placed
 * there) covering the image plus `additionalClusters`, with blocks that describe the area itself.
 */
export async function refcountArea(
  s: Qcow2State,
  offset: number,
  additionalClusters: number,
  exactSize: boolean,
  newRefblockIndex: number,
  newRefblockOffset: number,
): Promise<number> {
  const cs = s.clusterSize;
  const { refblocks: totalRefblocks } = refcountMetadataSize(offset / cs + additionalClusters, cs, s.refcountOrder, !exactSize);
  if (totalRefblocks * 8 > QCOW_MAX_REFTABLE_SIZE) throw new BlockError(EFBIG);
  const areaIndex = Math.floor(offset / (cs * s.refcountBlockSize));
  let tableSize = exactSize ? totalRefblocks : totalRefblocks + Math.ceil(totalRefblocks / 2);
  const perCluster = cs / 8;
  tableSize = Math.ceil(tableSize / perCluster) * perCluster;
  const tableClusters = (tableSize * 8) / cs;
  if (tableSize * 8 > QCOW_MAX_REFTABLE_SIZE) throw new BlockError(EFBIG);
  const newTable = new Float64Array(tableSize);
  newTable.set(s.reftable.subarray(0, Math.min(tableSize, s.maxRefcountTableIndex + 1)));
  if (newRefblockOffset) newTable[newRefblockIndex] = newRefblockOffset;
  let additional = 0;
  for (let i = areaIndex; i < totalRefblocks; i++) if (!newTable[i]) additional++;
  const tableOffset = offset + additional * cs;
  const endOffset = tableOffset + tableClusters * cs;
  let blockOffset = offset;
  for (let i = areaIndex; i < totalRefblocks; i++) {
    let entry: number;
    if (newTable[i]) {
      entry = await s.refblockCache.get(newTable[i]);
    } else {
      entry = await s.refblockCache.getEmpty(blockOffset);
      s.refblockCache.tables[entry].fill(0);
      s.refblockCache.markDirty(entry);
      newTable[i] = blockOffset;
      blockOffset += cs;
    }
    const firstCovered = i * s.refcountBlockSize * cs;
    if (firstCovered < endOffset) {
      let j = firstCovered < offset ? (offset - firstCovered) / cs : 0;
      const end = Math.min((endOffset - firstCovered) / cs, s.refcountBlockSize);
      for (; j < end; j++) setRefcount(s.refblockCache.tables[entry], j, s.refcountOrder, 1);
      s.refblockCache.markDirty(entry);
    }
    s.refblockCache.put(entry);
  }
  await fire(s, 'refblock_alloc_write_blocks');
  await s.refblockCache.flush();
  const raw = new Uint8Array(tableSize * 8);
  for (let i = 0; i < totalRefblocks; i++) putBe64(raw, i * 8, newTable[i]);
  await fire(s, 'refblock_alloc_write_table');
  await pwriteSync(s, tableOffset, raw);
  const hdr = new Uint8Array(12);
  putBe64(hdr, 0, tableOffset);
  putBe32(hdr, 8, tableClusters);
  await fire(s, 'refblock_alloc_switch_table');
  await pwriteSync(s, 48, hdr);
  const oldOffset = s.refcountTableOffset;
  const oldSize = s.reftable.length;
  s.reftable = newTable;
  s.refcountTableOffset = tableOffset;
  s.header.refcountTableOffset = tableOffset;
  s.header.refcountTableClusters = tableClusters;
  s.updateMaxRefcountTableIndex();
  await freeClusters(s, oldOffset, oldSize * 8, 'other');
  return endOffset;
}

/**
 * update_refcount: add (or subtract) `addend` for every cluster of [offset, offset+length).
 * On failure the clusters already changed are changed back.
 */
export async function updateRefcount(
  s: Qcow2State,
  offset: number,
  length: number,
  addend: number,
  decrease: boolean,
  type: DiscardType,
): Promise<void> {
  if (length < 0) throw new BlockError(EINVAL);
  if (length === 0) return;
  const cache = s.refblockCache;
  if (decrease) await cache.setDependency(s.l2Cache);
  const cs = s.clusterSize;
  const start = s.startOfCluster(offset);
  const last = s.startOfCluster(offset + length - 1);
  const max = refcountMax(s.refcountOrder);
  let entry = -1;
  let oldTableIndex = -1;
  let clusterOffset = start;
  let failure: unknown = null;
  try {
    for (; clusterOffset <= last; clusterOffset += cs) {
      const clusterIndex = clusterOffset / cs;
      const tableIndex = Math.floor(clusterIndex / s.refcountBlockSize);
      if (tableIndex !== oldTableIndex) {
        if (entry >= 0) cache.put(entry);
        entry = -1;
        try {
          entry = await allocRefcountBlock(s, clusterIndex);
        } catch (e) {
          if (isErrno(e, EAGAIN) && s.freeClusterIndex > start / cs) s.freeClusterIndex = start / cs;
          throw e;
        }
      }
      oldTableIndex = tableIndex;
      cache.markDirty(entry);
      const blockIndex = clusterIndex % s.refcountBlockSize;
      let refcount = getRefcount(cache.tables[entry], blockIndex, s.refcountOrder);
      if (decrease ? refcount - addend < 0 : refcount + addend > max) throw new BlockError(EINVAL);
      refcount = decrease ? refcount - addend : refcount + addend;
      if (refcount === 0 && clusterIndex < s.freeClusterIndex) s.freeClusterIndex = clusterIndex;
      setRefcount(cache.tables[entry], blockIndex, s.refcountOrder, refcount);
      if (refcount === 0) {
        // A freed cluster must not be written back from a cache (QEMU looks up `offset` here).
        const rb = cache.find(offset);
        if (rb >= 0) {
          cache.put(entry);
          entry = -1;
          oldTableIndex = -1;
          cache.discard(rb);
        }
        const l2 = s.l2Cache.find(offset);
        if (l2 >= 0) s.l2Cache.discard(l2);
        if (s.discardPassthrough[type]) s.queueDiscard(clusterOffset, cs);
      }
    }
  } catch (e) {
    failure = e;
  }
  if (!s.cacheDiscards) await s.processDiscards(failure !== null);
  if (entry >= 0) cache.put(entry);
  if (failure) {
    await updateRefcount(s, offset, clusterOffset - offset, addend, !decrease, 'never').catch(() => undefined);
    throw failure;
  }
}

/** qcow2_alloc_clusters: fires cluster_alloc, finds free clusters and takes a reference. */
export async function allocClusters(s: Qcow2State, size: number): Promise<number> {
  await fire(s, 'cluster_alloc');
  for (;;) {
    const offset = await allocClustersNoref(s, size, QCOW_MAX_CLUSTER_OFFSET);
    try {
      await updateRefcount(s, offset, size, 1, false, 'never');
      return offset;
    } catch (e) {
      if (!isErrno(e, EAGAIN)) throw e;
    }
  }
}

/** qcow2_alloc_clusters_at: as many of `n` clusters at `offset` as are free; returns the count. */
export async function allocClustersAt(s: Qcow2State, offset: number, n: number): Promise<number> {
  if (n === 0) return 0;
  for (;;) {
    let i = 0;
    let ci = offset / s.clusterSize;
    for (; i < n; i++) if ((await refcountOf(s, ci++)) !== 0) break;
    try {
      await updateRefcount(s, offset, i * s.clusterSize, 1, false, 'never');
      return i;
    } catch (e) {
      if (!isErrno(e, EAGAIN)) throw e;
    }
  }
}

/** qcow2_alloc_bytes: space for compressed data, packed after the previous compressed cluster. */
export async function allocBytes(s: Qcow2State, size: number): Promise<number> {
  await fire(s, 'cluster_alloc_bytes');
  const cs = s.clusterSize;
  let offset = s.freeByteOffset;
  if (offset && (await refcountOf(s, Math.floor(offset / cs))) === refcountMax(s.refcountOrder)) offset = 0;
  let freeInCluster = cs - s.offsetIntoCluster(offset);
  for (;;) {
    if (!offset || freeInCluster < size) {
      const maxOffset = Math.min(2 ** s.layout.shift - 1, QCOW_MAX_CLUSTER_OFFSET);
      const newCluster = await allocClustersNoref(s, cs, maxOffset);
      if (newCluster === 0) throw await s.corruption('Preventing invalid allocation of compressed cluster at offset 0');
      if (!offset || Math.ceil(offset / cs) * cs !== newCluster) {
        offset = newCluster;
        freeInCluster = cs;
      } else {
        freeInCluster += cs;
      }
    }
    try {
      await updateRefcount(s, offset, size, 1, false, 'never');
      break;
    } catch (e) {
      offset = 0;
      if (!isErrno(e, EAGAIN)) throw e;
    }
  }
  // The new references must reach the disk before an L2 entry points at them.
  await s.l2Cache.setDependency(s.refblockCache);
  s.freeByteOffset = offset + size;
  if (!s.offsetIntoCluster(s.freeByteOffset)) s.freeByteOffset = 0;
  return offset;
}

/** qcow2_free_clusters: fires cluster_free; a failure is only reported (the clusters leak). */
export async function freeClusters(s: Qcow2State, offset: number, size: number, type: DiscardType): Promise<void> {
  await fire(s, 'cluster_free');
  try {
    await updateRefcount(s, offset, size, 1, true, type);
  } catch (e) {
    s.stderr(`qcow2_free_clusters failed: ${(e as Error).message}\n`);
  }
}
