// What `qemu-img create -o data_file=...` adds to a new image's layout: with preallocation (and
// always with data_file_raw, which forces preallocation=metadata) the truncate to the image size
// maps every cluster 1:1 onto the data file, so each L2 table is allocated in turn through the
// ordinary refcount allocator and filled with identity entries; data clusters take no space in
// the image file. The data file itself ends up holding only zeroes.
import type { CreateSim, Qcow2CreateParams } from './create';
import { HI_COPIED, putBe32 } from './format';

/** preallocate_co with a data file: one L2 table per L1 entry, every guest cluster mapped to itself. */
export function mapDataFile(sim: CreateSim, p: Qcow2CreateParams, l1Offset: number, l1Size: number): void {
  const cs = sim.cs;
  const entryBytes = p.extendedL2 ? 16 : 8;
  const l2Size = cs / entryBytes;
  const clusters = Math.ceil(p.size / cs);
  for (let k = 0; k < l1Size; k++) {
    const l2 = sim.allocClusters(cs);
    const table = new Uint8Array(cs);
    const first = k * l2Size;
    const n = Math.min(l2Size, clusters - first);
    // Extended L2: the subcluster bitmap stays zero (preallocated, nothing written yet).
    for (let i = 0; i < n; i++) putEntry(table, i * entryBytes, (first + i) * cs);
    sim.write(l2, table);
    const entry = new Uint8Array(8);
    putEntry(entry, 0, l2);
    sim.write(l1Offset + k * 8, entry);
  }
}

/** An L1/L2 entry pointing at `offset` with refcount exactly one (COPIED). */
function putEntry(b: Uint8Array, at: number, offset: number): void {
  putBe32(b, at, (HI_COPIED | Math.floor(offset / 2 ** 32)) >>> 0);
  putBe32(b, at + 4, offset >>> 0);
}

/**
 * The data file's length after creation: the image size, or (preallocated) up to the end of the
 * last subcluster, whose tail the copy-on-write of the mapping wrote as zeroes.
 */
export function dataFileLength(p: Qcow2CreateParams): number {
  if (!p.preallocateDataFile) return p.size;
  const sub = 2 ** (p.extendedL2 ? p.clusterBits - 5 : p.clusterBits);
  return Math.ceil(p.size / sub) * sub;
}
