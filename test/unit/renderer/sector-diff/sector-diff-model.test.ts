import { describe, expect, it } from 'vitest';
import type { SessionSnapshot, VerifyMismatchDto } from '../../../../src/api';
import {
  BLOCK_BYTES,
  BlockCache,
  MAX_SCROLL_PX,
  ScrollModel,
  asciiChar,
  blocksFor,
  choosePair,
  comparableMask,
  errnoName,
  unreadableRow,
  diffEntry,
  diffMask,
  formatOffset,
  formatRow,
  formatSize,
  hexDump,
  listNodes,
  mergeRanges,
  offsetDigits,
  pairLength,
  parseGoTo,
  sortEntries,
  stepMismatch,
  verifyEntry,
} from '../../../../renderer/src/sector-diff/sector-diff-model';

const GiB = 1024 ** 3;

describe('hex rows', () => {
  it('formats offsets, bytes and ASCII', () => {
    expect(formatOffset(0x1000)).toBe('00001000');
    expect(formatOffset(0x123456789, offsetDigits(8 * GiB))).toBe('123456789');
    expect(offsetDigits(1024)).toBe(8);
    expect(offsetDigits(4 * GiB)).toBe(8);
    expect(offsetDigits(4 * GiB + 1)).toBe(9);
    expect(asciiChar(0x41)).toBe('A');
    expect(asciiChar(0x7f)).toBe('.');
    expect(asciiChar(0x1f)).toBe('.');
    expect(asciiChar(0x20)).toBe(' ');
    const bytes = Uint8Array.from([0x00, 0x41, 0xff, 0x7e, ...new Array<number>(16).fill(0x62)]);
    const row = formatRow(bytes, 0, 0x200);
    expect(row.offset).toBe(0x200);
    expect(row.hex).toHaveLength(16);
    expect(row.hex.slice(0, 4)).toEqual(['00', '41', 'ff', '7e']);
    expect(row.ascii).toBe('.A.~bbbbbbbbbbbb');
  });

  it('cuts the last row short', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(formatRow(bytes, 2, 2).hex).toEqual(['03', '04', '05']);
    expect(formatRow(bytes, 0, 0, 2).hex).toEqual(['01', '02']);
  });

  it('marks the differing bytes of a row on both sides', () => {
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    b[17] = 1;
    b[31] = 9;
    expect(diffMask(a, b, 0)).toEqual(new Array(16).fill(false));
    const mask = diffMask(a, b, 16);
    expect(mask.map((m, i) => (m ? i : -1)).filter((i) => i >= 0)).toEqual([1, 15]);
    expect(diffMask(a, b, 30, 16)).toEqual([false, true]);
  });

  it('dumps bytes as xxd-like lines', () => {
    const bytes = new Uint8Array(20).fill(0x5a);
    expect(hexDump(bytes, 0x1000)).toBe(['00001000: 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ', '00001010: 5a 5a 5a 5a                                      ZZZZ'].join('\n'));
  });

  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1024)).toBe('1 KiB');
    expect(formatSize(4 * GiB)).toBe('4 GiB');
    expect(formatSize(1536)).toBe('1.5 KiB');
  });
});

