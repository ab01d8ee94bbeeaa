import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../../src/api';
import { EventLog, eventLog, logEvents, useEventLogVersion } from '../../../../renderer/src/events/event-log';

const atOf = (e: SessionEvent | undefined) => (e && 'at' in e ? e.at : undefined);
const done = (at: number, node: string, op: 'write' | 'read' | 'discard', offset: number, bytes: number, errno = 0): SessionEvent => ({ type: 'request-done', at, id: at, node, op, offset, bytes, errno });

describe('EventLog', () => {
  it('numbers events and keeps the newest `capacity`', () => {
    const log = new EventLog(3);
    expect([log.first(), log.last(), log.size]).toEqual([1, 0, 0]);
    log.push([done(1, 'a', 'write', 0, 512), done(2, 'a', 'write', 0, 512)]);
    expect(atOf(log.get(1)?.event)).toBe(1);
    log.push([done(3, 'a', 'read', 0, 512), done(4, 'a', 'read', 0, 512)]);
    expect([log.first(), log.last(), log.size]).toEqual([2, 4, 3]);
    expect(log.get(1)).toBeUndefined();
    expect(atOf(log.event(4))).toBe(4);
    expect(log.range(0, 10).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(log.range(3, 3).map((e) => atOf(e.event))).toEqual([3]);
  });

  it('finds the newest completed writes overlapping a range, by node', () => {
    const log = new EventLog(10);
    log.push([
      done(1, 'a', 'write', 0, 4096),
      done(2, 'a', 'read', 0, 4096),
      { type: 'request-start', at: 3, id: 3, node: 'a', op: 'write', offset: 0, bytes: 512 },
      done(4, 'b', 'write', 1024, 512, 5),
      done(5, 'a', 'discard', 8192, 4096),
      done(6, 'a', 'write', 4096, 512),
    ]);
    expect(log.lastWritesTo(1024, 512).map((w) => [w.at, w.node, w.op, w.errno])).toEqual([
      [4, 'b', 'write', 5],
      [1, 'a', 'write', 0],
    ]);
    expect(log.lastWritesTo(1024, 512, 10, 'a').map((w) => w.seq)).toEqual([1]);
    expect(log.lastWritesTo(0, 1 << 20, 2).map((w) => w.at)).toEqual([6, 5]);
    // Half-open ranges: [4096, 4608) does not touch [0, 4096).
    expect(log.lastWritesTo(4096, 1).map((w) => w.at)).toEqual([6]);
    expect(log.lastWritesTo(100_000, 512)).toEqual([]);
  });

  it('forgets overwritten writes (the columns follow the ring)', () => {
    const log = new EventLog(2);
    log.push([done(1, 'a', 'write', 0, 512), done(2, 'a', 'read', 0, 512), done(3, 'a', 'read', 0, 512)]);
    expect(log.lastWritesTo(0, 512)).toEqual([]);
    log.clear();
    expect([log.size, log.lastWritesTo(0, 512).length]).toEqual([0, 0]);
  });

  it('logEvents appends to the window log and bumps the version once per batch', () => {
    const before = useEventLogVersion.getState().version;
    const last = eventLog.last();
    logEvents([done(1, 'a', 'write', 0, 512), done(2, 'a', 'write', 0, 512)]);
    expect(eventLog.last()).toBe(last + 2);
    expect(useEventLogVersion.getState().version).toBe(before + 1);
  });

  it('scans a full log quickly', () => {
    const log = new EventLog(500_000);
    const batch: SessionEvent[] = [];
    for (let i = 0; i < 500_000; i++) batch.push(done(i, 'a', i % 2 ? 'write' : 'read', (i % 1000) * 4096, 4096));
    log.push(batch);
    const t0 = performance.now();
    const none = log.lastWritesTo(1 << 30, 512);
    const ms = performance.now() - t0;
    expect(none).toEqual([]);
    expect(ms).toBeLessThan(50);
  });
});
