import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../../src/api';
import { EventLog } from '../../../../renderer/src/events/event-log';
import { Flag, Kind, latestInWindow, OPS, TimelineModel } from '../../../../renderer/src/timeline/timeline-model';

const start = (at: number, id: number, node = 'top', op: 'read' | 'write' = 'write', offset = 0, bytes = 4096): SessionEvent => ({ type: 'request-start', at, id, node, op, offset, bytes });
const done = (at: number, id: number, node = 'top', op: 'read' | 'write' = 'write', errno = 0, offset = 0, bytes = 4096): SessionEvent => ({ type: 'request-done', at, id, node, op, offset, bytes, errno });

function modelOf(events: SessionEvent[], capacity?: number): TimelineModel {
  const log = new EventLog(1000);
  log.push(events);
  const m = new TimelineModel(capacity);
  m.sync(log, 0);
  return m;
}

const ids = (m: TimelineModel) => Array.from({ length: m.store.next - m.store.first() }, (_, i) => m.store.first() + i);
const field = (m: TimelineModel, id: number) => {
  const s = m.store.slot(id);
  return { kind: m.store.kind[s], lane: m.lanes[m.store.lane[s]!], t0: m.store.t0[s], t1: m.store.t1[s], flags: m.store.flags[s], op: OPS[m.store.op[s]!] ?? null, count: m.store.count[s] };
};

describe('TimelineModel: bars from start/done pairs', () => {
  it('pairs a start with its done (by node and id) into one bar', () => {
    const m = modelOf([start(10, 1), start(11, 1, 'file'), done(12, 1, 'file'), done(15, 1, 'top', 'write', 5)]);
    expect(ids(m).map((id) => field(m, id))).toEqual([
      { kind: Kind.request, lane: 'top', t0: 10, t1: 15, flags: Flag.error, op: 'write', count: 1 },
      { kind: Kind.request, lane: 'file', t0: 11, t1: 12, flags: 0, op: 'write', count: 1 },
    ]);
    expect(m.open.size).toBe(0);
    expect(m.maxDuration).toBe(5);
    expect([m.tMin, m.tMax]).toEqual([10, 15]);
  });

  it('keeps a request without its done open, growing to now', () => {
    const m = modelOf([start(10, 1)]);
    const [id] = ids(m);
    expect(field(m, id!).flags).toBe(Flag.open);
    expect(Number.isNaN(field(m, id!).t1)).toBe(true);
    expect(m.now(0)).toBe(10);
    m.lastAtWall = 100;
    expect(m.now(350)).toBe(260);
    expect(m.endOf(id!, 260)).toBe(260);
  });

  it('draws a done without its start (folded) from the done alone', () => {
    const m = modelOf([done(20, 7, 'top', 'read')]);
    expect(field(m, ids(m)[0]!)).toMatchObject({ t0: 20, t1: 20, flags: Flag.noStart, op: 'read' });
  });

  it('reads the log incrementally and counts what it missed', () => {
    const log = new EventLog(4);
    const m = new TimelineModel();
    log.push([start(1, 1)]);
    expect(m.sync(log)).toBe(true);
    expect(m.sync(log)).toBe(false);
    log.push([done(2, 1), start(3, 2), done(4, 2), start(5, 3), done(6, 3), start(7, 4)]);
    m.sync(log);
    // The log (4 slots) overwrote done(2,1) and start(3,2) before the timeline read them.
    expect(m.dropped).toBe(2);
    expect(m.lastSeq).toBe(7);
    expect(m.open.size).toBe(2);
  });
});

