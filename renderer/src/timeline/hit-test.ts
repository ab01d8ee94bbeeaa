// Which item is under a point of the timeline's canvas: of the markers and bars of that row
// within a few pixels (markers in the upper band, bars in the lower), the most specific one on
// the spot (a parked request before the error, the error before the event tick under it), else
// the nearest. Small things get a larger target than they are drawn: a 1 px event tick or a
// short request is hit from MARKER_REACH / HIT_SLOP pixels either side, and a point just above
// the first row or just below the last counts for that row. Pure.
import { AXIS_HEIGHT, BAR_HEIGHT, BAR_TOP, LABEL_WIDTH, MARK_HEIGHT, MARK_TOP, rowAt, rowTop } from './layout';
import { timeToX, xToTime, type TimeView } from './time-scale';
import { Flag, Kind, type TimelineModel } from './timeline-model';

/** How far (px) beside a bar's ends a point still hits it. */
export const HIT_SLOP = 6;
/** How far (px) from a marker's centre a point still hits it (the glyphs are 1 to 10 px wide). */
export const MARKER_REACH = 8;
/** A point this far (px) above the first row (over the axis) or below the last still hits that row. */
export const ROW_SLOP = 4;
/** Items this close to the point count as under it: specificity decides among them. */
export const SAME_SPOT = 2;

/** How specific an item is: the suspended marker of a request sits on its write_aio tick and its bar. */
function specificity(kind: number): number {
  switch (kind) {
    case Kind.suspended:
      return 5;
    case Kind.errorInjected:
    case Kind.mismatch:
      return 4;
    case Kind.resumed:
      return 3;
    case Kind.ruleMatched:
    case Kind.stateChanged:
      return 2;
    case Kind.debug:
      return 1;
    default:
      return 0;
  }
}

export const isBarKind = (kind: number): boolean => kind === Kind.request || kind === Kind.requestSummary;

export interface HitGeometry {
  view: TimeView;
  /** Canvas width in CSS pixels (the plot starts at LABEL_WIDTH). */
  width: number;
  rowOf: Int16Array;
  rows: number;
  now: number;
}

/** Where an item is drawn (CSS px, canvas coordinates): its box. */
export function itemBox(model: TimelineModel, id: number, g: HitGeometry): { x0: number; x1: number; y0: number; y1: number } | null {
  const st = model.store;
  if (!st.has(id)) return null;
  const s = st.slot(id);
  const row = g.rowOf[st.lane[s]!] ?? -1;
  if (row < 0) return null;
  const pw = g.width - LABEL_WIDTH;
  const x0 = LABEL_WIDTH + timeToX(g.view, pw, st.t0[s]!);
  const x1 = LABEL_WIDTH + timeToX(g.view, pw, model.endOf(id, g.now));
  const top = rowTop(row);
  return isBarKind(st.kind[s]!) ? { x0, x1: Math.max(x1, x0 + 1), y0: top + BAR_TOP, y1: top + BAR_TOP + BAR_HEIGHT } : { x0, x1: x0, y0: top + MARK_TOP, y1: top + MARK_TOP + MARK_HEIGHT };
}

/** The row a point at canvas y is on, or within ROW_SLOP above the first / below the last (-1: none). */
export function rowNear(y: number, rows: number): number {
  if (rows <= 0) return -1;
  if (y < AXIS_HEIGHT) return y >= AXIS_HEIGHT - ROW_SLOP ? 0 : -1;
  const row = rowAt(y, rows);
  if (row >= 0) return row;
  return y < rowTop(rows) + ROW_SLOP ? rows - 1 : -1;
}

/** The item at canvas point (x, y) in CSS px, or null. */
export function hitTest(model: TimelineModel, g: HitGeometry, x: number, y: number, pass: (id: number) => boolean = () => true): number | null {
  if (y < AXIS_HEIGHT - ROW_SLOP || x < LABEL_WIDTH) return null;
  const row = rowNear(y, g.rows);
  if (row < 0) return null;
  const inMarkBand = y - rowTop(row) < BAR_TOP - 1;
  const pw = g.width - LABEL_WIDTH;
  const px = x - LABEL_WIDTH;
  const reach = Math.max(HIT_SLOP, MARKER_REACH);
  const from = xToTime(g.view, pw, px - reach);
  const to = xToTime(g.view, pw, px + reach);
  const st = model.store;
  let best: number | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  model.forEachInWindow(from, to, g.now, (id) => {
    const s = st.slot(id);
    if (g.rowOf[st.lane[s]!] !== row || !pass(id)) return;
    const kind = st.kind[s]!;
    const bar = isBarKind(kind);
    const x0 = timeToX(g.view, pw, st.t0[s]!);
    let dist: number;
    if (bar) {
      const x1 = Math.max(timeToX(g.view, pw, model.endOf(id, g.now)), x0 + 1);
      dist = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
    } else dist = Math.abs(px - x0);
    if (dist > (bar ? HIT_SLOP : MARKER_REACH)) return;
    // The other band costs most; on the spot the most specific item wins, further away the
    // nearest; errors, then newer items, win ties.
    let score = (bar === inMarkBand ? 100 : 0) + (dist <= SAME_SPOT ? dist - 10 * specificity(kind) : 50 + dist);
    if (st.flags[s]! & Flag.error) score -= 0.5;
    if (score <= bestScore) {
      bestScore = score;
      best = id;
    }
  });
  return best;
}