describe('parseGoTo', () => {
  const len = 4 * GiB;
  it('reads a bare number as a sector', () => {
    expect(parseGoTo('8', len)).toEqual({ ok: true, offset: 4096, sector: 8 });
    expect(parseGoTo(' 0 ', len)).toEqual({ ok: true, offset: 0, sector: 0 });
    expect(parseGoTo('8_388_607', len)).toEqual({ ok: true, offset: len - 512, sector: 8388607 });
  });

  it('reads hex and unit-suffixed numbers as byte offsets', () => {
    expect(parseGoTo('0x1000', len)).toEqual({ ok: true, offset: 4096, sector: 8 });
    expect(parseGoTo('0X1A01', len)).toEqual({ ok: true, offset: 0x1a01, sector: 13 });
    expect(parseGoTo('4096b', len)).toEqual({ ok: true, offset: 4096, sector: 8 });
    expect(parseGoTo('4097B', len)).toEqual({ ok: true, offset: 4097, sector: 8 });
    expect(parseGoTo('4k', len)).toMatchObject({ ok: true, offset: 4096 });
    expect(parseGoTo('4KiB', len)).toMatchObject({ ok: true, offset: 4096 });
    expect(parseGoTo('1M', len)).toMatchObject({ ok: true, offset: 1024 * 1024 });
    expect(parseGoTo('1.5m', len)).toMatchObject({ ok: true, offset: 1.5 * 1024 * 1024 });
    expect(parseGoTo('3G', len)).toMatchObject({ ok: true, offset: 3 * GiB });
  });

  it('refuses nonsense, fractions of a byte and offsets past the end', () => {
    for (const t of ['', '  ', 'abc', '0x', '-1', '1.5', '4q', '0x1g', '1e3']) expect(parseGoTo(t, len).ok).toBe(false);
    expect(parseGoTo('1.5b', len)).toEqual({ ok: false, error: 'A byte offset is a whole number.' });
    expect(parseGoTo('8388608', len)).toEqual({ ok: false, error: 'Past the end of the image (8388608 sectors, 4 GiB).' });
    expect(parseGoTo('4G', len).ok).toBe(false);
    expect(parseGoTo('0xffffffffffffffffff', len)).toEqual({ ok: false, error: 'That offset is too large.' });
    const bad = parseGoTo('zz', len);
    expect(!bad.ok && bad.error).toContain('Not a sector or offset: "zz"');
  });
});

describe('ScrollModel', () => {
  it('maps pixels 1:1 for small images', () => {
    const m = new ScrollModel(1000, 18, 360);
    expect(m.scaled).toBe(false);
    expect(m.scrollHeight).toBe(18_000);
    expect(m.visibleRows).toBe(20);
    expect(m.maxTopRow).toBe(980);
    expect(m.rowAt(0)).toBe(0);
    expect(m.rowAt(18 * 10 + 5)).toBe(10);
    expect(m.rowAt(m.maxScroll)).toBe(980);
    expect(m.scrollFor(10)).toBe(180);
    expect(m.scrollFor(5000)).toBe(980 * 18);
    expect(m.scrollFor(-3)).toBe(0);
  });

  it('keeps a short image at the top', () => {
    const m = new ScrollModel(5, 18, 360);
    expect(m.scrollHeight).toBe(360);
    expect(m.maxTopRow).toBe(0);
    expect(m.rowAt(100)).toBe(0);
    expect(m.scrollFor(3)).toBe(0);
  });

  it('scales a 4 GiB image into a bounded scroll height and round-trips rows', () => {
    const rows = (4 * GiB) / 16;
    const m = new ScrollModel(rows, 18, 396);
    expect(m.scaled).toBe(true);
    expect(m.scrollHeight).toBe(MAX_SCROLL_PX);
    expect(m.rowAt(0)).toBe(0);
    expect(m.rowAt(m.maxScroll)).toBe(rows - 22);
    expect(m.rowAt(m.maxScroll * 10)).toBe(rows - 22);
    for (const row of [0, 1, 12345, rows / 2, rows - 23, rows - 22]) {
      const st = m.scrollFor(row);
      expect(st).toBeGreaterThanOrEqual(0);
      expect(st).toBeLessThanOrEqual(m.maxScroll);
      expect(m.rowAt(st)).toBe(row);
    }
    // Monotonic.
    expect(m.rowAt(1000)).toBeLessThan(m.rowAt(1001) + 1);
    expect(m.rowAt(m.maxScroll / 2)).toBe(Math.round((rows - 22) / 2));
  });

  it('puts a jump target a third of the way down', () => {
    const m = new ScrollModel(1000, 18, 360);
    expect(m.topFor(100)).toBe(94);
    expect(m.topFor(2)).toBe(0);
    expect(m.topFor(999)).toBe(980);
  });
});

const mismatch = (over: Partial<VerifyMismatchDto>): VerifyMismatchDto => ({
  node: 'v',
  id: 1,
  kind: 'contents',
  op: 'read',
  offset: 0,
  bytes: 65536,
  firstMismatch: 0x1002,
  testErrno: 0,
  rawErrno: 0,
  message: 'blkverify: read offset=0 bytes=65536 contents mismatch at offset 4098',
  sectors: [
    { offset: 0x1000, bytes: 512 },
    { offset: 0x3200, bytes: 512 },
  ],
  window: null,
  ...over,
});