describe('TimelineModel: markers, summaries, in-flight resync', () => {
  it('turns debug and blkdebug events into markers on their node lanes', () => {
    const m = modelOf([
      { type: 'debug-event', at: 1, node: 'dbg', event: 'write_aio' },
      { type: 'rule-matched', at: 1, node: 'dbg', ruleId: 2, ruleKind: 'inject-error', event: 'write_aio' },
      { type: 'error-injected', at: 1, node: 'dbg', ruleId: 2, errno: 5, iotype: 'write', offset: 0, bytes: 512 },
      { type: 'state-changed', at: 2, node: 'dbg', from: 1, to: 2 },
      { type: 'request-suspended', at: 3, node: 'dbg', tag: 'A', event: 'write_aio', request: { op: 'write', offset: 0, bytes: 512 } },
      { type: 'request-resumed', at: 4, node: 'dbg', tag: 'A' },
      { type: 'verify-mismatch', at: 5, mismatch: { node: 'bv', id: 1, kind: 'contents', op: 'read', offset: 0, bytes: 512, firstMismatch: 0, testErrno: 0, rawErrno: 0, message: 'm', sectors: [], window: null } },
      { type: 'console', at: 6, stream: 'stdout', text: 'x' },
    ]);
    expect(ids(m).map((id) => [field(m, id).kind, field(m, id).lane, field(m, id).flags, field(m, id).op])).toEqual([
      [Kind.debug, 'dbg', 0, null],
      [Kind.ruleMatched, 'dbg', 0, null],
      [Kind.errorInjected, 'dbg', Flag.error, 'write'],
      [Kind.stateChanged, 'dbg', 0, null],
      [Kind.suspended, 'dbg', 0, 'write'],
      [Kind.resumed, 'dbg', 0, null],
      [Kind.mismatch, 'bv', Flag.error, 'read'],
    ]);
    expect([...m.eventNames]).toEqual(['write_aio']);
  });

  it('times flood summaries by their batch and keeps their counts', () => {
    const m = modelOf([
      start(100, 1),
      { type: 'requests-summarized', node: 'top', op: 'write', count: 900, bytes: 900 * 4096, errors: 3, started: 901 },
      { type: 'events-summarized', node: 'top', kind: 'debug-event', event: 'write_aio', count: 50 },
      { type: 'requests-in-flight', at: 116, total: 1, requests: [{ id: 9, node: 'top', op: 'write', offset: 8192, bytes: 4096, started: 114 }] },
    ]);
    const items = ids(m).map((id) => field(m, id));
    expect(items[1]).toEqual({ kind: Kind.requestSummary, lane: 'top', t0: 100, t1: 116, flags: Flag.error, op: 'write', count: 900 });
    expect(items[2]).toMatchObject({ kind: Kind.eventSummary, t0: 100, t1: 116, count: 50 });
    // Request 1 is no longer listed in flight: it ended (end guessed); request 9 is now open.
    expect(items[0]).toMatchObject({ t0: 100, t1: 116, flags: Flag.endGuessed });
    expect(items[3]).toMatchObject({ kind: Kind.request, t0: 114, flags: Flag.open, op: 'write' });
    expect([...m.open.entries()]).toEqual([[m.laneIndex('top'), 9, 3]]);
  });

  it('closes every open request when the image changes', () => {
    const m = modelOf([start(1, 1), start(2, 2), { type: 'graph-changed', at: 5, open: true }]);
    expect(m.open.size).toBe(0);
    expect(ids(m).map((id) => field(m, id).t1)).toEqual([5, 5]);
  });

  it('overwrites the oldest items beyond its capacity', () => {
    const evs: SessionEvent[] = [];
    for (let i = 0; i < 20; i++) evs.push({ type: 'debug-event', at: i, node: 'n', event: 'e' });
    const m = modelOf(evs, 8);
    expect(m.store.first()).toBe(12);
    expect(field(m, 12).t0).toBe(12);
    expect(m.store.lowerBound(15)).toBe(15);
    expect(m.store.lowerBound(0)).toBe(12);
    expect(m.store.lowerBound(100)).toBe(20);
    expect(() => new TimelineModel(12)).toThrow();
  });

  it('clear() forgets what it has and reads on from the log end', () => {
    const log = new EventLog(100);
    log.push([start(1, 1), done(2, 1)]);
    const m = new TimelineModel();
    m.sync(log);
    m.clear(log);
    expect(m.store.next).toBe(0);
    log.push([start(3, 2)]);
    m.sync(log);
    expect(m.store.next).toBe(1);
  });
});

describe('window queries', () => {
  const m = modelOf([start(0, 1), done(1, 1), start(5, 2), done(50, 2), start(60, 3), done(61, 3), start(70, 4)]);

  it('finds the items overlapping a window, long bars and open ones included', () => {
    const seen: number[] = [];
    m.forEachInWindow(20, 30, 80, (id) => void seen.push(id));
    expect(seen.map((id) => field(m, id).t0)).toEqual([5]);
    const later: number[] = [];
    m.forEachInWindow(65, 100, 80, (id) => void later.push(id));
    expect(later.map((id) => field(m, id).t0)).toEqual([70]);
  });

  it('lists the newest passing items first', () => {
    const newest = latestInWindow(m, 0, 100, 80, 2, () => true);
    expect(newest.map((id) => field(m, id).t0)).toEqual([70, 60]);
    const writes = latestInWindow(m, 0, 100, 80, 10, (id) => field(m, id).t0 < 10);
    expect(writes.map((id) => field(m, id).t0)).toEqual([5, 0]);
  });
});

describe('long requests', () => {
  it('keeps requests over LONG_MS in their own list, out of maxDuration, still found in windows', () => {
    const evs: SessionEvent[] = [start(0, 1, 'top')];
    for (let i = 0; i < 100; i++) evs.push(start(10 + i * 10, 100 + i, 'file'), done(11 + i * 10, 100 + i, 'file'));
    evs.push(done(2000, 1, 'top'));
    const m = modelOf(evs);
    expect(m.maxDuration).toBe(1);
    expect(m.long).toEqual([0]);
    expect(field(m, 0).flags).toBe(Flag.long);
    const seen: number[] = [];
    m.forEachInWindow(1500, 1600, 2000, (id) => void seen.push(id));
    expect(seen).toEqual([0]);
    expect(latestInWindow(m, 1500, 1600, 2000, 5, () => true)).toEqual([0]);
    expect(latestInWindow(m, 995, 1005, 2000, 5, () => true)).toEqual([100, 0]);
  });
});
