// blkverify through the engine: abort mode (QEMU's print-and-exit via the fatal hook), record
// mode (fail with EIO, keep the mismatch with both buffers), and how every request type is
// mirrored (or not) to the raw copy and the test image.
import { describe, expect, it, vi } from 'vitest';
import { findBlkverifyNodes, MismatchLog, type VerifyMismatch } from '../../../../src/block/drivers/blkverify';
import { openBlockBackend } from '../../../../src/block/open';
import type { TraceEvent } from '../../../../src/block/trace';
import { MemoryHost } from '../memory-host';

const SIZE = 65536;

function seq(size = SIZE): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = i & 0xff;
  return b;
}

interface OpenOpts {
  mode?: string;
  fatal?: (text: string) => never;
  raw?: Uint8Array;
  test?: Uint8Array;
}

async function open(o: OpenOpts = {}) {
  const host = new MemoryHost();
  host.addFile('base.raw', o.raw ?? seq());
  host.addFile('t.raw', o.test ?? seq());
  const warnings: string[] = [];
  const blk = await openBlockBackend(
    host,
    { filename: 'blkverify:base.raw:t.raw', format: 'raw', ...(o.mode ? { options: { 'file.mode': o.mode } } : {}) },
    { warn: (t) => warnings.push(t), ...(o.fatal ? { fatal: o.fatal } : {}) },
  );
  const [bv] = findBlkverifyNodes(blk.root);
  const file = (name: string) => host.files.get(name) as Uint8Array;
  return { host, blk, bv, warnings, file };
}

/** A copy of `data` with the given bytes changed. */
function plant(data: Uint8Array, changes: Record<number, number>): Uint8Array {
  const out = data.slice();
  for (const [at, v] of Object.entries(changes)) out[Number(at)] = v;
  return out;
}

/** The test side as raw over blkdebug (by json:), failing `event` requests with errno. */
async function openWithBlkdebug(side: 'raw' | 'test', event: string, errno: number, mode = 'record', once = false) {
  const host = new MemoryHost();
  host.addFile('base.raw', seq());
  host.addFile('t.raw', seq());
  host.addFile('c.conf', new TextEncoder().encode(`[inject-error]\nevent = "${event}"\nerrno = "${errno}"\n${once ? 'once = "on"\n' : ''}`));
  const debugged = { driver: 'raw', file: { driver: 'blkdebug', config: 'c.conf', image: { driver: 'file', filename: side === 'raw' ? 'base.raw' : 't.raw' } } };
  const plain = side === 'raw' ? { driver: 'raw', file: { driver: 'file', filename: 't.raw' } } : { driver: 'file', filename: 'base.raw' };
  const children = side === 'raw' ? { raw: debugged, test: plain } : { raw: plain, test: debugged };
  const spec = { driver: 'raw', file: { driver: 'blkverify', mode, ...children } };
  const blk = await openBlockBackend(host, { filename: `json:${JSON.stringify(spec)}` }, { warn: () => {} });
  const [bv] = findBlkverifyNodes(blk.root);
  return { host, blk, bv };
}

