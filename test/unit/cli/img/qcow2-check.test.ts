// The consistency checker and the create layout on in-memory images (no qemu-img needed).
import { describe, expect, test } from 'vitest';
import { checkQcow2Image, Qcow2OpenError } from '../../../../src/block/drivers/qcow2/check';
import { layoutNewQcow2, type Qcow2CreateParams } from '../../../../src/block/drivers/qcow2/create';
import { be64, compressedEntry, compressedLayout, putBe32, putBe64, setRefcount } from '../../../../src/block/drivers/qcow2/format';
import { printfFixed2, renderHumanCheck, renderJsonCheck } from '../../../../src/cli/img/check';

const C = 65536;

function newImage(p: Partial<Qcow2CreateParams> = {}): Uint8Array {
  const lay = layoutNewQcow2({ size: 64 << 20, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0, ...p });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  return img;
}

/** A file that can grow, with read/write functions for the checker. */
class MemFile {
  constructor(public bytes: Uint8Array) {}
  grow(length: number): void {
    if (length <= this.bytes.length) return;
    const b = new Uint8Array(length);
    b.set(this.bytes);
    this.bytes = b;
  }
  read = async (offset: number, n: number) => this.bytes.slice(offset, offset + n);
  write = async (offset: number, data: Uint8Array) => {
    this.grow(offset + data.length);
    this.bytes.set(data, offset);
  };
  check(opts: { fixLeaks?: boolean; fixErrors?: boolean } = {}) {
    return checkQcow2Image(this.read, this.bytes.length, { ...opts, write: this.write });
  }
}

/**
 * The 64 MiB image of newImage with an L2 table at cluster 4, data clusters 5 and 7 (guest
 * clusters 0 and 1) and a compressed cluster at 0x8f00 (guest cluster 3), spanning host
 * clusters 8 and 9. Refcounts set to match.
 */
function populated(): MemFile {
  const f = new MemFile(newImage());
  f.grow(10 * C + 0x100);
  putBe64(f.bytes, 3 * C, 0x8000000000000000 + 4 * C); // L1[0] -> L2, COPIED
  putBe64(f.bytes, 4 * C, 0x8000000000000000 + 5 * C);
  putBe64(f.bytes, 4 * C + 8, 0x8000000000000000 + 7 * C);
  const [hi, lo] = compressedEntry(8 * C + 0xff00, 1, compressedLayout(16)); // two sectors over a cluster boundary
  f.bytes.set([hi >>> 24, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255], 4 * C + 24);
  const block = f.bytes.subarray(2 * C, 3 * C);
  for (const c of [4, 5, 7, 8, 9]) setRefcount(block, c, 4, 1);
  return f;
}

