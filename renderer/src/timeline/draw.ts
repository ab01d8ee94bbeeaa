// Paints the timeline on a 2D canvas: axis and grid, lane labels, request bars (red: failed,
// amber: in flight and growing), markers per kind, flood summaries as count blocks, and bars
// narrower than a pixel folded into per-pixel density columns, so a frame costs one pass over the
// visible items plus one fill per style, however many events there are.
import { AXIS_HEIGHT, BAR_HEIGHT, BAR_TOP, LABEL_WIDTH, MARK_HEIGHT, MARK_TOP, ROW_HEIGHT, rowTop } from './layout';
import { itemBox, type HitGeometry } from './hit-test';
import { axisTicks, timeToX } from './time-scale';
import { Flag, Kind, type TimelineModel } from './timeline-model';

export const COLORS = {
  bg: '#14161a',
  panel: '#1c1f25',
  grid: '#262a31',
  border: '#2c313a',
  text: '#e3e6eb',
  muted: '#8d95a3',
  bar: '#3d7cc4',
  barGuessed: '#2c5584',
  error: '#ff7b72',
  open: '#e3a53a',
  debug: '#8d95a3',
  ruleMatched: '#f0b45a',
  errorInjected: '#ff4d4d',
  stateChanged: '#5aa9ff',
  suspended: '#c792ea',
  resumed: '#7ee787',
  mismatch: '#ff5fd2',
  other: '#6e7681',
  summary: '#8957e5',
  eventSummary: '#3fb9a5',
  selection: '#ffffff',
  now: '#5aa9ff',
};

const DENSITY_ALPHA = [0.35, 0.55, 0.75, 1];
const MARK_COLOR = [COLORS.bar, COLORS.debug, COLORS.ruleMatched, COLORS.errorInjected, COLORS.stateChanged, COLORS.suspended, COLORS.resumed, COLORS.mismatch, COLORS.summary, COLORS.eventSummary, COLORS.other];
const MARK_ORDER = [Kind.debug, Kind.blkdebugOther, Kind.stateChanged, Kind.ruleMatched, Kind.resumed, Kind.suspended, Kind.mismatch, Kind.errorInjected];
/** Markers reach this far (px) either side of their time. */
const MARK_SLOP = 8;
/** Cached tiles are this wide (px): the live part drawn every frame is at most about one tile. */
export const TILE_WIDTH = 32;

export interface DrawStats {
  visited: number;
  drawn: number;
  /** Tiles drawn from the cache, and rendered this frame. */
  tiles: number;
  rendered: number;
}

interface RenderParams {
  model: TimelineModel;
  rowOf: Int16Array;
  rows: number;
  now: number;
  pass: (id: number) => boolean;
  filtering: boolean;
  /** Session time at x = 0, and pixels per millisecond. */
  origin: number;
  scale: number;
  /** Width (px) of the area drawn: density columns and marker de-duplication. */
  pw: number;
  /** Times to cover. */
  from: number;
  to: number;
  /** Leave requests in flight out (drawn live on top). */
  skipOpen: boolean;
}

/**
 * Items overlapping [from, to] into ctx (x = (t - origin) * scale): request bars, markers, flood
 * summaries, and bars narrower than a pixel as density columns. One tight pass over the columns
 * (no callbacks or allocation for the common case), then one fill per style.
 */