describe('blkverify record mode', () => {
  it('fails a differing read with EIO and records it with both buffers', async () => {
    const test = plant(seq(), { 5000: 0xee, 5001: 0xee, 6000: 0 });
    const { blk, bv, warnings } = await open({ mode: 'record', test });
    expect(bv.mode).toBe('record');
    const seen: VerifyMismatch[] = [];
    bv.mismatches.subscribe((m) => seen.push(m));
    const buf = new Uint8Array(4096);
    await expect(blk.pread(4096, 4096, buf)).rejects.toMatchObject({ errno: 5 });
    const list = bv.mismatches.list();
    expect(list).toHaveLength(1);
    const m = list[0];
    expect(m).toMatchObject({ id: 1, kind: 'contents', op: 'read', offset: 4096, bytes: 4096, firstMismatch: 5000, testErrno: 0, rawErrno: 0 });
    expect(m.test).toEqual(test.subarray(4096, 8192));
    expect(m.raw).toEqual(seq().subarray(4096, 8192));
    expect(seen).toEqual([m]);
    expect(bv.mismatches.get(1)).toBe(m);
    expect(bv.mismatches.total).toBe(1);
    // QEMU's line goes to stderr (warn) too.
    expect(warnings).toContain('blkverify: read offset=4096 bytes=4096 contents mismatch at offset 5000\n');
  });

  it('keeps copies: later requests do not change the recorded buffers', async () => {
    const test = plant(seq(), { 0: 0xee });
    const { blk, bv } = await open({ mode: 'record', test });
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    const m = bv.mismatches.list()[0];
    const before = { test: m.test?.slice(), raw: m.raw?.slice() };
    await blk.pread(512, 512, new Uint8Array(512));
    await blk.pwrite(0, 512, new Uint8Array(512).fill(7), 0);
    expect(m.test).toEqual(before.test);
    expect(m.raw).toEqual(before.raw);
    expect(m.test?.[0]).toBe(0xee);
    expect(m.raw?.[0]).toBe(0);
  });

  it('reads that match succeed with the test data; later requests keep working; ids increase', async () => {
    const test = plant(seq(), { 100: 0xee, 20000: 0xee });
    const { blk, bv } = await open({ mode: 'record', test });
    const ok = new Uint8Array(512);
    await blk.pread(512, 512, ok);
    expect(ok).toEqual(seq().subarray(512, 1024));
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    await blk.pread(1024, 1024, new Uint8Array(1024));
    await expect(blk.pread(16384, 8192, new Uint8Array(8192))).rejects.toMatchObject({ errno: 5 });
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list().map((m) => [m.id, m.offset, m.firstMismatch])).toEqual([
      [1, 0, 100],
      [2, 16384, 20000],
      [3, 0, 100],
    ]);
    // A write through blkverify heals the difference on both sides.
    await blk.pwrite(0, 512, new Uint8Array(512).fill(3), 0);
    const healed = new Uint8Array(512);
    await blk.pread(0, 512, healed);
    expect(healed).toEqual(new Uint8Array(512).fill(3));
  });

  it('finds the first difference at the first and the last byte, and in unaligned reads', async () => {
    const test = plant(seq(), { 8192: 0xee, 16383: 0, 1000: 0xee });
    const { blk, bv } = await open({ mode: 'record', test });
    await expect(blk.pread(8192, 8192, new Uint8Array(8192))).rejects.toMatchObject({ errno: 5 });
    await expect(blk.pread(8193, 8191, new Uint8Array(8191))).rejects.toMatchObject({ errno: 5 });
    await expect(blk.pread(990, 30, new Uint8Array(30))).rejects.toMatchObject({ errno: 5 });
    await blk.pread(1001, 7191, new Uint8Array(7191));
    expect(bv.mismatches.list().map((m) => [m.offset, m.bytes, m.firstMismatch])).toEqual([
      [8192, 8192, 8192],
      [8193, 8191, 16383],
      [990, 30, 1000],
    ]);
  });

  it('records a read return value mismatch with both errnos (test side fails)', async () => {
    const { blk, bv } = await openWithBlkdebug('test', 'read_aio', 28);
    const seen: VerifyMismatch[] = [];
    bv.mismatches.subscribe((m) => seen.push(m));
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()).toEqual([{ id: 1, kind: 'return-value', op: 'read', offset: 0, bytes: 512, testErrno: 28, rawErrno: 0 }]);
    expect(seen).toHaveLength(1);
  });

  it('records a read return value mismatch with both errnos (raw side fails)', async () => {
    const { blk, bv } = await openWithBlkdebug('raw', 'read_aio', 5);
    await expect(blk.pread(512, 1024, new Uint8Array(1024))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()[0]).toMatchObject({ kind: 'return-value', op: 'read', offset: 512, bytes: 1024, testErrno: 0, rawErrno: 5 });
    expect(bv.mismatches.list()[0].test).toBeUndefined();
  });

  it('records a write return value mismatch; the write fails with EIO', async () => {
    const { blk, bv } = await openWithBlkdebug('test', 'write_aio', 28, 'record', true);
    await expect(blk.pwrite(4096, 4096, new Uint8Array(4096).fill(1), 0)).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()[0]).toMatchObject({ id: 1, kind: 'return-value', op: 'write', offset: 4096, bytes: 4096, testErrno: 28, rawErrno: 0 });
    // Reads still work (and still match: the raw copy took the write, the test image did not).
    await blk.pread(0, 4096, new Uint8Array(4096));
    await expect(blk.pread(4096, 4096, new Uint8Array(4096))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()[1]).toMatchObject({ id: 2, kind: 'contents', firstMismatch: 4096 });
  });

  it('both sides failing alike is no mismatch: the request fails with that errno', async () => {
    const host = new MemoryHost();
    host.addFile('base.raw', seq());
    host.addFile('t.raw', seq());
    host.addFile('c.conf', new TextEncoder().encode('[inject-error]\nevent = "read_aio"\nerrno = "28"\n'));
    const side = (f: string) => ({ driver: 'raw', file: { driver: 'blkdebug', config: 'c.conf', image: { driver: 'file', filename: f } } });
    const spec = { driver: 'raw', file: { driver: 'blkverify', mode: 'record', raw: side('base.raw'), test: side('t.raw') } };
    const blk = await openBlockBackend(host, { filename: `json:${JSON.stringify(spec)}` }, { warn: () => {} });
    const [bv] = findBlkverifyNodes(blk.root);
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 28 });
    expect(bv.mismatches.list()).toHaveLength(0);
  });
});

