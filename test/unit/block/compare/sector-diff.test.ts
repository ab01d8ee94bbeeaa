// diffChildren and readSectorPair on in-memory raw and qcow2 images (no qemu-img needed).
import { describe, expect, test } from 'vitest';
import { diffChildren, readSectorPair, type DiffChunk, type DiffOptions, type DiffRange } from '../../../../src/block/compare';
import { layoutNewQcow2 } from '../../../../src/block/drivers/qcow2/create';
import { openBlockBackend } from '../../../../src/block/open';
import { MemoryHost } from '../memory-host';

const MiB = 1 << 20;

function qcow2Bytes(size: number): Uint8Array {
  const lay = layoutNewQcow2({ size, clusterBits: 16, version: 3, refcountOrder: 4, lazyRefcounts: false, extendedL2: false, compressionType: 0 });
  const img = new Uint8Array(lay.length);
  for (const w of lay.writes) img.set(w.data, w.offset);
  return img;
}

async function open(host: MemoryHost, filename: string, format: 'raw' | 'qcow2', readOnly = true) {
  return openBlockBackend(host, { filename, format, readOnly }, { warn: () => {} });
}

async function collect(gen: AsyncGenerator<DiffChunk>): Promise<{ chunks: DiffChunk[]; ranges: DiffRange[] }> {
  const chunks: DiffChunk[] = [];
  for await (const c of gen) chunks.push(c);
  return { chunks, ranges: chunks.flatMap((c) => c.ranges) };
}

/** Merge ranges that touch (chunks may split a run of mismatching sectors). */
function merged(ranges: DiffRange[]): DiffRange[] {
  const out: DiffRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last.offset + last.bytes === r.offset) last.bytes += r.bytes;
    else out.push({ ...r });
  }
  return out;
}

async function diffRaw(a: Uint8Array, b: Uint8Array, opts?: DiffOptions) {
  const host = new MemoryHost();
  host.addFile('a.raw', a);
  host.addFile('b.raw', b);
  const ba = await open(host, 'a.raw', 'raw');
  const bb = await open(host, 'b.raw', 'raw');
  return collect(diffChildren(ba.rootChild, bb.rootChild, opts));
}

