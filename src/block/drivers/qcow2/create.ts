// The bytes of a NEW qcow2 image, laid out the way QEMU 7.2's qcow2_co_create does it: header
// at cluster 0, a one-cluster refcount table at cluster 1 with one refcount block at cluster 2,
// then the image is "opened" and truncated to its size, which allocates the L1 table through the
// ordinary refcount allocator. That allocator grows refcount blocks and the refcount table in
// its own peculiar order (retries after each new refblock, a self-describing area for a new
// table, the old table freed but its bytes left behind), so we replay it on an in-memory file
// instead of computing a layout: the result is byte-identical for every size and cluster size.

import { dataFileLength, mapDataFile } from './data-file-layout';
import {
  AUTOCLEAR_DATA_FILE_RAW,
  buildHeaderCluster,
  COMPAT_LAZY_REFCOUNTS,
  getRefcount,
  INCOMPAT_COMPRESSION,
  INCOMPAT_DATA_FILE,
  INCOMPAT_EXTL2,
  putBe64,
  QCOW_MAX_L1_SIZE,
  QCOW_MAX_REFTABLE_SIZE,
  refcountMetadataSize,
  setRefcount,
  sizeToL1,
  V3_HEADER_LENGTH,
  type QcowHeader,
} from './format';

export interface Qcow2CreateParams {
  /** Virtual size in bytes, already rounded up to 512 as qcow2_co_create_opts does. */
  size: number;
  clusterBits: number;
  version: 2 | 3;
  refcountOrder: number;
  lazyRefcounts: boolean;
  extendedL2: boolean;
  /** 0 zlib, 1 zstd. */
  compressionType: number;
  backingFile?: string;
  backingFormat?: string;
  /** An external data file: its name for the header extension (data-file-layout.ts). */
  dataFile?: string;
  dataFileRaw?: boolean;
  /** Map every cluster (identity L2 tables): only with a data file (preallocation, data_file_raw). */
  preallocateDataFile?: boolean;
}

export interface Qcow2CreateLayout {
  /** Non-overlapping, ascending writes; together with `length` they give the whole file. */
  writes: { offset: number; data: Uint8Array }[];
  /** Final file length (areas between writes are zeroes / holes). */
  length: number;
  header: QcowHeader;
  /** Length of the external data file (all zeroes), when there is one. */
  dataFileLength?: number;
}

/** Thrown when QEMU would fail with EFBIG ("The image size is too large ..."). */
export class Qcow2TooLargeError extends Error {
  override readonly name = 'Qcow2TooLargeError';
}

const EAGAIN = 'EAGAIN';
type Again = typeof EAGAIN;

/** The file, cluster by cluster, and QEMU's in-memory refcount state while creating. */
export class CreateSim {
  readonly cs: number;
  readonly rbBits: number; // log2(refcounts per refblock)
  private readonly clusters = new Map<number, Uint8Array>();
  length = 0;
  reftable: number[];
  reftableOffset: number;
  private maxReftableIndex = 0;
  freeClusterIndex = 0;

  constructor(
    readonly clusterBits: number,
    readonly order: number,
  ) {
    this.cs = 2 ** clusterBits;
    this.rbBits = clusterBits + 3 - order;
    this.reftable = new Array<number>(this.cs / 8).fill(0);
    this.reftableOffset = this.cs;
  }

  private cluster(index: number): Uint8Array {
    let c = this.clusters.get(index);
    if (!c) {
      c = new Uint8Array(this.cs);
      this.clusters.set(index, c);
    }
    return c;
  }

