// Text widths for the layout, measured with a canvas in the view's own fonts (cached).
import { estimateWidth, FONTS, type Measure } from './layout';

let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export const canvasMeasure: Measure = (text, font) => {
  const key = `${font}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined) ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  let width: number;
  if (ctx) {
    ctx.font = FONTS[font];
    // A pixel of slack against rounding between canvas and SVG text.
    width = Math.ceil(ctx.measureText(text).width) + 1;
  } else {
    width = estimateWidth(text, font);
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, width);
  return width;
};