describe('diffChildren on raw images', () => {
  test('identical images: one final chunk, no ranges', async () => {
    const a = new Uint8Array(MiB).fill(7);
    const { chunks } = await diffRaw(a, a.slice());
    expect(chunks).toEqual([{ ranges: [], done: MiB, total: MiB }]);
  });

  test('first, middle and last sector; adjacent sectors merge; a single byte marks its sector', async () => {
    const a = new Uint8Array(4 * MiB);
    const b = a.slice();
    b[0] = 1;
    b[1000] = 1; // sector 1, adjacent to sector 0
    b[2 * MiB + 5] = 9;
    b[2 * MiB + 512] = 9;
    b[4 * MiB - 1] = 3;
    const { ranges } = await diffRaw(a, b);
    expect(ranges).toEqual([
      { offset: 0, bytes: 1024 },
      { offset: 2 * MiB, bytes: 1024 },
      { offset: 4 * MiB - 512, bytes: 512 },
    ]);
  });

  test('granularity: mismatches widen to 4 KiB blocks', async () => {
    const a = new Uint8Array(MiB);
    const b = a.slice();
    b[5000] = 1;
    b[9000] = 1; // the next 4 KiB block: merged with the first
    b[20000] = 1;
    const { ranges } = await diffRaw(a, b, { granularity: 4096 });
    expect(ranges).toEqual([
      { offset: 4096, bytes: 8192 },
      { offset: 16384, bytes: 4096 },
    ]);
  });

  test('size difference: the longer image against zeroes', async () => {
    const a = new Uint8Array(MiB);
    const b = new Uint8Array(2 * MiB);
    const { chunks } = await diffRaw(a, b);
    expect(chunks.at(-1)).toMatchObject({ done: 2 * MiB, total: 2 * MiB });
    expect(chunks.flatMap((c) => c.ranges)).toEqual([]);
    b[MiB + 700] = 1;
    b[2 * MiB - 1] = 1;
    expect((await diffRaw(a, b)).ranges).toEqual([
      { offset: MiB + 512, bytes: 512 },
      { offset: 2 * MiB - 512, bytes: 512 },
    ]);
    // Either way round.
    expect((await diffRaw(b, a)).ranges).toEqual([
      { offset: MiB + 512, bytes: 512 },
      { offset: 2 * MiB - 512, bytes: 512 },
    ]);
  });

  test('an unaligned image end is compared up to the whole last sector', async () => {
    const a = new Uint8Array(1000);
    const b = new Uint8Array(1000);
    b[999] = 1;
    const { chunks } = await diffRaw(a, b);
    expect(chunks).toEqual([{ ranges: [{ offset: 512, bytes: 512 }], done: 1024, total: 1024 }]);
  });

  test('start/end clip the span and the ranges', async () => {
    const a = new Uint8Array(MiB);
    const b = a.slice();
    for (const at of [100, 4096, 8191, 70000]) b[at] = 1;
    const { chunks } = await diffRaw(a, b, { start: 4096, end: 65536 });
    expect(chunks).toEqual([{ ranges: [{ offset: 4096, bytes: 512 }, { offset: 7680, bytes: 512 }], done: 61440, total: 61440 }]);
  });

  test('chunking: progress is monotonic, reaches total, ranges arrive in order', async () => {
    const size = 16 * MiB;
    const a = new Uint8Array(size);
    const b = a.slice();
    const planted = [0, 3 * MiB + 512, 7 * MiB, 11 * MiB + 4096, size - 512];
    for (const at of planted) b[at] = 0xff;
    const { chunks, ranges } = await diffRaw(a, b, { chunkBytes: 4 * MiB });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    let prev = 0;
    for (const c of chunks) {
      expect(c.total).toBe(size);
      expect(c.done).toBeGreaterThan(prev);
      prev = c.done;
    }
    expect(prev).toBe(size);
    expect(ranges.map((r) => r.offset)).toEqual(planted);
  });

  test('cancellation: an aborted signal ends the stream early without throwing', async () => {
    const size = 32 * MiB;
    const a = new Uint8Array(size);
    const b = a.slice();
    b[size - 1] = 1;
    const ctrl = new AbortController();
    const host = new MemoryHost();
    host.addFile('a.raw', a);
    host.addFile('b.raw', b);
    const ba = await open(host, 'a.raw', 'raw');
    const bb = await open(host, 'b.raw', 'raw');
    const seen: DiffChunk[] = [];
    for await (const c of diffChildren(ba.rootChild, bb.rootChild, { chunkBytes: 2 * MiB, signal: ctrl.signal })) {
      seen.push(c);
      if (seen.length === 2) ctrl.abort();
    }
    expect(seen.length).toBe(2);
    expect(seen[1].done).toBeLessThan(size);
    // Aborted before the start: nothing at all.
    const none: DiffChunk[] = [];
    for await (const c of diffChildren(ba.rootChild, bb.rootChild, { signal: { aborted: true } })) none.push(c);
    expect(none).toEqual([]);
  });
});

describe('diffChildren on qcow2 images', () => {
  async function qcow2Pair(size: number, writeA: (w: Writer) => Promise<void>, writeB: (w: Writer) => Promise<void>, opts?: DiffOptions) {
    const host = new MemoryHost();
    host.addFile('a.qcow2', qcow2Bytes(size));
    host.addFile('b.qcow2', qcow2Bytes(size));
    for (const [name, fill] of [['a.qcow2', writeA], ['b.qcow2', writeB]] as const) {
      const blk = await open(host, name, 'qcow2', false);
      await fill(new Writer(blk));
      await blk.close();
    }
    // Count what the comparison reads from the host files: holes must cost nothing.
    const reads = { bytes: 0 };
    const openFile = host.openFile.bind(host);
    host.openFile = async (path, flags) => {
      const f = await openFile(path, flags);
      const pread = f.pread.bind(f);
      f.pread = (buf, offset) => {
        reads.bytes += buf.length;
        return pread(buf, offset);
      };
      return f;
    };
    const ba = await open(host, 'a.qcow2', 'qcow2');
    const bb = await open(host, 'b.qcow2', 'qcow2');
    const result = await collect(diffChildren(ba.rootChild, bb.rootChild, opts));
    return { ...result, reads };
  }

  class Writer {
    constructor(private readonly blk: Awaited<ReturnType<typeof open>>) {}
    async pattern(offset: number, bytes: number, value: number) {
      await this.blk.pwrite(offset, bytes, new Uint8Array(bytes).fill(value), 0);
    }
    async zeroes(offset: number, bytes: number) {
      await this.blk.pwriteZeroes(offset, bytes, 0);
    }
  }

  test('sparse: two empty 1 GiB images compare without reading data', async () => {
    const { chunks, reads } = await qcow2Pair(1 << 30, async () => {}, async () => {}, { chunkBytes: 256 * MiB });
    expect(chunks.at(-1)).toEqual({ ranges: [], done: 1 << 30, total: 1 << 30 });
    expect(reads.bytes).toBeLessThan(MiB);
  });

  test('only the side with data is read where the other is a hole', async () => {
    const { ranges, reads } = await qcow2Pair(64 * MiB, async (w) => w.pattern(8 * MiB, 4 * MiB, 0), async () => {});
    expect(ranges).toEqual([]);
    expect(reads.bytes).toBeLessThan(5 * MiB);
  });

  test('holes, zero clusters and written zeroes all read as zeroes', async () => {
    const { ranges } = await qcow2Pair(
      8 * MiB,
      async (w) => {
        await w.pattern(MiB, 64 * 1024, 0); // data that is zeroes
        await w.zeroes(2 * MiB, MiB); // zero clusters
      },
      async () => {},
    );
    expect(ranges).toEqual([]);
  });

  test('data against a hole, and data against data, sector-exact', async () => {
    const { ranges } = await qcow2Pair(
      8 * MiB,
      async (w) => {
        await w.pattern(0, 65536, 1);
        await w.pattern(4 * MiB, 65536, 2);
      },
      async (w) => {
        await w.pattern(0, 65536, 1);
        await w.pattern(4 * MiB, 65536, 2);
        await w.pattern(4 * MiB + 1024, 512, 3);
        await w.pattern(7 * MiB, 1024, 5);
      },
    );
    expect(merged(ranges)).toEqual([
      { offset: 4 * MiB + 1024, bytes: 512 },
      { offset: 7 * MiB, bytes: 1024 },
    ]);
  });
});