function renderItems(ctx: CanvasRenderingContext2D, p: RenderParams): { visited: number; drawn: number } {
  const { model, rowOf, rows, now, pass, filtering, origin, scale, pw, from, to, skipOpen } = p;
  const st = model.store;
  const bars = new Path2D();
  const barsGuessed = new Path2D();
  const errBars = new Path2D();
  const openBars = new Path2D();
  const marks: Path2D[] = Array.from({ length: 11 }, () => new Path2D());
  const summaries = new Path2D();
  const errSummaries = new Path2D();
  const eventSummaries = new Path2D();
  const density = new Uint16Array(Math.max(1, rows) * pw);
  const lastMark = new Int32Array(Math.max(1, rows) * 11).fill(-1);
  const labels: Array<{ x: number; y: number; text: string }> = [];
  let visited = 0;
  let drawn = 0;

  // One tight pass over the columns (no callbacks, no allocation per item): this is the hot loop.
  const { t0: T0, t1: T1, lane: L, kind: K, flags: F, count: C } = st;
  const mask = st.capacity - 1;
  const visit = (id: number): void => {
    const s = id & mask;
    const row = rowOf[L[s]!]!;
    if (row < 0 || (filtering && !pass(id))) return;
    const kind = K[s]!;
    const flags = F[s]!;
    const top = rowTop(row);
    const x0 = (T0[s]! - origin) * scale;
    if (kind === Kind.request) {
      const t1 = T1[s]!;
      const x1 = ((t1 !== t1 ? now : t1) - origin) * scale;
      if (x1 - x0 < 1.5 && !(flags & (Flag.open | Flag.error))) {
        const px = Math.floor(x0);
        if (px >= 0 && px < pw) {
          const k = row * pw + px;
          if (density[k]! < 65535) density[k]!++;
        }
        return;
      }
      const a = Math.max(x0, -2);
      const b = Math.min(x1, pw + 2);
      if (flags & Flag.open) openBars.rect(a, top + BAR_TOP, Math.max(b - a, 2), BAR_HEIGHT);
      else if (flags & Flag.error) errBars.rect(a, top + BAR_TOP, Math.max(b - a, 2), BAR_HEIGHT);
      else (flags & Flag.endGuessed ? barsGuessed : bars).rect(a, top + BAR_TOP, b - a, BAR_HEIGHT);
      drawn++;
      return;
    }
    if (kind === Kind.requestSummary || kind === Kind.eventSummary) {
      const x1 = (T1[s]! - origin) * scale;
      const n = C[s]!;
      const h = Math.max(2, Math.min(1, Math.log10(n + 1) / 4) * (kind === Kind.requestSummary ? BAR_HEIGHT : MARK_HEIGHT));
      const w = Math.max(x1 - x0, 2);
      const y = kind === Kind.requestSummary ? top + BAR_TOP + BAR_HEIGHT - h : top + MARK_TOP + MARK_HEIGHT - h;
      (kind === Kind.eventSummary ? eventSummaries : flags & Flag.error ? errSummaries : summaries).rect(x0, y, w, h);
      if (w > 46 && kind === Kind.requestSummary) labels.push({ x: x0 + 2, y: top + BAR_TOP + BAR_HEIGHT / 2, text: `×${n}` });
      drawn++;
      return;
    }
    // Markers: one per pixel column, row and kind.
    const px = Math.round(x0);
    const mk = row * 11 + kind;
    if (lastMark[mk] === px) return;
    lastMark[mk] = px;
    drawn++;
    const p = marks[kind]!;
    const y = top + MARK_TOP;
    const cx = px + 0.5;
    switch (kind) {
      case Kind.debug:
        p.rect(px, y + 2, 1, MARK_HEIGHT - 2);
        break;
      case Kind.ruleMatched:
        p.moveTo(cx, y);
        p.lineTo(cx + 4, y + 5);
        p.lineTo(cx, y + 10);
        p.lineTo(cx - 4, y + 5);
        p.closePath();
        break;
      case Kind.errorInjected:
        p.moveTo(cx - 5, y);
        p.lineTo(cx + 5, y);
        p.lineTo(cx, y + 10);
        p.closePath();
        p.rect(px, y + 10, 1, BAR_TOP - MARK_TOP - 10 + BAR_HEIGHT);
        break;
      case Kind.stateChanged:
        p.moveTo(cx + 4, y + 5);
        p.arc(cx, y + 5, 4, 0, Math.PI * 2);
        break;
      case Kind.suspended:
        p.rect(px - 4, y + 1, 3, 9);
        p.rect(px + 1, y + 1, 3, 9);
        break;
      case Kind.resumed:
        p.moveTo(cx - 3, y);
        p.lineTo(cx + 5, y + 5);
        p.lineTo(cx - 3, y + 10);
        p.closePath();
        break;
      case Kind.mismatch:
        p.rect(px - 4, y + 4, 9, 3);
        p.rect(px - 1, y, 3, 10);
        break;
      default:
        p.rect(px - 2, y + 3, 4, 4);
    }
  };
  const begin = st.lowerBound(from - model.maxDuration - 1);
  const stopAt = to + 50;
  const next = st.next;
  for (let id = begin; id < next; id++) {
    const s = id & mask;
    const a0 = T0[s]!;
    if (a0 > stopAt) break;
    if (a0 > to) continue;
    visited++;
    const kind = K[s]!;
    if (kind === Kind.request) {
      if ((skipOpen && F[s]! & Flag.open) || F[s]! & Flag.long) continue;
      // The common case inline: a completed, unfiltered request narrower than a pixel.
      const t1 = T1[s]!;
      const end = t1 !== t1 ? now : t1;
      if (end < from) continue;
      const x0 = (a0 - origin) * scale;
      if (!filtering && (end - a0) * scale < 1.5 && !(F[s]! & (Flag.open | Flag.error))) {
        const row = rowOf[L[s]!]!;
        const px = Math.floor(x0);
        if (row >= 0 && px >= 0 && px < pw) {
          const k = row * pw + px;
          if (density[k]! < 65535) density[k]!++;
        }
        continue;
      }
    } else if (kind === Kind.requestSummary || kind === Kind.eventSummary) {
      if (T1[s]! < from) continue;
    } else if (a0 < from) continue;
    visit(id);
  }
  // Long requests, from their own list.
  for (const id of model.longIds()) {
    const s = id & mask;
    if (T0[s]! > to || T1[s]! < from) continue;
    visited++;
    visit(id);
  }
  if (!skipOpen) {
    // In-flight requests that started before the scanned range.
    for (const id of model.open.values()) {
      if (id >= begin || !st.has(id) || T0[id & mask]! > to) continue;
      visited++;
      visit(id);
    }
  }

  const fill = (path: Path2D, color: string) => {
    ctx.fillStyle = color;
    ctx.fill(path);
  };
  fill(bars, COLORS.bar);
  fill(barsGuessed, COLORS.barGuessed);
  fill(summaries, COLORS.summary);
  fill(errSummaries, COLORS.error);
  fill(eventSummaries, COLORS.eventSummary);
  fill(openBars, COLORS.open);
  fill(errBars, COLORS.error);
  // Density columns: bars narrower than a pixel, shaded by how many share the column.
  const buckets = DENSITY_ALPHA.map(() => new Path2D());
  for (let r = 0; r < rows; r++) {
    const base = r * pw;
    const y = rowTop(r) + BAR_TOP;
    for (let x = 0; x < pw; x++) {
      const n = density[base + x]!;
      if (n === 0) continue;
      buckets[n >= 64 ? 3 : n >= 8 ? 2 : n >= 2 ? 1 : 0]!.rect(x, y, 1, BAR_HEIGHT);
      drawn++;
    }
  }
  buckets.forEach((path, i) => {
    ctx.globalAlpha = DENSITY_ALPHA[i]!;
    fill(path, COLORS.bar);
  });
  ctx.globalAlpha = 1;
  for (const kind of MARK_ORDER) fill(marks[kind]!, MARK_COLOR[kind]!);
  ctx.fillStyle = COLORS.text;
  for (const l of labels) ctx.fillText(l.text, l.x, l.y);
  return { visited, drawn };
}