describe('mismatch entries and navigation', () => {
  it('turns a blkverify mismatch into its differing span', () => {
    const e = verifyEntry(mismatch({}));
    expect(e).toMatchObject({ key: 'v:v:1', source: 'blkverify', offset: 0x1000, bytes: 0x2400 });
    expect(e.label).toBe('#1 read 0x1000 +9 KiB · sectors 8–25');
    expect(e.detail).toContain('contents differ');
    const rv = verifyEntry(mismatch({ id: 2, kind: 'return-value', sectors: [], firstMismatch: null, offset: 8192, bytes: 512, testErrno: 5 }));
    expect(rv).toMatchObject({ offset: 8192, bytes: 512 });
    expect(rv.label).toBe('#2 read 0x2000 +512 B · sector 16 · test EIO');
    expect(rv.detail).toContain('return value (test EIO, raw ok)');
    const noSectors = verifyEntry(mismatch({ id: 3, sectors: [], firstMismatch: 0x1203 }));
    expect(noSectors).toMatchObject({ offset: 0x1200, bytes: 512 });
    expect(diffEntry({ offset: 0x20000, bytes: 1024 }).label).toBe('diff 0x20000 +1 KiB · sectors 256–257');
  });

  it('merges touching and overlapping ranges in order', () => {
    expect(
      mergeRanges([
        { offset: 4096, bytes: 512 },
        { offset: 0, bytes: 512 },
        { offset: 512, bytes: 512 },
        { offset: 4200, bytes: 1000 },
        { offset: 9000, bytes: 10 },
      ]),
    ).toEqual([
      { offset: 0, bytes: 1024 },
      { offset: 4096, bytes: 1104 },
      { offset: 9000, bytes: 10 },
    ]);
  });

  it('orders by offset, blkverify first on a tie', () => {
    const list = sortEntries([diffEntry({ offset: 0x1000, bytes: 512 }), diffEntry({ offset: 0, bytes: 512 }), verifyEntry(mismatch({})), verifyEntry(mismatch({ id: 2, sectors: [{ offset: 0x800, bytes: 512 }] }))]);
    expect(list.map((e) => e.key)).toEqual(['d:0', 'v:v:2', 'v:v:1', 'd:4096']);
  });

  it('steps from the selection, else from the cursor, and stops at the ends', () => {
    const list = sortEntries([diffEntry({ offset: 0, bytes: 512 }), diffEntry({ offset: 4096, bytes: 512 }), diffEntry({ offset: 8192, bytes: 512 })]);
    expect(stepMismatch([], null, 0, 1)).toBeNull();
    expect(stepMismatch(list, null, 0, 1)).toBe(0);
    expect(stepMismatch(list, null, 100, 1)).toBe(1);
    expect(stepMismatch(list, null, 9000, 1)).toBeNull();
    expect(stepMismatch(list, null, 0, -1)).toBeNull();
    expect(stepMismatch(list, null, 5000, -1)).toBe(1);
    expect(stepMismatch(list, 'd:0', 6000, 1)).toBe(1);
    expect(stepMismatch(list, 'd:4096', 0, 1)).toBe(2);
    expect(stepMismatch(list, 'd:8192', 0, 1)).toBeNull();
    expect(stepMismatch(list, 'd:4096', 0, -1)).toBe(0);
    expect(stepMismatch(list, 'd:0', 0, -1)).toBeNull();
    // A selection that left the list falls back to the cursor.
    expect(stepMismatch(list, 'gone', 4096, 1)).toBe(1);
  });
});