  /** bdrv_pwrite: bytes land in the file, which grows to cover them. */
  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const index = Math.floor(at / this.cs);
      const into = at - index * this.cs;
      const n = Math.min(this.cs - into, data.length - done);
      this.cluster(index).set(data.subarray(done, done + n), into);
      done += n;
    }
    this.length = Math.max(this.length, offset + data.length);
  }

  writeZeroes(offset: number, bytes: number): void {
    for (let at = offset; at < offset + bytes; ) {
      const index = Math.floor(at / this.cs);
      this.cluster(index); // materialise: QEMU writes real zero bytes here
      at = (index + 1) * this.cs;
    }
    this.length = Math.max(this.length, offset + bytes);
  }

  /** A refcount block as the cache sees it (written through at once). */
  private block(offset: number): Uint8Array {
    return this.cluster(offset / this.cs);
  }

  private markWritten(offset: number): void {
    this.length = Math.max(this.length, offset + this.cs);
  }

  getRefcount(clusterIndex: number): number {
    const t = Math.floor(clusterIndex / 2 ** this.rbBits);
    if (t >= this.reftable.length || !this.reftable[t]) return 0;
    return getRefcount(this.block(this.reftable[t]), clusterIndex % 2 ** this.rbBits, this.order);
  }

  /** alloc_clusters_noref: first run of free clusters from free_cluster_index on. */
  allocNoref(bytes: number): number {
    const n = Math.ceil(bytes / this.cs);
    for (let i = 0; i < n; i++) {
      const next = this.freeClusterIndex++;
      if (this.getRefcount(next) !== 0) i = -1;
    }
    return (this.freeClusterIndex - n) * this.cs;
  }

  /** qcow2_alloc_clusters: retried until no refcount metadata had to be created meanwhile. */
  allocClusters(bytes: number): number {
    for (;;) {
      const offset = this.allocNoref(bytes);
      if (this.updateRefcount(offset, bytes, 1, false) !== EAGAIN) return offset;
    }
  }

  /** update_refcount, including the rollback of a partial update when it must restart. */
  updateRefcount(offset: number, length: number, addend: number, decrease: boolean): Again | undefined {
    if (length <= 0) return undefined;
    const start = Math.floor(offset / this.cs) * this.cs;
    const last = Math.floor((offset + length - 1) / this.cs) * this.cs;
    let oldTableIndex = -1;
    let block: Uint8Array | undefined;
    let blockOffset = 0;
    for (let co = start; co <= last; co += this.cs) {
      const ci = co / this.cs;
      const tableIndex = Math.floor(ci / 2 ** this.rbBits);
      if (tableIndex !== oldTableIndex) {
        const r = this.allocRefcountBlock(ci);
        if (r === EAGAIN) {
          if (this.freeClusterIndex > start / this.cs) this.freeClusterIndex = start / this.cs;
          this.updateRefcount(offset, co - offset, addend, !decrease);
          return EAGAIN;
        }
        blockOffset = r;
        block = this.block(r);
      }
      oldTableIndex = tableIndex;
      const bi = ci % 2 ** this.rbBits;
      const rc = getRefcount(block!, bi, this.order) + (decrease ? -addend : addend);
      setRefcount(block!, bi, this.order, rc);
      this.markWritten(blockOffset);
      if (rc === 0 && ci < this.freeClusterIndex) this.freeClusterIndex = ci;
    }
    return undefined;
  }

  /** alloc_refcount_block: the block's offset, or EAGAIN after creating refcount metadata. */
  private allocRefcountBlock(clusterIndex: number): number | Again {
    const t = Math.floor(clusterIndex / 2 ** this.rbBits);
    if (t < this.reftable.length && this.reftable[t]) return this.reftable[t];

    const newBlock = this.allocNoref(this.cs);
    const sameBlock = Math.floor(newBlock / this.cs / 2 ** this.rbBits) === t;
    if (sameBlock) {
      // The block describes itself.
      const b = this.block(newBlock);
      b.fill(0);
      setRefcount(b, (newBlock / this.cs) % 2 ** this.rbBits, this.order, 1);
    } else {
      if (this.updateRefcount(newBlock, this.cs, 1, false) === EAGAIN) return EAGAIN;
      this.block(newBlock).fill(0);
    }
    this.markWritten(newBlock);

    if (t < this.reftable.length) {
      const entry = new Uint8Array(8);
      putBe64(entry, 0, newBlock);
      this.write(this.reftableOffset + t * 8, entry);
      this.reftable[t] = newBlock;
      this.maxReftableIndex = Math.max(this.maxReftableIndex, t);
      return EAGAIN;
    }

    // The table is full: new refblocks and a new table in a self-describing area past
    // everything in use.
    const blocksUsed = Math.ceil(Math.max(clusterIndex + 1, newBlock / this.cs + 1) / 2 ** this.rbBits);
    this.refcountArea(blocksUsed * 2 ** this.rbBits * this.cs, t, newBlock);
    return EAGAIN;
  }

  /** qcow2_refcount_area with additional_clusters = 0 and a generous (non-exact) table. */
  private refcountArea(startOffset: number, newRefblockIndex: number, newRefblockOffset: number): void {
    const rbs = 2 ** this.rbBits;
    const { refblocks: total } = refcountMetadataSize(startOffset / this.cs, this.cs, this.order, true);
    if (total > QCOW_MAX_REFTABLE_SIZE) throw new Qcow2TooLargeError('refcount table too large');
    const areaIndex = Math.floor(startOffset / this.cs / rbs);
    const perCluster = this.cs / 8;
    const tableSize = Math.ceil((total + Math.ceil(total / 2)) / perCluster) * perCluster;
    const tableClusters = (tableSize * 8) / this.cs;
    if (tableSize > QCOW_MAX_REFTABLE_SIZE) throw new Qcow2TooLargeError('refcount table too large');

    const table = new Array<number>(tableSize).fill(0);
    const keep = tableSize > this.maxReftableIndex ? this.maxReftableIndex + 1 : tableSize;
    for (let i = 0; i < keep; i++) table[i] = this.reftable[i] ?? 0;
    table[newRefblockIndex] = newRefblockOffset;

    let additional = 0;
    for (let i = areaIndex; i < total; i++) if (!table[i]) additional++;
    const tableOffset = startOffset + additional * this.cs;
    const endOffset = tableOffset + tableClusters * this.cs;

    let blockOffset = startOffset;
    for (let i = areaIndex; i < total; i++) {
      if (!table[i]) {
        this.block(blockOffset).fill(0);
        table[i] = blockOffset;
        blockOffset += this.cs;
      }
      const b = this.block(table[i]);
      this.markWritten(table[i]);
      const first = i * rbs * this.cs;
      if (first < endOffset) {
        let j = first < startOffset ? (startOffset - first) / this.cs : 0;
        const end = Math.min((endOffset - first) / this.cs, rbs);
        for (; j < end; j++) setRefcount(b, j, this.order, 1);
      }
    }

    const bytes = new Uint8Array(tableSize * 8);
    for (let i = 0; i < total; i++) putBe64(bytes, i * 8, table[i]);
    this.write(tableOffset, bytes);

    const oldOffset = this.reftableOffset;
    const oldSize = this.reftable.length;
    this.reftable = table;
    this.reftableOffset = tableOffset;
    this.maxReftableIndex = 0;
    for (let i = table.length - 1; i >= 0; i--) {
      if (table[i]) {
        this.maxReftableIndex = i;
        break;
      }
    }
    // The old table is freed, not discarded: its bytes stay in the file.
    this.updateRefcount(oldOffset, oldSize * 8, 1, true);
  }

  /** The file as a list of writes (touched clusters, clipped to the file length). */
  toWrites(): { offset: number; data: Uint8Array }[] {
    const indices = [...this.clusters.keys()].sort((a, b) => a - b);
    const out: { offset: number; data: Uint8Array }[] = [];
    for (const i of indices) {
      const offset = i * this.cs;
      if (offset >= this.length) continue;
      const data = this.clusters.get(i)!.subarray(0, Math.min(this.cs, this.length - offset));
      const prev = out[out.length - 1];
      // Merge neighbours so a big L1 becomes a few large writes.
      if (prev && prev.offset + prev.data.length === offset && prev.data.length < 1 << 22) {
        const merged = new Uint8Array(prev.data.length + data.length);
        merged.set(prev.data);
        merged.set(data, prev.data.length);
        prev.data = merged;
      } else out.push({ offset, data });
    }
    return out;
  }
}