/** In-flight requests (growing to now), drawn on top of the cached tiles every frame. */
function renderOpen(ctx: CanvasRenderingContext2D, p: Omit<RenderParams, 'skipOpen' | 'filtering'>): number {
  const st = p.model.store;
  const path = new Path2D();
  let n = 0;
  for (const id of p.model.open.values()) {
    if (!st.has(id) || !p.pass(id)) continue;
    const s = st.slot(id);
    const row = p.rowOf[st.lane[s]!]!;
    if (row < 0) continue;
    const a = Math.max((st.t0[s]! - p.origin) * p.scale, -2);
    const b = Math.min((p.now - p.origin) * p.scale, p.pw + 2);
    if (b < -2 || a > p.pw + 2) continue;
    path.rect(a, rowTop(row) + BAR_TOP, Math.max(b - a, 2), BAR_HEIGHT);
    n++;
  }
  ctx.fillStyle = COLORS.open;
  ctx.fill(path);
  return n;
}

/**
 * Drawings of the settled past, TILE_WIDTH pixels each at one scale: following live or panning
 * only renders the newest tile; a change of scale, filter, lanes or size starts over, and a
 * change to an item in the past (a long request completing) drops the tiles from its start on.
 */
export class TileCache {
  private key = '';
  readonly tiles = new Map<number, HTMLCanvasElement>();
  private readonly pool: HTMLCanvasElement[] = [];

