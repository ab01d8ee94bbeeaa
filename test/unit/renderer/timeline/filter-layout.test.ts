import { describe, expect, it } from 'vitest';
import type { NodeSnapshot, SessionEvent } from '../../../../src/api';
import { EventLog } from '../../../../renderer/src/events/event-log';
import { isFiltering, itemFilter, kindMatches, NO_FILTER, passes, type TimelineFilter } from '../../../../renderer/src/timeline/filter';
import { AXIS_HEIGHT, canvasHeight, laneRows, ROW_HEIGHT, rowAt, rowTop, treeDrivers, treeOrder } from '../../../../renderer/src/timeline/layout';
import { Flag, Kind, NO_OP, TimelineModel } from '../../../../renderer/src/timeline/timeline-model';

const node = (name: string, driver: string, children: NodeSnapshot[] = []): NodeSnapshot => ({
  name,
  driver,
  filename: '',
  readOnly: false,
  length: 0,
  options: {},
  children: children.map((n, i) => ({ name: `c${i}`, role: 'file', node: n })),
});

describe('lane assignment', () => {
  const shared = node('file0', 'file');
  const root = node('fmt', 'raw', [node('dbg', 'blkdebug', [shared]), shared]);

  it('orders the tree depth first, a shared node once', () => {
    expect(treeOrder(root)).toEqual(['fmt', 'dbg', 'file0']);
    expect(treeOrder(null)).toEqual([]);
    expect(treeDrivers(root).get('dbg')).toBe('blkdebug');
  });

  it('puts tree nodes first in tree order, then others as first seen; hides the rest for a node filter', () => {
    const lanes = ['file0', 'other', 'fmt', 'dbg'];
    const { order, rowOf } = laneRows(lanes, treeOrder(root));
    expect(order.map((i) => lanes[i])).toEqual(['fmt', 'dbg', 'file0', 'other']);
    expect([...rowOf]).toEqual([2, 3, 0, 1]);
    const one = laneRows(lanes, treeOrder(root), 'dbg');
    expect(one.order).toEqual([3]);
    expect([...one.rowOf]).toEqual([-1, -1, -1, 0]);
    expect(laneRows([], []).order).toEqual([]);
  });

  it('maps rows to y and back', () => {
    expect(rowTop(0)).toBe(AXIS_HEIGHT);
    expect(rowAt(AXIS_HEIGHT - 1, 3)).toBe(-1);
    expect(rowAt(rowTop(2) + 5, 3)).toBe(2);
    expect(rowAt(rowTop(3) + 5, 3)).toBe(-1);
    expect(canvasHeight(0)).toBe(canvasHeight(2));
    expect(canvasHeight(5)).toBe(AXIS_HEIGHT + 5 * ROW_HEIGHT + 4);
  });
});

describe('filters', () => {
  const f = (patch: Partial<TimelineFilter>): TimelineFilter => ({ ...NO_FILTER, ...patch });
  const item = { kind: Kind.request as number as 0, flags: 0, op: 1, node: 'a', event: '' };

  it('passes everything without filters', () => {
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(passes(item, NO_FILTER)).toBe(true);
  });

  it('filters by errors, node, operation, kind and event name', () => {
    expect(passes(item, f({ errorsOnly: true }))).toBe(false);
    expect(passes({ ...item, flags: Flag.error }, f({ errorsOnly: true }))).toBe(true);
    expect(passes(item, f({ node: 'b' }))).toBe(false);
    expect(passes(item, f({ op: 'write' }))).toBe(true);
    expect(passes(item, f({ op: 'read' }))).toBe(false);
    expect(passes({ ...item, op: NO_OP }, f({ op: 'write' }))).toBe(false);
    expect(passes(item, f({ kind: 'request' }))).toBe(true);
    expect(passes(item, f({ kind: 'debug-event' }))).toBe(false);
    expect(passes(item, f({ event: 'write_aio' }))).toBe(false);
    expect(kindMatches(Kind.resumed, 'suspend')).toBe(true);
    expect(kindMatches(Kind.eventSummary, 'summary')).toBe(true);
    expect(kindMatches(Kind.errorInjected, 'error-injected')).toBe(true);
    expect(kindMatches(Kind.errorInjected, 'rule-matched')).toBe(false);
  });

  it('applies the same rules to the model columns', () => {
    const log = new EventLog(100);
    const evs: SessionEvent[] = [
      { type: 'request-start', at: 1, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512 },
      { type: 'request-done', at: 2, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512, errno: 5 },
      { type: 'request-start', at: 3, id: 2, node: 'b', op: 'read', offset: 0, bytes: 512 },
      { type: 'debug-event', at: 3, node: 'b', event: 'read_aio' },
      { type: 'error-injected', at: 2, node: 'a', ruleId: 1, errno: 5, iotype: 'write', offset: 0, bytes: 512 },
    ];
    log.push(evs);
    const m = new TimelineModel();
    m.sync(log);
    const all = [0, 1, 2, 3];
    const keep = (flt: TimelineFilter) => all.filter(itemFilter(m, flt));
    expect(keep(NO_FILTER)).toEqual(all);
    expect(keep(f({ errorsOnly: true }))).toEqual([0, 3]);
    expect(keep(f({ node: 'b' }))).toEqual([1, 2]);
    expect(keep(f({ node: 'nope' }))).toEqual([]);
    expect(keep(f({ op: 'read' }))).toEqual([1]);
    expect(keep(f({ kind: 'error-injected' }))).toEqual([3]);
    expect(keep(f({ event: 'read_aio' }))).toEqual([2]);
    expect(keep(f({ errorsOnly: true, kind: 'request' }))).toEqual([0]);
  });
});