describe('blkverify abort mode', () => {
  it('without a fatal hook behaves like record mode (the app)', async () => {
    const { blk, bv, warnings } = await open({ test: plant(seq(), { 300: 1 }) });
    expect(bv.mode).toBe('abort');
    await expect(blk.pread(0, 1024, new Uint8Array(1024))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()).toHaveLength(1);
    expect(bv.mismatches.list()[0]).toMatchObject({ kind: 'contents', firstMismatch: 300 });
    expect(warnings).toContain('blkverify: read offset=0 bytes=1024 contents mismatch at offset 300\n');
  });

  it('with a fatal hook calls it with exactly QEMU\'s line and records nothing', async () => {
    const fatal = vi.fn((text: string): never => {
      throw new Error(`fatal: ${text}`);
    });
    const { blk, bv, warnings } = await open({ fatal, test: plant(seq(), { 1000: 0xee }) });
    await blk.pread(0, 512, new Uint8Array(512));
    expect(fatal).not.toHaveBeenCalled();
    // (The hook never returns in the CLI; here its exception reaches the caller as an error.)
    await expect(blk.pread(990, 30, new Uint8Array(30))).rejects.toThrow();
    expect(fatal).toHaveBeenCalledTimes(1);
    expect(fatal).toHaveBeenCalledWith('blkverify: read offset=990 bytes=30 contents mismatch at offset 1000\n');
    expect(bv.mismatches.list()).toHaveLength(0);
    expect(warnings.some((w) => w.startsWith('blkverify:'))).toBe(false);
  });

  it('with a fatal hook: return value mismatch line', async () => {
    const host = new MemoryHost();
    host.addFile('base.raw', seq());
    host.addFile('t.raw', seq());
    host.addFile('c.conf', new TextEncoder().encode('[inject-error]\nevent = "read_aio"\n'));
    const spec = { driver: 'raw', file: { driver: 'blkverify', raw: { driver: 'file', filename: 'base.raw' }, test: { driver: 'raw', file: { driver: 'blkdebug', config: 'c.conf', image: { driver: 'file', filename: 't.raw' } } } } };
    const fatal = vi.fn((text: string): never => {
      throw new Error(text);
    });
    const blk = await openBlockBackend(host, { filename: `json:${JSON.stringify(spec)}` }, { warn: () => {}, fatal });
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toThrow();
    expect(fatal).toHaveBeenCalledWith('blkverify: read offset=0 bytes=512 return value mismatch -5 != 0\n');
  });
});