/** The qcow2 image qemu-img 7.2 creates for these parameters (preallocation=off). */
export function layoutNewQcow2(p: Qcow2CreateParams): Qcow2CreateLayout {
  const sim = new CreateSim(p.clusterBits, p.refcountOrder);
  const cs = sim.cs;
  const header: QcowHeader = {
    version: p.version,
    backingFileOffset: 0,
    backingFileSize: 0,
    clusterBits: p.clusterBits,
    size: 0,
    cryptMethod: 0,
    l1Size: 0,
    l1TableOffset: 0,
    refcountTableOffset: cs,
    refcountTableClusters: 1,
    nbSnapshots: 0,
    snapshotsOffset: 0,
    incompatibleFeatures: (p.extendedL2 ? INCOMPAT_EXTL2 : 0) | (p.compressionType ? INCOMPAT_COMPRESSION : 0) | (p.dataFile !== undefined ? INCOMPAT_DATA_FILE : 0),
    compatibleFeatures: p.lazyRefcounts ? COMPAT_LAZY_REFCOUNTS : 0,
    autoclearFeatures: p.dataFileRaw ? AUTOCLEAR_DATA_FILE_RAW : 0,
    refcountOrder: p.refcountOrder,
    headerLength: V3_HEADER_LENGTH,
    compressionType: p.compressionType,
  };
  // The bare header, then the refcount table (entry 0 -> cluster 2) and an empty refblock.
  sim.writeZeroes(0, cs);
  const table = new Uint8Array(2 * cs);
  putBe64(table, 0, 2 * cs);
  sim.write(cs, table);
  sim.reftable[0] = 2 * cs;
  sim.allocClusters(3 * cs);

  // Truncate to the size: grow the L1 table from nothing to its exact size.
  // Extended L2 entries are 16 bytes, so an L2 table maps half as much.
  const l1Size = p.extendedL2 ? Math.ceil(p.size / 2 ** (2 * p.clusterBits - 4)) : sizeToL1(p.size, p.clusterBits);
  if (l1Size > 0) {
    if (l1Size > QCOW_MAX_L1_SIZE / 8) throw new Qcow2TooLargeError('L1 table too large');
    const l1Offset = sim.allocClusters(l1Size * 8);
    sim.writeZeroes(l1Offset, l1Size * 8);
    // QEMU writes the table (zeroes) with bdrv_pwrite: real bytes, and the file ends there.
    sim.write(l1Offset, new Uint8Array(l1Size * 8));
    header.l1Size = l1Size;
    header.l1TableOffset = l1Offset;
    if (p.preallocateDataFile) mapDataFile(sim, p, l1Offset, l1Size);
  }
  header.size = p.size;
  header.refcountTableOffset = sim.reftableOffset;
  header.refcountTableClusters = (sim.reftable.length * 8) / cs;

  const headerCluster = buildHeaderCluster(header, cs, {
    backingFile: p.backingFile,
    backingFormat: p.backingFile ? p.backingFormat : undefined,
    dataFile: p.dataFile || undefined,
  });
  if (!headerCluster) throw new Qcow2TooLargeError('header does not fit in one cluster');
  sim.write(0, headerCluster);
  const layout: Qcow2CreateLayout = { writes: sim.toWrites(), length: sim.length, header };
  if (p.dataFile !== undefined) layout.dataFileLength = dataFileLength(p);
  return layout;
}