  /** Make the cache valid for `key`; drop tiles from time `changedFrom` (tileMs: a tile's span). */
  sync(key: string, changedFrom: number, tileMs: number): void {
    if (key !== this.key) {
      this.key = key;
      for (const k of [...this.tiles.keys()]) this.drop(k);
      return;
    }
    if (changedFrom === Number.POSITIVE_INFINITY) return;
    for (const k of [...this.tiles.keys()]) if ((k + 1) * tileMs + MARK_SLOP * (tileMs / TILE_WIDTH) >= changedFrom) this.drop(k);
  }

  drop(k: number): void {
    const c = this.tiles.get(k);
    if (!c) return;
    this.tiles.delete(k);
    if (this.pool.length < 64) this.pool.push(c);
  }

  canvas(width: number, height: number): HTMLCanvasElement {
    const c = this.pool.pop() ?? document.createElement('canvas');
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    } else c.getContext('2d')?.clearRect(0, 0, width, height);
    return c;
  }
}

export interface DrawInput extends HitGeometry {
  model: TimelineModel;
  /** Lane numbers in row order. */
  order: readonly number[];
  drivers: ReadonlyMap<string, string>;
  pass: (id: number) => boolean;
  /** False: no filter is set (pass() is not called). */
  filtering?: boolean;
  /** Identifies the filter (cached tiles are per filter). */
  filterKey?: string;
  selected: number | null;
  follow: boolean;
  dpr: number;
}

