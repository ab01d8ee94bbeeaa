import { describe, expect, it } from 'vitest';
import { FIT_MAX_SCALE, MAX_SCALE, fitView, panView, resizeView, scaleOf, toGraph, zoomCentre, zoomView } from '../../../../renderer/src/state-machine/viewport';

const px = { width: 500, height: 300 };

describe('viewport', () => {
  it('fit shows the whole content, centred, with the element aspect ratio', () => {
    const v = fitView({ width: 2000, height: 400 }, px);
    expect(v.w / v.h).toBeCloseTo(500 / 300);
    expect(v.x).toBeLessThanOrEqual(0);
    expect(v.x + v.w).toBeGreaterThanOrEqual(2000);
    expect(v.y).toBeLessThanOrEqual(0);
    expect(v.y + v.h).toBeGreaterThanOrEqual(400);
    expect(v.x + v.w / 2).toBeCloseTo(1000);
  });

  it('fit does not blow a small graph up', () => {
    const v = fitView({ width: 100, height: 40 }, px);
    expect(scaleOf(v, px)).toBeCloseTo(FIT_MAX_SCALE);
  });

  it('zooms about an anchor, within limits', () => {
    const v = fitView({ width: 1000, height: 600 }, px);
    const anchor = { x: 300, y: 200 };
    const z = zoomView(v, 2, anchor, px);
    expect(scaleOf(z, px)).toBeCloseTo(scaleOf(v, px) * 2);
    // The anchor stays at the same fraction of the view.
    expect((anchor.x - z.x) / z.w).toBeCloseTo((anchor.x - v.x) / v.w);
    let big = v;
    for (let i = 0; i < 40; i++) big = zoomCentre(big, 1.25, px);
    expect(scaleOf(big, px)).toBeCloseTo(MAX_SCALE);
  });

  it('pans with the pointer and keeps scale and centre on resize', () => {
    const v = { x: 0, y: 0, w: 1000, h: 600 };
    const p = panView(v, 50, -25, px);
    expect(p.x).toBeCloseTo(-100);
    expect(p.y).toBeCloseTo(50);
    const r = resizeView(v, px, { width: 250, height: 300 });
    expect(scaleOf(r, { width: 250, height: 300 })).toBeCloseTo(0.5);
    expect(r.x + r.w / 2).toBeCloseTo(500);
    expect(toGraph(v, px, 250, 150)).toEqual({ x: 500, y: 300 });
  });
});
