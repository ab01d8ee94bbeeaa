// External data files on in-memory images (no qemu-img needed): the create layout with a data
// file, the header extension, and what the checker makes of data clusters without refcounts.
import { describe, expect, test } from 'vitest';
import { checkQcow2Image, Qcow2OpenError } from '../../../../src/block/drivers/qcow2/check';
import { layoutNewQcow2, type Qcow2CreateParams } from '../../../../src/block/drivers/qcow2/create';
import { dataFileLength } from '../../../../src/block/drivers/qcow2/data-file-layout';
import { dataFileName, findDataFileName } from '../../../../src/block/drivers/qcow2/data-file';
import { be32, be64, INCOMPAT_DATA_FILE, parseHeader, putBe64 } from '../../../../src/block/drivers/qcow2/format';

const C = 65536;
const BASE: Qcow2CreateParams = { size: 1 << 20, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 };

function image(p: Partial<Qcow2CreateParams>): { bytes: Uint8Array; dataFileLength?: number } {
  const lay = layoutNewQcow2({ ...BASE, ...p });
  const bytes = new Uint8Array(lay.length);
  for (const w of lay.writes) bytes.set(w.data, w.offset);
  return { bytes, dataFileLength: lay.dataFileLength };
}

const reader = (bytes: Uint8Array) => async (offset: number, n: number) => {
  const out = new Uint8Array(n);
  out.set(bytes.subarray(offset, offset + n));
  return out;
};

describe('create with a data file', () => {
  test('the header has the feature bit and names the file; the data file has the image size', async () => {
    const { bytes, dataFileLength: len } = image({ dataFile: 't.data' });
    const h = parseHeader(bytes);
    expect(h.incompatibleFeatures & INCOMPAT_DATA_FILE).toBe(INCOMPAT_DATA_FILE);
    // The extension comes first, right after the 112-byte header (before the feature table).
    expect(be32(bytes, 112)).toBe(0x44415441);
    expect(await findDataFileName(reader(bytes), h)).toBe('t.data');
    expect(len).toBe(1 << 20);
    expect(bytes.length).toBe(3 * C + 8);
  });

  test('data_file_raw maps every cluster onto itself in a preallocated L2 table', () => {
    const { bytes, dataFileLength: len } = image({ size: 1000 * 1024, dataFile: 'r.data', dataFileRaw: true, preallocateDataFile: true });
    expect(be32(bytes, 92) & 2).toBe(2);
    expect(be64(bytes, 3 * C)).toBe(2 ** 63 + 4 * C);
    for (let i = 0; i < 16; i++) expect(be64(bytes, 4 * C + i * 8)).toBe(2 ** 63 + i * C);
    expect(be64(bytes, 4 * C + 16 * 8)).toBe(0);
    // The copy-on-write of the last, partial cluster writes zeroes up to its end.
    expect(len).toBe(1 << 20);
  });

  test('the data file length follows the subcluster with extended L2 entries', () => {
    expect(dataFileLength({ ...BASE, size: 3001 * 1024, extendedL2: true, dataFile: 'x', preallocateDataFile: true })).toBe(3002 * 1024);
    expect(dataFileLength({ ...BASE, size: 3001 * 1024, dataFile: 'x' })).toBe(3001 * 1024);
  });

  test('the name in the extension ends at the first NUL', () => {
    expect(dataFileName(new Uint8Array([0x61, 0x2e, 0x64, 0, 0x7a]))).toBe('a.d');
  });
});

describe('check with a data file', () => {
  test('data clusters take no references; offset 0 with COPIED is a data cluster', async () => {
    const { bytes } = image({ size: 1000 * 1024, dataFile: 'r.data', dataFileRaw: true, preallocateDataFile: true });
    const opened: string[] = [];
    const r = await checkQcow2Image(reader(bytes), bytes.length, { openDataFile: (n) => opened.push(n) });
    expect(opened).toEqual(['r.data']);
    expect(r).toMatchObject({ corruptions: 0, leaks: 0, allocatedClusters: 16, fragmentedClusters: 0, imageEndOffset: 5 * C });
  });

  test('a missing COPIED flag on a data cluster is an error (refcount counts as 1)', async () => {
    const { bytes } = image({ dataFile: 'r.data', dataFileRaw: true, preallocateDataFile: true });
    putBe64(bytes, 4 * C + 8, C);
    const r = await checkQcow2Image(reader(bytes), bytes.length);
    expect(r.corruptions).toBe(1);
    expect(r.messages).toEqual(['ERROR OFLAG_COPIED data cluster: l2_entry=10000 refcount=1\n']);
  });

  test('the feature bit without the extension cannot be opened', async () => {
    const { bytes } = image({ dataFile: '' });
    await expect(checkQcow2Image(reader(bytes), bytes.length)).rejects.toThrow(new Qcow2OpenError("'data-file' is required for this image"));
  });
});