export function drawTimeline(ctx: CanvasRenderingContext2D, d: DrawInput, cache: TileCache | null = null): DrawStats {
  const { model, view, width, rows, rowOf, now } = d;
  const height = AXIS_HEIGHT + Math.max(rows, 2) * ROW_HEIGHT + 4;
  const pw = Math.max(1, Math.floor(width - LABEL_WIDTH));
  ctx.setTransform(d.dpr, 0, 0, d.dpr, 0, 0);
  ctx.fillStyle = COLORS.bg;
  ctx.fillRect(0, 0, width, height);

  // Rows.
  for (let r = 0; r < rows; r++) {
    ctx.fillStyle = r % 2 ? '#171a1f' : COLORS.bg;
    ctx.fillRect(LABEL_WIDTH, rowTop(r), pw, ROW_HEIGHT);
  }

  // Axis and grid.
  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = COLORS.panel;
  ctx.fillRect(0, 0, width, AXIS_HEIGHT);
  const ticks = axisTicks(view, pw);
  ctx.fillStyle = COLORS.grid;
  for (const t of ticks) ctx.fillRect(LABEL_WIDTH + Math.round(t.x), AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
  ctx.fillStyle = COLORS.muted;
  ctx.textAlign = 'left';
  for (const t of ticks) {
    const x = LABEL_WIDTH + Math.round(t.x);
    ctx.fillRect(x, AXIS_HEIGHT - 5, 1, 5);
    if (x + 3 < width - 20) ctx.fillText(t.label, x + 3, AXIS_HEIGHT / 2);
  }
  ctx.fillStyle = COLORS.border;
  ctx.fillRect(0, AXIS_HEIGHT - 1, width, 1);

  // Items.
  const stats: DrawStats = { visited: 0, drawn: 0, tiles: 0, rendered: 0 };
  const scale = pw / view.span;
  const mpp = view.span / pw;
  const viewEnd = view.start + view.span;
  const base = { model, rowOf, rows, now, pass: d.pass, filtering: d.filtering !== false };
  const add = (r: { visited: number; drawn: number }) => {
    stats.visited += r.visited;
    stats.drawn += r.drawn;
  };
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, AXIS_HEIGHT, pw, height - AXIS_HEIGHT);
  ctx.clip();
  ctx.translate(LABEL_WIDTH, 0);
  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  let liveFrom = view.start;
  if (cache) {
    const tileMs = TILE_WIDTH * mpp;
    cache.sync([mpp, rows, rowOf.join(','), d.filterKey ?? '', model.epoch, d.dpr, height].join('|'), model.changedFrom, tileMs);
    model.changedFrom = Number.POSITIVE_INFINITY;
    // Settled: no item can still appear or change before this (bar in-flight ones, drawn live).
    const settled = Number.isNaN(model.lastAt) ? Number.NEGATIVE_INFINITY : model.lastAt - 100;
    const abs = view.start * scale;
    const k0 = Math.floor(abs / TILE_WIDTH);
    const k1 = Math.floor((abs + pw) / TILE_WIDTH);
    liveFrom = viewEnd;
    for (let k = k0; k <= k1; k++) {
      const t0 = k * tileMs;
      const t1 = (k + 1) * tileMs;
      if (t1 + MARK_SLOP * mpp > settled) {
        liveFrom = Math.max(view.start, t0);
        break;
      }
      let tile = cache.tiles.get(k);
      if (!tile) {
        tile = cache.canvas(Math.ceil(TILE_WIDTH * d.dpr), Math.ceil(height * d.dpr));
        const tctx = tile.getContext('2d');
        if (!tctx) break;
        tctx.setTransform(d.dpr, 0, 0, d.dpr, 0, 0);
        tctx.font = ctx.font;
        tctx.textBaseline = 'middle';
        add(renderItems(tctx, { ...base, origin: t0, scale, pw: TILE_WIDTH, from: t0 - MARK_SLOP * mpp, to: t1 + MARK_SLOP * mpp, skipOpen: true }));
        cache.tiles.set(k, tile);
        stats.rendered++;
      }
      ctx.drawImage(tile, Math.round(k * TILE_WIDTH - abs), 0, TILE_WIDTH, height);
      stats.tiles++;
    }
    for (const k of [...cache.tiles.keys()]) if (k < k0 - 2 || k > k1 + 2) cache.drop(k);
  }
  if (liveFrom < viewEnd) {
    ctx.save();
    const x = Math.floor((liveFrom - view.start) * scale);
    ctx.beginPath();
    ctx.rect(x, AXIS_HEIGHT, pw - x, height - AXIS_HEIGHT);
    ctx.clip();
    add(renderItems(ctx, { ...base, origin: view.start, scale, pw, from: liveFrom - MARK_SLOP * mpp, to: viewEnd + MARK_SLOP * mpp, skipOpen: !!cache }));
    ctx.restore();
  }
  if (cache) stats.drawn += renderOpen(ctx, { ...base, origin: view.start, scale, pw, from: view.start, to: viewEnd });

  // Now line while following.
  if (d.follow && Number.isFinite(now)) {
    const x = timeToX(view, pw, now);
    if (x >= 0 && x <= pw) {
      ctx.fillStyle = COLORS.now;
      ctx.globalAlpha = 0.5;
      ctx.fillRect(Math.round(x), AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
      ctx.globalAlpha = 1;
    }
  }
  ctx.restore();

  // Selection.
  if (d.selected !== null) {
    const box = itemBox(model, d.selected, d);
    if (box && box.x1 >= LABEL_WIDTH - 6 && box.x0 <= width + 6) {
      ctx.strokeStyle = COLORS.selection;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(Math.max(box.x0, LABEL_WIDTH) - 3, box.y0 - 2, Math.min(box.x1, width) - Math.max(box.x0, LABEL_WIDTH) + 6, box.y1 - box.y0 + 4);
    }
  }

  // Lane labels.
  ctx.fillStyle = COLORS.panel;
  ctx.fillRect(0, AXIS_HEIGHT, LABEL_WIDTH, height - AXIS_HEIGHT);
  ctx.fillStyle = COLORS.border;
  ctx.fillRect(LABEL_WIDTH - 1, 0, 1, height);
  d.order.forEach((lane, r) => {
    const name = model.lanes[lane] ?? '';
    const top = rowTop(r);
    ctx.fillStyle = COLORS.text;
    ctx.font = '12px "DejaVu Sans Mono", "Liberation Mono", monospace';
    ctx.fillText(clip(ctx, name, LABEL_WIDTH - 12), 6, top + 11);
    const driver = d.drivers.get(name);
    if (driver) {
      ctx.fillStyle = COLORS.muted;
      ctx.font = '10px system-ui, "DejaVu Sans", sans-serif';
      ctx.fillText(driver, 6, top + 24);
    }
    ctx.fillStyle = COLORS.grid;
    ctx.fillRect(0, top + ROW_HEIGHT - 1, width, 1);
  });
  if (model.store.next === 0) {
    ctx.fillStyle = COLORS.muted;
    ctx.font = '12px system-ui, "DejaVu Sans", sans-serif';
    ctx.fillText('No requests yet: run some I/O (the console or its request bar) and it shows here.', LABEL_WIDTH + 12, AXIS_HEIGHT + ROW_HEIGHT / 2 + 4);
  }
  return stats;
}

function clip(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(t + '…').width > max) t = t.slice(0, -1);
  return t + '…';
}
