// The timeline's view of time: which span of the session clock (ms) the canvas shows, the maths
// of zooming around a point and panning by pixels, and the ticks of the time axis. Pure.

export interface TimeView {
  /** Session time (ms) at the left edge of the plot. */
  start: number;
  /** Milliseconds across the plot. */
  span: number;
}

/** 10 µs to one day across the plot. */
export const MIN_SPAN = 0.01;
export const MAX_SPAN = 86_400_000;

export const clampSpan = (span: number): number => Math.min(MAX_SPAN, Math.max(MIN_SPAN, Number.isFinite(span) ? span : MAX_SPAN));

export function timeToX(view: TimeView, width: number, t: number): number {
  return ((t - view.start) / view.span) * width;
}

export function xToTime(view: TimeView, width: number, x: number): number {
  return view.start + (x / Math.max(1, width)) * view.span;
}

/** Zoom by `factor` (>1 zooms in) keeping time `anchor` at the same pixel. */
export function zoomAt(view: TimeView, factor: number, anchor: number): TimeView {
  const span = clampSpan(view.span / factor);
  const ratio = view.span > 0 ? (anchor - view.start) / view.span : 0;
  return { start: anchor - ratio * span, span };
}

/** Move by `dx` pixels (positive: the content moves right, i.e. earlier times come into view). */
export function panBy(view: TimeView, width: number, dx: number): TimeView {
  return { start: view.start - (dx / Math.max(1, width)) * view.span, span: view.span };
}

/** A view showing [t0, t1] with a small margin on both sides (a minimal span when t0 = t1). */
export function fitView(t0: number, t1: number, margin = 0.03): TimeView {
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) return { start: 0, span: 1000 };
  const raw = Math.max(t1 - t0, 1);
  const span = clampSpan(raw * (1 + 2 * margin));
  return { start: t0 - (span - raw) / 2, span };
}

/** Follow live: the newest time `t` at the right edge (slightly inside), the span unchanged. */
export function followView(view: TimeView, t: number): TimeView {
  return { start: t - view.span * 0.97, span: view.span };
}

/** The 1-2-5 step (ms) nearest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  for (const m of [1, 2, 5, 10]) if (m * base >= raw * (1 - 1e-9)) return m * base;
  return 10 * base;
}

export interface Tick {
  t: number;
  x: number;
  label: string;
}

/** Axis ticks at least `minPx` apart, labelled with as many decimals as the step needs. */
export function axisTicks(view: TimeView, width: number, minPx = 90): Tick[] {
  if (width <= 0 || !(view.span > 0)) return [];
  const step = niceStep((view.span * minPx) / width);
  const first = Math.ceil(view.start / step) * step;
  const ticks: Tick[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = first + i * step;
    if (t > view.start + view.span) break;
    ticks.push({ t, x: timeToX(view, width, t), label: formatTime(t, step) });
  }
  return ticks;
}

/** Session time as `12.345 s`, `2:05.5`, `1:02:03`, with decimals down to the step's size. */
export function formatTime(ms: number, step = 1): string {
  const neg = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const decimals = step >= 1000 ? 0 : Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / 1000) - 1e-9)));
  const s = abs / 1000;
  if (s < 60) return `${neg}${s.toFixed(decimals)} s`;
  const m = Math.floor(s / 60);
  const sec = s - m * 60;
  const secText = sec.toFixed(decimals).padStart(decimals ? decimals + 3 : 2, '0');
  if (m < 60) return `${neg}${m}:${secText}`;
  return `${neg}${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${secText}`;
}

/** A duration as `850 µs`, `12.3 ms`, `4.20 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
