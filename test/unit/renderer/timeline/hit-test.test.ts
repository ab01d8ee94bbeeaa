import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../../src/api';
import { EventLog } from '../../../../renderer/src/events/event-log';
import { itemFilter, NO_FILTER } from '../../../../renderer/src/timeline/filter';
import { hitTest, itemBox, type HitGeometry } from '../../../../renderer/src/timeline/hit-test';
import { BAR_TOP, LABEL_WIDTH, MARK_TOP, laneRows, rowTop } from '../../../../renderer/src/timeline/layout';
import { TimelineModel } from '../../../../renderer/src/timeline/timeline-model';

// Plot 1000 px wide from t=0 to t=1000: one px per ms.
function setup(events: SessionEvent[]) {
  const log = new EventLog(100);
  log.push(events);
  const m = new TimelineModel();
  m.sync(log);
  const { order, rowOf } = laneRows(m.lanes, ['a', 'b']);
  const g: HitGeometry = { view: { start: 0, span: 1000 }, width: LABEL_WIDTH + 1000, rowOf, rows: order.length, now: 900 };
  return { m, g };
}
const barY = (row: number) => rowTop(row) + BAR_TOP + 4;
const markY = (row: number) => rowTop(row) + MARK_TOP + 4;

describe('hitTest', () => {
  const { m, g } = setup([
    { type: 'request-start', at: 100, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512 },
    { type: 'request-done', at: 300, id: 1, node: 'a', op: 'write', offset: 0, bytes: 512, errno: 0 },
    { type: 'error-injected', at: 200, node: 'a', ruleId: 4, errno: 5, iotype: 'write', offset: 0, bytes: 512 },
    { type: 'debug-event', at: 203, node: 'a', event: 'write_aio' },
    { type: 'request-start', at: 500, id: 2, node: 'b', op: 'read', offset: 0, bytes: 512 },
  ]);

  it('finds a bar anywhere along it, in its row', () => {
    expect(hitTest(m, g, LABEL_WIDTH + 150, barY(0))).toBe(0);
    expect(hitTest(m, g, LABEL_WIDTH + 304, barY(0))).toBe(0);
    expect(hitTest(m, g, LABEL_WIDTH + 320, barY(0))).toBeNull();
    expect(hitTest(m, g, LABEL_WIDTH + 150, barY(1))).toBeNull();
  });

  it('prefers markers in the marker band, errors first on ties', () => {
    expect(hitTest(m, g, LABEL_WIDTH + 201, markY(0))).toBe(1);
    expect(hitTest(m, g, LABEL_WIDTH + 204, markY(0))).toBe(2);
    // In the bar band the bar under the point wins over the nearby markers.
    expect(hitTest(m, g, LABEL_WIDTH + 201, barY(0))).toBe(0);
  });

  it('hits in-flight bars up to now', () => {
    expect(hitTest(m, g, LABEL_WIDTH + 850, barY(1))).toBe(3);
    expect(hitTest(m, g, LABEL_WIDTH + 950, barY(1))).toBeNull();
  });

  it('ignores the axis, the labels and filtered-out items', () => {
    expect(hitTest(m, g, LABEL_WIDTH + 150, 5)).toBeNull();
    expect(hitTest(m, g, LABEL_WIDTH - 10, barY(0))).toBeNull();
    expect(hitTest(m, g, LABEL_WIDTH + 201, markY(0), itemFilter(m, { ...NO_FILTER, kind: 'debug-event' }))).toBe(2);
    expect(hitTest(m, g, LABEL_WIDTH + 150, barY(0), itemFilter(m, { ...NO_FILTER, errorsOnly: true }))).toBeNull();
  });

  it('gives the box an item is drawn in', () => {
    expect(itemBox(m, 0, g)).toEqual({ x0: LABEL_WIDTH + 100, x1: LABEL_WIDTH + 300, y0: rowTop(0) + BAR_TOP, y1: rowTop(0) + BAR_TOP + 13 });
    expect(itemBox(m, 1, g)).toMatchObject({ x0: LABEL_WIDTH + 200, x1: LABEL_WIDTH + 200, y0: rowTop(0) + MARK_TOP });
    expect(itemBox(m, 99, g)).toBeNull();
  });

  it('on one spot the most specific item wins, whatever the order or a pixel of rounding', () => {
    // A parked request: its bar, its write_aio tick and its suspended marker at one x.
    for (const order of [0, 1]) {
      const tick = { type: 'debug-event', at: 400, node: 'a', event: 'write_aio' } as const;
      const parked: SessionEvent = { type: 'request-suspended', at: 400, node: 'a', tag: 'T1', event: 'write_aio', request: { op: 'write', offset: 0, bytes: 4096 } } as SessionEvent;
      const { m, g } = setup([{ type: 'request-start', at: 399, id: 7, node: 'a', op: 'write', offset: 0, bytes: 4096 }, ...(order ? [parked, tick] : [tick, parked])]);
      const suspendedId = order ? 1 : 2;
      for (const dx of [-1, -0.5, 0, 0.5, 1, 2]) expect(hitTest(m, g, LABEL_WIDTH + 400 + dx, markY(0))).toBe(suspendedId);
      // In the bar band the bar wins.
      expect(hitTest(m, g, LABEL_WIDTH + 400, barY(0))).toBe(0);
    }
  });
});
