// Compressed clusters (QEMU's qcow2_co_preadv_compressed, qcow2_co_pwritev_compressed_task and
// qcow2_alloc_compressed_cluster_offset): zlib raw streams packed byte-wise into host clusters,
// described by an L2 entry with the compressed flag, the host offset and a sector count.
import type { RawZlib } from '../../block-host';
import { BDRV_REQ_INSPECT } from '../../driver';
import { BlockError, EIO, ENOTSUP } from '../../errors';
import { compressedEntry, entryOffset, parseCompressed } from './format';
import { getClusterTable, l2Hi, l2Lo, setL2, setL2Bitmap } from './l1-l2';
import { allocBytes, fire } from './refcount';
import type { Qcow2State } from './state';

/**
 * The image's compression codec: only zlib (compression type 0) is here. zstd images (type 1)
 * refuse compressed reads and writes alike, rather than write clusters QEMU could not read.
 */
function needZlib(s: Qcow2State, zlib: RawZlib | undefined): RawZlib {
  if (s.header.compressionType !== 0 || !zlib) throw new BlockError(ENOTSUP);
  return zlib;
}

/** Read [offset, offset+bytes) of a guest cluster stored compressed (L2 entry hi/lo). */
export async function readCompressed(
  s: Qcow2State,
  zlib: RawZlib | undefined,
  hi: number,
  lo: number,
  offset: number,
  bytes: number,
  buf: Uint8Array,
  /** BDRV_REQ_INSPECT for an inspection read: no read_compressed event, the flag on the file read. */
  flags = 0,
): Promise<void> {
  const z = needZlib(s, zlib);
  const c = parseCompressed(hi, lo, s.layout);
  const input = new Uint8Array(c.size);
  if (!(flags & BDRV_REQ_INSPECT)) await fire(s, 'read_compressed');
  await s.file.preadv(c.offset, c.size, input, flags);
  const out = z.inflateRaw(input, s.clusterSize);
  if (!out) throw new BlockError(EIO);
  const at = offset % s.clusterSize;
  buf.set(out.subarray(at, at + bytes));
}

/**
 * One cluster of a compressed write: compress, allocate bytes, write. Data that does not shrink
 * is written as a normal cluster through `writeNormal` (as QEMU does).
 */
export async function writeCompressedCluster(
  s: Qcow2State,
  zlib: RawZlib | undefined,
  offset: number,
  bytes: number,
  data: Uint8Array,
  writeNormal: (offset: number, bytes: number, data: Uint8Array) => Promise<void>,
): Promise<void> {
  const z = needZlib(s, zlib);
  let src = data;
  if (bytes < s.clusterSize) {
    src = new Uint8Array(s.clusterSize);
    src.set(data.subarray(0, bytes));
  }
  const out = z.deflateRaw(src);
  if (out.length > s.clusterSize - 1) {
    await writeNormal(offset, bytes, data);
    return;
  }
  const locked = s.lock.lock();
  if (locked) await locked;
  let host: number;
  try {
    host = await allocCompressedClusterOffset(s, offset, out.length);
    await s.preWriteOverlapCheck(0, host, out.length);
  } finally {
    s.lock.unlock();
  }
  await fire(s, 'write_compressed');
  await s.file.pwritev(host, out.length, out);
}

/** qcow2_alloc_compressed_cluster_offset: EIO when the cluster is already allocated. */
async function allocCompressedClusterOffset(s: Qcow2State, offset: number, size: number): Promise<number> {
  const { entry, index } = await getClusterTable(s, offset);
  const table = s.l2Cache.tables[entry];
  try {
    if (entryOffset(l2Hi(s, table, index), l2Lo(s, table, index))) throw new BlockError(EIO);
    const host = await allocBytes(s, size);
    const sectors = Math.floor((host + size - 1) / 512) - Math.floor(host / 512);
    const [hi, lo] = compressedEntry(host, sectors, s.layout);
    await fire(s, 'l2_update_compressed');
    s.l2Cache.markDirty(entry);
    setL2(s, table, index, hi, lo);
    setL2Bitmap(s, table, index, 0, 0);
    return host;
  } finally {
    s.l2Cache.put(entry);
  }
}
