// Zoom and pan as pure math on the SVG viewBox. The viewBox always has the aspect ratio of the
// element's pixel size, so one scale (px per graph unit) describes it: scale = px.width / view.w.

export interface View {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.15;
export const MAX_SCALE = 4;
/** Fit never magnifies beyond this: a lone state stays at a natural size. */
export const FIT_MAX_SCALE = 1.25;
export const ZOOM_STEP = 1.25;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function scaleOf(view: View, px: Size): number {
  return view.w > 0 ? px.width / view.w : 1;
}

/** The whole content (0,0 to width,height) centred, with `margin` px around it. */
export function fitView(content: Size, px: Size, margin = 8): View {
  const pw = Math.max(1, px.width);
  const ph = Math.max(1, px.height);
  const cw = Math.max(1, content.width);
  const ch = Math.max(1, content.height);
  const scale = clamp(Math.min((pw - 2 * margin) / cw, (ph - 2 * margin) / ch), MIN_SCALE / 4, FIT_MAX_SCALE);
  const w = pw / scale;
  const h = ph / scale;
  return { x: cw / 2 - w / 2, y: ch / 2 - h / 2, w, h };
}

/** Zoom by `factor` (>1: in) keeping the graph point `anchor` where it is on screen. */
export function zoomView(view: View, factor: number, anchor: { x: number; y: number }, px: Size): View {
  const scale = scaleOf(view, px);
  const next = clamp(scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / next;
  return { x: anchor.x - (anchor.x - view.x) * k, y: anchor.y - (anchor.y - view.y) * k, w: view.w * k, h: view.h * k };
}

/** Zoom about the centre (the buttons). */
export function zoomCentre(view: View, factor: number, px: Size): View {
  return zoomView(view, factor, { x: view.x + view.w / 2, y: view.y + view.h / 2 }, px);
}

/** Move the view by a drag of (dx, dy) screen pixels: the content follows the pointer. */
export function panView(view: View, dx: number, dy: number, px: Size): View {
  const scale = scaleOf(view, px);
  return { ...view, x: view.x - dx / scale, y: view.y - dy / scale };
}

/** The element was resized: keep the scale and the centre. */
export function resizeView(view: View, oldPx: Size, newPx: Size): View {
  const scale = scaleOf(view, oldPx);
  const cx = view.x + view.w / 2;
  const cy = view.y + view.h / 2;
  const w = newPx.width / scale;
  const h = newPx.height / scale;
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

/** A screen point (relative to the element's top-left) in graph coordinates. */
export function toGraph(view: View, px: Size, sx: number, sy: number): { x: number; y: number } {
  const scale = scaleOf(view, px);
  return { x: view.x + sx / scale, y: view.y + sy / scale };
}
