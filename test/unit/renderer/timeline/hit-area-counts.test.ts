import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../../src/api';
import { EventLog } from '../../../../renderer/src/events/event-log';
import { countItems, countsText, NO_FILTER } from '../../../../renderer/src/timeline/filter';
import { hitTest, MARKER_REACH, ROW_SLOP, rowNear, type HitGeometry } from '../../../../renderer/src/timeline/hit-test';
import { AXIS_HEIGHT, LABEL_WIDTH, MARK_TOP, ROW_HEIGHT, laneRows, rowTop } from '../../../../renderer/src/timeline/layout';
import { TimelineModel } from '../../../../renderer/src/timeline/timeline-model';

function setup(events: SessionEvent[]) {
  const log = new EventLog(100);
  log.push(events);
  const m = new TimelineModel();
  m.sync(log);
  const { order, rowOf } = laneRows(m.lanes, ['a', 'b']);
  const g: HitGeometry = { view: { start: 0, span: 1000 }, width: LABEL_WIDTH + 1000, rowOf, rows: order.length, now: 900 };
  return { m, g };
}

const EVENTS: SessionEvent[] = [
  { type: 'request-start', at: 100, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512 },
  { type: 'request-done', at: 300, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512, errno: 0 },
  { type: 'debug-event', at: 500, node: 'a', event: 'write_aio' },
  { type: 'error-injected', at: 600, node: 'b', ruleId: 4, errno: 5, iotype: 'write', offset: 0, bytes: 512 },
  { type: 'request-start', at: 610, id: 2, node: 'b', op: 'write', offset: 0, bytes: 512 },
  { type: 'request-done', at: 611, id: 2, node: 'b', op: 'write', offset: 0, bytes: 512, errno: 5 },
  { type: 'request-start', at: 700, id: 3, node: 'b', op: 'read', offset: 0, bytes: 512 },
];

describe('the hit area of small markers', () => {
  const { m, g } = setup(EVENTS);
  const markY = (row: number) => rowTop(row) + MARK_TOP + 4;

  it('a 1 px event tick is hit from MARKER_REACH px either side', () => {
    expect(hitTest(m, g, LABEL_WIDTH + 500 - MARKER_REACH, markY(0))).toBe(1);
    expect(hitTest(m, g, LABEL_WIDTH + 500 + MARKER_REACH, markY(0))).toBe(1);
    expect(hitTest(m, g, LABEL_WIDTH + 500 + MARKER_REACH + 2, markY(0))).toBeNull();
  });

  it('a point just over the axis or just below the last row counts for that row', () => {
    expect(rowNear(AXIS_HEIGHT - ROW_SLOP, 2)).toBe(0);
    expect(rowNear(AXIS_HEIGHT - ROW_SLOP - 1, 2)).toBe(-1);
    expect(rowNear(rowTop(2) + ROW_SLOP - 1, 2)).toBe(1);
    expect(rowNear(rowTop(2) + ROW_SLOP, 2)).toBe(-1);
    expect(rowNear(AXIS_HEIGHT + ROW_HEIGHT + 1, 2)).toBe(1);
    expect(rowNear(AXIS_HEIGHT, 0)).toBe(-1);
    expect(hitTest(m, g, LABEL_WIDTH + 500, AXIS_HEIGHT - 2)).toBe(1);
  });
});

describe('the timeline counts follow the filters', () => {
  const { m } = setup(EVENTS);

  it('counts everything without a filter', () => {
    const c = countItems(m, NO_FILTER);
    expect(c).toEqual({ items: 5, inFlight: 1, lanes: 2, allItems: 5, allInFlight: 1, allLanes: 2 });
    expect(countsText(c, false)).toBe('5 items · 1 in flight · 2 lanes');
  });

  it('counts what passes: errors only, one node, one operation', () => {
    const errors = countItems(m, { ...NO_FILTER, errorsOnly: true });
    expect(errors).toMatchObject({ items: 2, inFlight: 0, lanes: 1 });
    expect(countsText(errors, true)).toBe('2 of 5 items · 0 of 1 in flight · 1 of 2 lanes');
    expect(countItems(m, { ...NO_FILTER, node: 'a' })).toMatchObject({ items: 2, inFlight: 0, lanes: 1 });
    expect(countItems(m, { ...NO_FILTER, op: 'read' })).toMatchObject({ items: 1, inFlight: 1, lanes: 1 });
    expect(countItems(m, { ...NO_FILTER, kind: 'debug-event', event: 'write_aio' })).toMatchObject({ items: 1, inFlight: 0 });
  });
});