describe('checkQcow2Image', () => {
  test('a new image is clean and ends after its L1 table', async () => {
    const r = await new MemFile(newImage()).check();
    expect(r).toMatchObject({ corruptions: 0, leaks: 0, checkErrors: 0, allocatedClusters: 0, totalClusters: 1024, imageEndOffset: 4 * C });
    expect(r.messages).toEqual([]);
    expect(renderHumanCheck(r)).toBe('No errors were found on the image.\nImage end offset: 262144\n');
  });

  test('counts data, compressed (every touched cluster) and fragmentation', async () => {
    const r = await populated().check();
    expect(r.messages).toEqual([]);
    expect(r).toMatchObject({ corruptions: 0, leaks: 0, allocatedClusters: 3, fragmentedClusters: 2, compressedClusters: 1, imageEndOffset: 10 * C });
    expect(renderHumanCheck(r)).toBe('No errors were found on the image.\n3/1024 = 0.29% allocated, 66.67% fragmented, 33.33% compressed clusters\nImage end offset: 655360\n');
  });

  test('a refcount too high is a leak; too low is an error (with the COPIED complaint)', async () => {
    const f = populated();
    setRefcount(f.bytes.subarray(2 * C, 3 * C), 7, 4, 3);
    setRefcount(f.bytes.subarray(2 * C, 3 * C), 9, 4, 0);
    const r = await f.check();
    expect(r.mismatches).toEqual([
      { cluster: 7, refcount: 3, reference: 1, kind: 'leak' },
      { cluster: 9, refcount: 0, reference: 1, kind: 'error' },
    ]);
    expect(r.messages).toEqual([
      'Leaked cluster 7 refcount=3 reference=1\n',
      'ERROR cluster 9 refcount=0 reference=1\n',
      'ERROR OFLAG_COPIED data cluster: l2_entry=8000000000070000 refcount=3\n',
    ]);
    expect(r).toMatchObject({ corruptions: 2, leaks: 1 });
    const human = renderHumanCheck(r);
    expect(human).toContain('\n2 errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n');
    expect(human).toContain('\n1 leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n');
    expect(renderJsonCheck(r, 'x.qcow2', 'qcow2')).toContain('"leaks": 1');
  });

  test('an L2 entry pointing into the header counts a second reference to cluster 0', async () => {
    const f = populated();
    // Offset 0 would read as "unallocated", so point at 0x200: unaligned, and in cluster 0.
    putBe32(f.bytes, 4 * C + 16, 0x80000000);
    putBe32(f.bytes, 4 * C + 20, 0x200);
    const r = await f.check();
    expect(r.messages[0]).toBe('ERROR offset=200: Data cluster is not properly aligned; L2 entry corrupted.\n');
    expect(r.mismatches).toContainEqual({ cluster: 0, refcount: 1, reference: 2, kind: 'error' });
  });

  test('an L1 table beyond the end of the file', async () => {
    const f = populated();
    putBe64(f.bytes, 40, 0x1000000);
    const r = await f.check();
    expect(r.messages[0]).toBe('ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x1000000 size 0x8\n');
    expect(r.corruptions).toBeGreaterThan(0);
  });

  test('-r leaks repairs refcounts, discards freed clusters and re-checks', async () => {
    const f = populated();
    setRefcount(f.bytes.subarray(2 * C, 3 * C), 6, 4, 1); // cluster 6 is used by nothing
    f.bytes.fill(0x55, 6 * C, 7 * C);
    const r = await f.check({ fixLeaks: true });
    expect(r).toMatchObject({ leaksFixed: 1, leaks: 0, corruptions: 0 });
    expect(r.messages).toEqual(['Leaked cluster 6 refcount=1 reference=0\n', 'Repairing cluster 6 refcount=1 reference=0\n']);
    expect(f.bytes.subarray(6 * C, 7 * C).every((b) => b === 0)).toBe(true);
    expect((await f.check()).messages).toEqual([]);
  });

  test('-r all raises a refcount that is too low but not zero', async () => {
    const f = populated();
    putBe64(f.bytes, 4 * C + 16, 0x5 * C); // guest cluster 2 shares host cluster 5 (no COPIED)
    putBe64(f.bytes, 4 * C, 5 * C); // ... and cluster 0 loses COPIED too
    const r = await f.check({ fixErrors: true });
    expect(r.corruptionsFixed).toBe(1);
    expect(r.corruptions).toBe(0);
    expect(be64(f.bytes.subarray(2 * C), 10)).toBe(0x0002_0000_0001_0001); // refcounts of clusters 5..8
  });

  test('open errors use QEMU messages', async () => {
    const f = new MemFile(newImage());
    f.bytes[0] = 0;
    await expect(f.check()).rejects.toThrow(new Qcow2OpenError('Image is not in qcow2 format'));
    const g = new MemFile(newImage());
    g.bytes[23] = 8;
    await expect(g.check()).rejects.toThrow('Unsupported cluster size: 2^8');
  });
});

describe('layoutNewQcow2', () => {
  test('the minimal image: header, refcount table, refcount block, L1', () => {
    const lay = layoutNewQcow2({ size: 64 << 20, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
    expect(lay.length).toBe(3 * C + 8);
    expect(lay.header).toMatchObject({ l1Size: 1, l1TableOffset: 3 * C, refcountTableOffset: C, refcountTableClusters: 1 });
  });

  // Bigger images with small clusters grow the refcount table; every layout must check clean.
  test.each([
    [9, 6, 16 << 30],
    [9, 0, 64 << 30],
    [10, 4, 8 << 30],
    [12, 5, 100 << 30],
    [16, 4, 2 ** 50],
  ])('clusterBits=%i refcountOrder=%i size=%i checks clean', async (clusterBits, refcountOrder, size) => {
    const lay = layoutNewQcow2({ size, clusterBits, version: 3, refcountOrder, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
    const img = new Uint8Array(lay.length);
    for (const w of lay.writes) img.set(w.data, w.offset);
    const r = await new MemFile(img).check();
    expect(r.messages).toEqual([]);
    expect(r).toMatchObject({ corruptions: 0, leaks: 0, checkErrors: 0 });
  });
});

describe('printfFixed2', () => {
  test('exact ties round to even like glibc printf("%0.2f"), others to nearest', () => {
    expect(['3.125', '0.625', '1.875', '12.375', '100', '66.6666', '0.005', '2.675'].map((v) => printfFixed2(Number(v)))).toEqual([
      '3.12', '0.62', '1.88', '12.38', '100.00', '66.67', '0.01', '2.67',
    ]);
  });
});
