// The qcow2 table math: entry bits, compressed descriptors, refcount widths, metadata sizing.
import { describe, expect, it } from 'vitest';
import {
  buildHeaderCluster,
  clusterType,
  compressedEntry,
  compressedLayout,
  entryOffset,
  getRefcount,
  HI_COMPRESSED,
  HI_COPIED,
  parseCompressed,
  parseHeader,
  refcountMax,
  refcountMetadataSize,
  setRefcount,
  sizeToL1,
  type QcowHeader,
} from '../../../../src/block/drivers/qcow2/format';

describe('L1/L2 entries', () => {
  it('takes the host offset from bits 9..55 and ignores the flags', () => {
    // 0x8000_1234_5678_9a00 with COPIED: offset 0x1234_5678_9a00.
    expect(entryOffset(0x80001234, 0x56789a00)).toBe(0x123456789a00);
    expect(entryOffset(0x00ffffff, 0xfffffe00)).toBe(2 ** 56 - 512);
    expect(entryOffset(0, 0x1ff)).toBe(0);
  });

  it('classifies entries as qcow2_get_cluster_type does', () => {
    expect(clusterType(0, 0)).toBe('unallocated');
    expect(clusterType(0, 1)).toBe('zero-plain');
    expect(clusterType(HI_COPIED, 0x10001)).toBe('zero-alloc');
    expect(clusterType(HI_COPIED, 0x10000)).toBe('normal');
    expect(clusterType(HI_COMPRESSED, 0x10000)).toBe('compressed');
    // COPIED alone does not allocate anything.
    expect(clusterType(HI_COPIED, 0)).toBe('unallocated');
  });
});

describe('compressed cluster descriptors', () => {
  for (const bits of [9, 12, 16, 21]) {
    it(`round-trip offset and sector count with ${2 ** bits}-byte clusters`, () => {
      const layout = compressedLayout(bits);
      expect(layout.shift).toBe(62 - (bits - 8));
      const offset = 0x3_0000_0000 + 1234;
      const sectors = Math.min(3, layout.sizeMask);
      const [hi, lo] = compressedEntry(offset, sectors, layout);
      expect(hi & HI_COMPRESSED).toBe(HI_COMPRESSED);
      const c = parseCompressed(hi, lo, layout);
      expect(c.offset).toBe(offset);
      // Sectors counted from the sector the data starts in, minus the part before it.
      expect(c.size).toBe((sectors + 1) * 512 - (offset % 512));
    });
  }

  it('masks the sector count to its field', () => {
    const layout = compressedLayout(16);
    const [hi, lo] = compressedEntry(512, layout.sizeMask, layout);
    expect(parseCompressed(hi, lo, layout).size).toBe((layout.sizeMask + 1) * 512);
  });
});

describe('refcount blocks of every width', () => {
  for (let order = 0; order <= 6; order++) {
    it(`stores ${1 << order}-bit refcounts without touching neighbours`, () => {
      const block = new Uint8Array(512);
      const max = refcountMax(order);
      const entries = (512 * 8) >> order;
      for (let i = 0; i < entries; i += 3) setRefcount(block, i, order, i % 2 ? max : 1);
      for (let i = 0; i < entries; i++) {
        const want = i % 3 ? 0 : i % 2 ? max : 1;
        expect(getRefcount(block, i, order)).toBe(want);
      }
    });
  }

  it('uses QEMU bit order within a byte (entry 0 in the low bits)', () => {
    const block = new Uint8Array(1);
    setRefcount(block, 0, 1, 3);
    expect(block[0]).toBe(0b11);
    setRefcount(block, 3, 1, 1);
    expect(block[0]).toBe(0b01000011);
  });
});

describe('metadata sizing', () => {
  it('sizes the L1 table as size_to_l1', () => {
    expect(sizeToL1(64 * 2 ** 20, 16)).toBe(1);
    expect(sizeToL1(512 * 2 ** 20 + 1, 16)).toBe(2);
    expect(sizeToL1(2 ** 30, 9)).toBe(2 ** 30 / (512 * 64));
  });

  it('finds the fixed point of refcount blocks describing themselves', () => {
    // 64 KiB clusters, 16-bit refcounts: one block covers 32768 clusters.
    expect(refcountMetadataSize(100, 65536, 4, false)).toEqual({ bytes: 2 * 65536, refblocks: 1 });
    const big = refcountMetadataSize(32768, 65536, 4, false);
    expect(big.refblocks).toBe(2);
    // The generous variant leaves room to grow.
    expect(refcountMetadataSize(32768, 65536, 4, true).refblocks).toBeGreaterThanOrEqual(2);
  });
});

describe('header cluster', () => {
  const base: QcowHeader = {
    version: 3, backingFileOffset: 0, backingFileSize: 0, clusterBits: 16, size: 64 * 2 ** 20, cryptMethod: 0,
    l1Size: 1, l1TableOffset: 0x30000, refcountTableOffset: 0x10000, refcountTableClusters: 1, nbSnapshots: 0,
    snapshotsOffset: 0, incompatibleFeatures: 0, compatibleFeatures: 0, autoclearFeatures: 0, refcountOrder: 4,
    headerLength: 112, compressionType: 0,
  };

  it('round-trips the fixed fields and places the backing file name after the extensions', () => {
    const buf = buildHeaderCluster(base, 65536, { backingFile: 'b.raw', backingFormat: 'raw' })!;
    const h = parseHeader(buf);
    expect(h).toMatchObject({ ...base, backingFileOffset: 528, backingFileSize: 5 });
    const name = String.fromCharCode(...buf.subarray(h.backingFileOffset, h.backingFileOffset + 5));
    expect(name).toBe('b.raw');
    // backing format extension first, right after the 112-byte header
    expect([...buf.subarray(112, 116)]).toEqual([0xe2, 0x79, 0x2a, 0xca]);
  });

  it('refuses what does not fit in one cluster', () => {
    expect(buildHeaderCluster({ ...base, clusterBits: 9 }, 512, { backingFile: 'x'.repeat(400) })).toBeNull();
  });
});
