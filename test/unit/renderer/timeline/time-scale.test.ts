import { describe, expect, it } from 'vitest';
import { axisTicks, clampSpan, fitView, followView, formatDuration, formatTime, MAX_SPAN, MIN_SPAN, niceStep, panBy, timeToX, xToTime, zoomAt } from '../../../../renderer/src/timeline/time-scale';

describe('time scale', () => {
  const view = { start: 1000, span: 2000 };

  it('maps times to pixels and back', () => {
    expect(timeToX(view, 400, 1000)).toBe(0);
    expect(timeToX(view, 400, 3000)).toBe(400);
    expect(timeToX(view, 400, 2000)).toBe(200);
    expect(xToTime(view, 400, 100)).toBe(1500);
    for (const x of [0, 17, 250.5, 400]) expect(timeToX(view, 400, xToTime(view, 400, x))).toBeCloseTo(x, 9);
  });

  it('zooms around an anchor that stays at the same pixel', () => {
    const z = zoomAt(view, 2, 1500);
    expect(z.span).toBe(1000);
    expect(timeToX(z, 400, 1500)).toBeCloseTo(timeToX(view, 400, 1500), 9);
    const out = zoomAt(z, 0.5, 1500);
    expect(out.span).toBe(2000);
    expect(out.start).toBeCloseTo(1000, 9);
  });

  it('clamps the span', () => {
    expect(zoomAt(view, 1e12, 1500).span).toBe(MIN_SPAN);
    expect(zoomAt(view, 1e-12, 1500).span).toBe(MAX_SPAN);
    expect(clampSpan(Number.NaN)).toBe(MAX_SPAN);
  });

  it('pans by pixels', () => {
    expect(panBy(view, 400, 100)).toEqual({ start: 500, span: 2000 });
    expect(panBy(view, 400, -200)).toEqual({ start: 2000, span: 2000 });
  });

  it('fits a range with margins and follows the newest time', () => {
    const f = fitView(100, 1100);
    expect(f.start).toBeLessThan(100);
    expect(f.start + f.span).toBeGreaterThan(1100);
    expect(fitView(50, 50).span).toBeGreaterThan(0);
    expect(fitView(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toEqual({ start: 0, span: 1000 });
    const fol = followView(view, 10_000);
    expect(fol.span).toBe(2000);
    expect(fol.start + fol.span).toBeGreaterThan(10_000);
    expect(timeToX(fol, 1000, 10_000)).toBeCloseTo(970, 6);
  });

  it('picks 1-2-5 steps', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(130)).toBe(200);
    expect(niceStep(0.0004)).toBeCloseTo(0.0005, 12);
  });

  it('makes readable axis ticks at least minPx apart', () => {
    const ticks = axisTicks({ start: 0, span: 10_000 }, 1000, 90);
    expect(ticks.map((t) => t.label)).toEqual(['0 s', '1 s', '2 s', '3 s', '4 s', '5 s', '6 s', '7 s', '8 s', '9 s', '10 s']);
    const fine = axisTicks({ start: 1234, span: 10 }, 500, 90);
    for (let i = 1; i < fine.length; i++) expect(fine[i]!.x - fine[i - 1]!.x).toBeGreaterThanOrEqual(90 - 1e-6);
    expect(fine[0]!.label).toBe('1.234 s');
    expect(axisTicks({ start: 0, span: 1000 }, 0)).toEqual([]);
  });

  it('formats times and durations', () => {
    expect(formatTime(1500, 100)).toBe('1.5 s');
    expect(formatTime(1500, 1000)).toBe('2 s');
    expect(formatTime(65_250, 10)).toBe('1:05.25');
    expect(formatTime(3_725_000, 1000)).toBe('1:02:05');
    expect(formatTime(-2000, 1000)).toBe('-2 s');
    expect(formatTime(3479.4583, 0.001)).toBe('3.479458 s');
    expect(formatDuration(0.25)).toBe('250 µs');
    expect(formatDuration(4.5)).toBe('4.50 ms');
    expect(formatDuration(12.34)).toBe('12.3 ms');
    expect(formatDuration(10_000)).toBe('10.00 s');
  });
});
