// Persistent dirty bitmaps: the in-memory bitmap (granules, HBitmap's whole words), and the
// qcow2 round trip on an in-memory image: a bitmap stored at close comes back with the same
// bits, in_use on a read-write open, untouched by a read-only one, and `img check` counts its
// clusters (no leaks).
import { describe, expect, it } from 'vitest';
import { DirtyBitmap } from '../../../../src/block/dirty-bitmap';
import { parseBitmapsExt, tableEntryValid } from '../../../../src/block/drivers/qcow2/bitmaps';
import { checkQcow2Image } from '../../../../src/block/drivers/qcow2/check';
import { layoutNewQcow2 } from '../../../../src/block/drivers/qcow2/create';
import { QemuError } from '../../../../src/block/errors';
import { openBlockBackend } from '../../../../src/block/open';
import { MemoryHost } from '../memory-host';

const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const be64 = (b: Uint8Array, o: number) => be32(b, o) * 2 ** 32 + be32(b, o + 4);

function freshImage(size: number, clusterBits: number): MemoryHost {
  const lay = layoutNewQcow2({ size, clusterBits, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  const host = new MemoryHost();
  host.addFile('t.qcow2', img);
  return host;
}

/** An independent reading of the spec's layout: directory entries and each bitmap's bits. */
function readBitmaps(file: Uint8Array): { autoclear: number; bitmaps: Array<{ name: string; flags: number; granularity: number; bits: Uint8Array }> } {
  const cs = 2 ** be32(file, 20);
  let o = be32(file, 100);
  const out = { autoclear: be32(file, 92), bitmaps: [] as Array<{ name: string; flags: number; granularity: number; bits: Uint8Array }> };
  for (;;) {
    const type = be32(file, o);
    const len = be32(file, o + 4);
    if (type === 0) return out;
    if (type === 0x23852875) {
      const nb = be32(file, o + 8);
      let d = be64(file, o + 24);
      for (let i = 0; i < nb; i++) {
        const table = be64(file, d);
        const tableSize = be32(file, d + 8);
        const nameSize = (file[d + 18] << 8) | file[d + 19];
        const bits = new Uint8Array(tableSize * cs);
        for (let t = 0; t < tableSize; t++) {
          const data = be64(file, table + t * 8);
          if (data) bits.set(file.subarray(data, data + cs), t * cs);
        }
        out.bitmaps.push({ name: String.fromCharCode(...file.subarray(d + 24, d + 24 + nameSize)), flags: be32(file, d + 12), granularity: 2 ** file[d + 17], bits });
        d += Math.ceil((24 + nameSize) / 8) * 8;
      }
    }
    o += 8 + Math.ceil(len / 8) * 8;
  }
}

const bitSet = (bits: Uint8Array, i: number) => ((bits[i >>> 3] >>> (i & 7)) & 1) === 1;

describe('DirtyBitmap', () => {
  it('marks every granule a range touches, clipped to the size', () => {
    const bm = new DirtyBitmap('b', 65536, 10 * 65536);
    bm.setDirty(65535, 2);
    bm.setDirty(9 * 65536 + 1, 1 << 20);
    expect([...Array(10).keys()].filter((i) => bm.get(i))).toEqual([0, 1, 9]);
    expect(bm.bits.length).toBe(8);
    expect(bm.anySet(2, 9)).toBe(false);
  });

  it('truncate clears bits past a shrunk end but keeps the rest of the last word, as hbitmap_truncate', () => {
    const bm = new DirtyBitmap('b', 512, 512 * 100);
    bm.bits.fill(0xff);
    bm.truncate(512 * 70);
    expect(bm.bits.length).toBe(16);
    expect(bm.get(69)).toBe(true);
    expect(bm.anySet(70, 100)).toBe(false);
    // Bits 100..127 of the old last word were past the end: they stay, and a growth exposes them.
    bm.truncate(512 * 200);
    expect(bm.get(100)).toBe(true);
    expect(bm.anySet(128, 200)).toBe(false);
  });
});

describe('qcow2 bitmap extension and table entries', () => {
  it('rejects what qcow2_read_extensions rejects', () => {
    const ext = new Uint8Array(24);
    expect(() => parseBitmapsExt(ext, 65536)).toThrow(new QemuError('found bitmaps extension with zero bitmaps'));
    ext[3] = 1;
    ext[23] = 0x10;
    expect(() => parseBitmapsExt(ext, 65536)).toThrow('bitmaps_ext: invalid bitmap directory offset');
    ext[7] = 1;
    expect(() => parseBitmapsExt(ext, 65536)).toThrow('bitmaps_ext: Reserved field is not zero');
  });

  it('checks table entries as check_table_entry', () => {
    expect(tableEntryValid(0, 1, 65536)).toBe(true); // all ones, unallocated
    expect(tableEntryValid(0, 0x10001, 65536)).toBe(false); // data cluster with bit 0
    expect(tableEntryValid(0, 0x18000, 65536)).toBe(false); // unaligned
    expect(tableEntryValid(0x01000000, 0, 65536)).toBe(false); // reserved high bits
  });
});

describe('qcow2 persistent bitmaps round trip', () => {
  it('stores a bitmap at close, loads it again with the same bits, in_use while open read-write', async () => {
    // 512-byte clusters and granularity: one bitmap cluster covers 2 MiB, so 5 MiB needs 3.
    const host = freshImage(5 << 20, 9);
    let blk = await openBlockBackend(host, { filename: 't.qcow2', format: 'qcow2' }, { warn: () => {} });
    blk.root.dirtyBitmaps.push(new DirtyBitmap('fine', 512, 5 << 20, true, true), new DirtyBitmap('off', 65536, 5 << 20, false, true));
    await blk.pwrite(1000, 100, new Uint8Array(100).fill(1), 0);
    await blk.pwriteZeroes((4 << 20) + 512, 1024, 0);
    await blk.close();

    let file = host.files.get('t.qcow2')!;
    let seen = readBitmaps(file);
    expect(seen.autoclear & 1).toBe(1);
    expect(seen.bitmaps.map((b) => [b.name, b.flags, b.granularity])).toEqual([
      ['fine', 2, 512],
      ['off', 0, 65536],
    ]);
    const fine = seen.bitmaps[0].bits;
    const set = [...Array(10240).keys()].filter((i) => bitSet(fine, i));
    expect(set).toEqual([1, 2, 8193, 8194]);
    expect(seen.bitmaps[1].bits.every((b) => b === 0)).toBe(true);

    const check = await checkQcow2Image(async (o, n) => file.slice(o, o + n), file.length);
    expect([check.leaks, check.corruptions]).toEqual([0, 0]);

    // Read-only: nothing changes on disk, and the bits are there.
    const before = file.slice();
    blk = await openBlockBackend(host, { filename: 't.qcow2', format: 'qcow2', readOnly: true }, { warn: () => {} });
    expect(blk.root.dirtyBitmaps.map((b) => [b.name, b.enabled, b.readonly, b.get(1), b.get(3)])).toEqual([
      ['fine', true, true, true, false],
      ['off', false, true, false, false],
    ]);
    await blk.close();
    expect(host.files.get('t.qcow2')).toEqual(before);

    // Read-write: in_use on disk at once; a write goes into the enabled bitmap only.
    blk = await openBlockBackend(host, { filename: 't.qcow2', format: 'qcow2' }, { warn: () => {} });
    expect(readBitmaps(host.files.get('t.qcow2')!).bitmaps.map((b) => b.flags)).toEqual([3, 1]);
    await blk.pwrite(3 << 20, 512, new Uint8Array(512), 0);
    await blk.close();
    file = host.files.get('t.qcow2')!;
    seen = readBitmaps(file);
    expect(seen.bitmaps.map((b) => b.flags)).toEqual([2, 0]);
    expect([...Array(10240).keys()].filter((i) => bitSet(seen.bitmaps[0].bits, i))).toEqual([1, 2, 6144, 8193, 8194]);
    const again = await checkQcow2Image(async (o, n) => file.slice(o, o + n), file.length);
    expect([again.leaks, again.corruptions]).toEqual([0, 0]);
  });
});