describe('readSectorPair', () => {
  test('reads both sides; past a shorter side it reads zeroes', async () => {
    const host = new MemoryHost();
    host.addFile('a.raw', new Uint8Array(4096).fill(1));
    host.addFile('b.raw', new Uint8Array(2048).fill(2));
    const ba = await open(host, 'a.raw', 'raw');
    const bb = await open(host, 'b.raw', 'raw');
    const r = await readSectorPair(ba.rootChild, bb.rootChild, 1536, 1024);
    expect(r.aErrno).toBe(0);
    expect(r.bErrno).toBe(0);
    expect([...r.a]).toEqual(new Array(1024).fill(1));
    expect([...r.b]).toEqual([...new Array(512).fill(2), ...new Array(512).fill(0)]);
  });

  test('an error on one side is its errno, not an exception; the image is left alone', async () => {
    const host = new MemoryHost();
    host.addFile('a.raw', new Uint8Array(4096).fill(1));
    // A qcow2 image whose first L1 entry points at an unaligned L2 table: reading it fails.
    const img = qcow2Bytes(MiB);
    const view = new DataView(img.buffer);
    const l1 = Number(view.getBigUint64(40));
    view.setBigUint64(l1, 0x8000000000000201n);
    host.addFile('b.qcow2', img);
    const before = img.slice();
    const ba = await open(host, 'a.raw', 'raw');
    const bb = await open(host, 'b.qcow2', 'qcow2', false);
    const r = await readSectorPair(ba.rootChild, bb.rootChild, 0, 512);
    expect(r.aErrno).toBe(0);
    expect(r.bErrno).toBe(5);
    expect(r.a[0]).toBe(1);
    // An inspection read signals no corruption: the image is not marked corrupt, still readable elsewhere.
    await bb.close();
    expect(host.files.get('b.qcow2')).toEqual(before);
  });

  test('reads are inspection: the rules of blkdebug neither fail nor count them', async () => {
    const host = new MemoryHost();
    host.addFile('a.raw', new Uint8Array(4096).fill(1));
    host.addFile('b.raw', new Uint8Array(4096));
    const ba = await open(host, 'a.raw', 'raw');
    const bb = await openBlockBackend(
      host,
      { filename: 'json:{"driver":"raw","file":{"driver":"blkdebug","inject-error.0.event":"read_aio","inject-error.0.errno":"5","image":{"driver":"file","filename":"b.raw"}}}', readOnly: true },
      { warn: () => {} },
    );
    const r = await readSectorPair(ba.rootChild, bb.rootChild, 0, 512);
    expect(r.aErrno).toBe(0);
    expect(r.bErrno).toBe(0);
    const d = await collect(diffChildren(ba.rootChild, bb.rootChild));
    expect(merged(d.ranges)).toEqual([{ offset: 0, bytes: 4096 }]);
    // A guest read still meets the rule.
    await expect(bb.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
  });
});