describe('BlockCache', () => {
  it('keeps at most capacity entries, dropping the least recently used', () => {
    const c = new BlockCache<number>(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect(c.get('a')).toBe(1);
    c.set('d', 4);
    expect(c.size).toBe(3);
    expect(c.has('b')).toBe(false);
    expect([c.has('a'), c.has('c'), c.has('d')]).toEqual([true, true, true]);
    // peek does not refresh.
    expect(c.peek('c')).toBe(3);
    c.set('e', 5);
    expect(c.has('c')).toBe(false);
    c.set('a', 10);
    expect(c.get('a')).toBe(10);
    expect(c.size).toBe(3);
  });

  it('deletes by predicate and clears', () => {
    const c = new BlockCache<number>(10);
    for (let i = 0; i < 6; i++) c.set(`k#${i}`, i);
    expect(c.deleteWhere((k) => Number(k.split('#')[1]) % 2 === 0)).toBe(3);
    expect(c.size).toBe(3);
    c.delete('k#1');
    expect(c.has('k#1')).toBe(false);
    c.clear();
    expect(c.size).toBe(0);
  });

  it('lists the aligned blocks a view needs, within the image', () => {
    expect(blocksFor(0, 352, 1024 * 1024)).toEqual([0]);
    expect(blocksFor(BLOCK_BYTES - 16, 352, 1024 * 1024)).toEqual([0, 1]);
    expect(blocksFor(4 * GiB - 352, 352, 4 * GiB)).toEqual([4 * GiB / BLOCK_BYTES - 1]);
    expect(blocksFor(100, 0, 1000)).toEqual([]);
    expect(blocksFor(2000, 10, 1000)).toEqual([]);
    expect(blocksFor(0, 10_000, 3000, 1024)).toEqual([0, 1, 2]);
  });
});

describe('nodes and pairs', () => {
  const snapshot: SessionSnapshot = {
    at: 0,
    image: {
      format: 'raw',
      protocol: null,
      readOnly: false,
      root: {
        name: 'top',
        driver: 'raw',
        filename: 'x',
        readOnly: false,
        length: 2048,
        options: {},
        children: [
          {
            name: 'file',
            role: 'file',
            node: {
              name: 'v',
              driver: 'blkverify',
              filename: 'x',
              readOnly: false,
              length: 2048,
              options: {},
              children: [
                { name: 'raw', role: 'file', node: { name: 'r', driver: 'file', filename: 'r', readOnly: false, length: 2048, options: {}, children: [] } },
                { name: 'test', role: 'file', node: { name: 't', driver: 'file', filename: 't', readOnly: false, length: 4096, options: {}, children: [] } },
              ],
            },
          },
        ],
      },
    },
    blkdebug: [],
    blkverify: [{ node: 'v', mode: 'record', raw: 'r', test: 't', mismatches: 0 }],
    workspace: null,
    inFlight: [],
  };

  it('lists every node once, top first', () => {
    expect(listNodes(null)).toEqual([]);
    expect(listNodes(snapshot).map((n) => n.name)).toEqual(['top', 'v', 'r', 't']);
  });

  it('defaults to the blkverify pair, or two picked nodes', () => {
    const nodes = listNodes(snapshot);
    const def = choosePair(snapshot, '', '');
    expect(def).toEqual({ kind: 'blkverify', node: 'v', a: 'r', b: 't' });
    expect(pairLength(nodes, def)).toBe(4096);
    expect(choosePair(snapshot, 'top', 'r')).toEqual({ kind: 'nodes', a: 'top', b: 'r' });
    expect(choosePair({ ...snapshot, blkverify: [] }, 'top', '')).toBeNull();
    expect(choosePair(null, '', '')).toBeNull();
    expect(pairLength(nodes, null)).toBe(0);
  });
});

describe('unreadable sides', () => {
  it('names errnos and shows unknown bytes as ?? that never count as differing', () => {
    expect(errnoName(5)).toBe('EIO');
    expect(errnoName(28)).toBe('ENOSPC');
    expect(errnoName(9999)).toBe('errno 9999');
    expect(unreadableRow(16, 4)).toEqual({ offset: 16, hex: ['??', '??', '??', '??'], ascii: '????' });
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16);
    expect(comparableMask(a, b, 0, 0, 0).every(Boolean)).toBe(true);
    expect(comparableMask(a, b, 0, 5, 0).some(Boolean)).toBe(false);
    expect(comparableMask(a, b, 5, 0, 0).some(Boolean)).toBe(false);
  });
});
