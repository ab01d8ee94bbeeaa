import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../../../src/api';
import { breakpointRows, formatBytes, formatDuration, humanSize, liveParkedMs, parkedRows } from '../../../../renderer/src/suspended/suspended-model';

const snap = (blkdebug: SessionSnapshot['blkdebug']): SessionSnapshot => ({ at: 10_000, image: null, blkdebug, blkverify: [], workspace: null, inFlight: [] });

describe('parkedRows', () => {
  it('is empty without a snapshot or parked requests', () => {
    expect(parkedRows(null)).toEqual([]);
    expect(parkedRows(snap([{ node: 'b', state: 1, rules: [], activeRuleIds: [], suspended: [] }]))).toEqual([]);
  });

  it('merges every node, most recently parked first, with stable distinct keys', () => {
    const s = snap([
      {
        node: 'dbg0',
        state: 1,
        rules: [],
        activeRuleIds: [],
        suspended: [
          { tag: 'B', event: 'write_aio', op: 'write', offset: 4096, bytes: 4096, parkedMs: 100 },
          { tag: 'A', event: 'write_aio', op: 'write', offset: 0, bytes: 4096, parkedMs: 900 },
        ],
      },
      { node: 'dbg1', state: 1, rules: [], activeRuleIds: [], suspended: [{ tag: 'C', event: 'read_aio', op: 'read', offset: 512, bytes: 512, parkedMs: 400 }] },
    ]);
    const rows = parkedRows(s);
    expect(rows.map((r) => [r.node, r.tag, r.op, r.offset, r.bytes, r.event])).toEqual([
      ['dbg0', 'B', 'write', 4096, 4096, 'write_aio'],
      ['dbg1', 'C', 'read', 512, 512, 'read_aio'],
      ['dbg0', 'A', 'write', 0, 4096, 'write_aio'],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    // The same request a snapshot later (aged 500 ms) keeps its key.
    const later = { ...s, at: s.at + 500, blkdebug: [{ ...s.blkdebug[0], suspended: s.blkdebug[0].suspended.map((x) => ({ ...x, parkedMs: x.parkedMs + 500 })) }] };
    expect(parkedRows(later).map((r) => r.key)).toEqual([rows[0].key, rows[2].key]);
  });

  it('keeps two requests with the same tag apart', () => {
    const same = { tag: 'A', event: 'write_aio', op: 'write', offset: 0, bytes: 512, parkedMs: 5 };
    const rows = parkedRows(snap([{ node: 'b', state: 1, rules: [], activeRuleIds: [], suspended: [same, same] }]));
    expect(rows).toHaveLength(2);
    expect(rows[0].key).not.toBe(rows[1].key);
  });
});

describe('breakpointRows', () => {
  const bp = (id: number, event: string, tag: string, hits = 0) => ({ id, kind: 'suspend' as const, event, state: 0, hits, tag, source: { origin: 'breakpoint' } });

  it('lists armed, fired and removed breakpoints in the order set, not the other rules', () => {
    const s = snap([
      {
        node: 'b',
        state: 1,
        rules: [bp(4, 'write_aio', 'C'), { id: 3, kind: 'inject-error', event: 'write_aio', state: 0, hits: 0, errno: 5, source: { origin: 'config', line: 1 } }],
        activeRuleIds: [],
        suspended: [{ tag: 'A', event: 'read_aio', op: 'read', offset: 0, bytes: 512, parkedMs: 5 }],
        spent: [
          { ...bp(1, 'read_aio', 'A', 1), spentBy: 'fired', spentAt: 1 },
          { ...bp(2, 'flush_to_os', 'B'), spentBy: 'removed', spentAt: 2 },
          { id: 5, kind: 'inject-error', event: 'read_aio', state: 0, hits: 1, injected: 1, errno: 5, once: true, source: { origin: 'config', line: 6 }, spentBy: 'once', spentAt: 3 },
        ],
      },
    ]);
    expect(breakpointRows(s).map((r) => [r.node, r.tag, r.event, r.hits, r.state, r.parked])).toEqual([
      ['b', 'A', 'read_aio', 1, 'fired', true],
      ['b', 'B', 'flush_to_os', 0, 'removed', false],
      ['b', 'C', 'write_aio', 0, 'armed', false],
    ]);
    expect(breakpointRows(null)).toEqual([]);
  });

  it('a re-armed breakpoint is one row, armed again, its hits carried on; then fired again', () => {
    const fired = { ...bp(1, 'read_aio', 'A', 1), spentBy: 'fired' as const, spentAt: 1 };
    const rearmed = snap([{ node: 'b', state: 1, rules: [bp(7, 'read_aio', 'A')], activeRuleIds: [], suspended: [], spent: [fired] }]);
    expect(breakpointRows(rearmed).map((r) => [r.tag, r.hits, r.state])).toEqual([['A', 1, 'armed']]);
    const again = snap([{ node: 'b', state: 1, rules: [], activeRuleIds: [], suspended: [], spent: [fired, { ...bp(7, 'read_aio', 'A', 1), spentBy: 'fired', spentAt: 2 }] }]);
    expect(breakpointRows(again).map((r) => [r.tag, r.hits, r.state])).toEqual([['A', 2, 'fired']]);
    // The same tag on another event is another breakpoint; a snapshot without `spent` still lists live ones.
    expect(breakpointRows(snap([{ node: 'b', state: 1, rules: [bp(8, 'write_aio', 'A')], activeRuleIds: [], suspended: [], spent: [fired] }])).map((r) => r.event)).toEqual(['read_aio', 'write_aio']);
    expect(breakpointRows(snap([{ node: 'b', state: 1, rules: [bp(8, 'write_aio', 'A')], activeRuleIds: [], suspended: [] }]))).toHaveLength(1);
  });
});

describe('formatting', () => {
  it('gives bytes with a binary-unit hint', () => {
    expect(formatBytes(0)).toBe('0');
    expect(formatBytes(512)).toBe('512');
    expect(formatBytes(4096)).toBe('4096 (4 KiB)');
    expect(formatBytes(1536)).toBe('1536 (1.5 KiB)');
    expect(formatBytes(1024 * 1024)).toBe('1048576 (1 MiB)');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3221225472 (3 GiB)');
    expect(formatBytes(null)).toBe('—');
    expect(humanSize(1000)).toBeNull();
    expect(humanSize(1025)).toBe('1 KiB');
  });

  it('ages the parked time since the snapshot arrived', () => {
    expect(liveParkedMs(1000, 5000, 5750)).toBe(1750);
    expect(liveParkedMs(1000, 5000, 4000)).toBe(1000);
  });

  it('formats durations compactly', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(1249)).toBe('1.2 s');
    expect(formatDuration(59_990)).toBe('59.9 s');
    expect(formatDuration(125_000)).toBe('2 m 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 m');
  });
});
