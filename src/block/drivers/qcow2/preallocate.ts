// Growing a qcow2 image with preallocation (QEMU's qcow2_co_truncate grow side and
// preallocate_co): "metadata" maps the new area to allocated clusters; "falloc" and "full"
// also reserve (full: write) the data area in one run after new refcount structures.
import type { PreallocMode } from '../../driver';
import { QemuError, strerror, toErrno } from '../../errors';
import { allocHostOffset, handleL2Meta, linkAllocation } from './allocate';
import { allocClustersAt, freeClusters, refcountArea, refcountOf } from './refcount';
import type { Qcow2State } from './state';

function wrap(prefix: string) {
  return (e: unknown): never => {
    if (e instanceof QemuError) throw e;
    throw new QemuError(`${prefix}: ${strerror(toErrno(e))}`, toErrno(e));
  };
}

/** preallocate_co: allocate and link clusters for [offset, end) without writing data. */
async function preallocateMetadata(s: Qcow2State, offset: number, end: number, mode: PreallocMode): Promise<void> {
  let host = 0;
  let cur = 0;
  while (offset < end) {
    const t = await allocHostOffset(s, offset, Math.min(end - offset, 0x7fffffff - (0x7fffffff % s.clusterSize))).catch(
      wrap('Allocating clusters failed'),
    );
    host = t.host;
    cur = t.bytes;
    for (const m of t.metas) m.prealloc = true;
    await handleL2Meta(s, t.metas, true).catch(wrap('Mapping clusters failed'));
    offset += cur;
  }
  // The (data) file must hold every allocated cluster, or reads past its end fail.
  const fileLength = await s.dataFile.getLength();
  if (host + cur > fileLength) await s.dataFile.truncate(host + cur, false, mode === 'metadata' ? 'off' : mode);
}

/** qcow2_get_last_cluster: the last host cluster with a reference, or -1. */
export async function lastUsedCluster(s: Qcow2State, fileSize: number): Promise<number> {
  let last = Math.ceil(fileSize / s.clusterSize) - 1;
  while (last >= 0 && (await refcountOf(s, last)) === 0) last--;
  return last;
}

/** Preallocate the new area [oldLength, newLength) of a growing image (lock held). */
export async function preallocateGrowth(s: Qcow2State, oldLength: number, newLength: number, mode: PreallocMode): Promise<void> {
  if (mode === 'off') return;
  // With an external data file, falloc and full only map the area and pass the mode down.
  if (mode === 'metadata' || s.hasDataFile) return preallocateMetadata(s, oldLength, newLength, mode);
  const cs = s.clusterSize;
  let oldFileSize = await s.file.getLength();
  const last = await lastUsedCluster(s, oldFileSize);
  oldFileSize = last >= 0 ? (last + 1) * cs : Math.ceil(oldFileSize / cs) * cs;
  let dataClusters = (Math.ceil(newLength / cs) * cs - s.startOfCluster(oldLength)) / cs;
  // Room in the new refcount structures for the L2 tables too (one more for an unaligned head/tail).
  const l2Tables = Math.ceil(dataClusters / s.l2Size) + 1;
  const start = await refcountArea(s, oldFileSize, dataClusters + l2Tables, true, 0, 0).catch(wrap('Failed to resize refcount structures'));
  const allocated = await allocClustersAt(s, start, dataClusters).catch(wrap('Failed to allocate data clusters'));
  if (allocated !== dataClusters) throw new QemuError('Failed to allocate data clusters');
  try {
    await s.file.truncate(start + dataClusters * cs, false, mode);
  } catch (e) {
    await freeClusters(s, start, dataClusters * cs, 'other');
    const msg = e instanceof Error ? e.message : String(e);
    throw new QemuError(`Failed to resize underlying file: ${msg}`, toErrno(e));
  }
  let host = start;
  let guest = oldLength;
  const total = dataClusters;
  while (dataClusters > 0) {
    const n = Math.min(dataClusters, s.l2SliceSize - s.l2SliceIndex(guest));
    const cowStart = guest % cs;
    guest = s.startOfCluster(guest);
    try {
      await linkAllocation(s, guest, host, n, cowStart);
    } catch (e) {
      await freeClusters(s, host, total * cs, 'other');
      throw new QemuError(`Failed to update L2 tables: ${strerror(toErrno(e))}`, toErrno(e));
    }
    guest += n * cs;
    host += n * cs;
    dataClusters -= n;
  }
}