describe('blkverify request mirroring', () => {
  it('writes go to both children', async () => {
    const { blk, file } = await open({ raw: new Uint8Array(SIZE), test: new Uint8Array(SIZE) });
    await blk.pwrite(1000, 3000, new Uint8Array(3000).fill(0x5a), 0);
    expect(file('base.raw').subarray(1000, 4000)).toEqual(new Uint8Array(3000).fill(0x5a));
    expect(file('t.raw')).toEqual(file('base.raw'));
  });

  it('write-zeroes zeroes both (QEMU asserts there; we mirror it)', async () => {
    const { blk, file } = await open();
    await blk.pwriteZeroes(4096, 8192, 0);
    expect(file('base.raw').subarray(4096, 12288)).toEqual(new Uint8Array(8192));
    expect(file('t.raw')).toEqual(file('base.raw'));
    const back = new Uint8Array(16384);
    await blk.pread(0, 16384, back);
    expect(back.subarray(4096, 12288)).toEqual(new Uint8Array(8192));
    expect(back[4095]).toBe(0xff);
  });

  it('flush reaches only the test child; reads reach both', async () => {
    const { blk, bv } = await open();
    const events: TraceEvent[] = [];
    blk.graph.trace = (e) => events.push(e);
    const testNodes = new Set([bv.test.node.nodeName, ...bv.test.node.children.map((ch) => ch.node.nodeName)]);
    const rawNode = bv.raw.node.nodeName;
    await blk.flush();
    // Flushes show as the flush_to_os / flush_to_disk debug events of the nodes they reach.
    const flushes = events.filter((e) => e.kind === 'debug-event' && e.event.startsWith('flush')).map((e) => e.node);
    expect(flushes.some((n) => testNodes.has(n))).toBe(true);
    expect(flushes).not.toContain(rawNode);
    events.length = 0;
    await blk.pread(0, 512, new Uint8Array(512));
    const reads = events.filter((e) => e.kind === 'request-start' && e.op === 'read').map((e) => (e as { node: string }).node);
    expect(reads).toContain(rawNode);
    expect(reads.some((n) => testNodes.has(n))).toBe(true);
    blk.graph.trace = null;
  });

  it('truncate changes only the raw copy; the length is the test image\'s', async () => {
    const { blk, file } = await open();
    await blk.truncate(32768, false, 'off');
    expect(file('base.raw').length).toBe(32768);
    expect(file('t.raw').length).toBe(SIZE);
    expect(await blk.getLength()).toBe(SIZE);
  });

  it('discard succeeds and changes nothing', async () => {
    const { blk, file } = await open();
    await blk.pdiscard(0, SIZE);
    expect(file('base.raw')).toEqual(seq());
    expect(file('t.raw')).toEqual(seq());
  });

  it('rejects a bad mode value clearly', async () => {
    await expect(open({ mode: 'bogus' })).rejects.toThrow("Parameter 'mode' does not accept value 'bogus' (abort or record)");
  });

  it('rejects a filename without the test part', async () => {
    const host = new MemoryHost();
    host.addFile('base.raw', seq());
    await expect(openBlockBackend(host, { filename: 'blkverify:base.raw', format: 'raw' }, { warn: () => {} })).rejects.toThrow('blkverify requires raw copy and original image path');
  });
});

describe('MismatchLog', () => {
  const rec = (offset: number) => ({ kind: 'contents' as const, op: 'read' as const, offset, bytes: 512, firstMismatch: offset, testErrno: 0, rawErrno: 0 });

  it('keeps at most its limit (oldest go), counts every one, ids keep increasing', () => {
    const log = new MismatchLog(3);
    for (let i = 0; i < 5; i++) log.record(rec(i * 512));
    expect(log.list().map((m) => m.id)).toEqual([3, 4, 5]);
    expect(log.total).toBe(5);
    expect(log.get(1)).toBeUndefined();
    expect(log.get(4)?.offset).toBe(1536);
    log.clear();
    expect(log.list()).toEqual([]);
    expect(log.record(rec(0)).id).toBe(6);
  });

  it('subscribe returns an unsubscribe function', () => {
    const log = new MismatchLog();
    const seen: number[] = [];
    const off = log.subscribe((m) => seen.push(m.id));
    log.record(rec(0));
    off();
    log.record(rec(512));
    expect(seen).toEqual([1]);
  });

  it('the node log keeps at most 1000 by default', async () => {
    const { blk, bv } = await open({ mode: 'record', test: plant(seq(), { 0: 0xee }) });
    for (let i = 0; i < 1005; i++) await expect(blk.pread(0, 1, new Uint8Array(1))).rejects.toMatchObject({ errno: 5 });
    expect(bv.mismatches.list()).toHaveLength(1000);
    expect(bv.mismatches.list()[0].id).toBe(6);
    expect(bv.mismatches.total).toBe(1005);
  });
});
