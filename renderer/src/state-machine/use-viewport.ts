// Zoom (buttons, wheel) and pan (drag) of the state machine's SVG: the viewBox follows the
// element's pixel size; until the user zooms or pans it fits the whole graph.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { fitView, panView, resizeView, scaleOf, toGraph, zoomCentre, zoomView, ZOOM_STEP, type Size, type View } from './viewport';

export interface Viewport {
  /** Attach to the <svg>. */
  ref: (el: SVGSVGElement | null) => void;
  view: View;
  px: Size;
  scale: number;
  fitted: boolean;
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
  /** Pointer handlers for the <svg> (drag to pan; clicks on items still work). */
  onPointerDown(e: ReactPointerEvent<SVGSVGElement>): void;
  onPointerMove(e: ReactPointerEvent<SVGSVGElement>): void;
  onPointerUp(e: ReactPointerEvent<SVGSVGElement>): void;
  /** True right after a drag, so the click that ends it selects nothing. */
  consumeDrag(): boolean;
  dragging: boolean;
}

const DRAG_THRESHOLD = 4;

export function useViewport(content: Size, resetKey: string): Viewport {
  const [el, setEl] = useState<SVGSVGElement | null>(null);
  const [px, setPx] = useState<Size>({ width: 0, height: 0 });
  const [manual, setManual] = useState<View | null>(null);
  const [dragging, setDragging] = useState(false);
  const pxRef = useRef(px);
  const drag = useRef<{ id: number; x: number; y: number; view: View; moved: boolean } | null>(null);
  const dragged = useRef(false);

  const view = manual ?? fitView(content, px);
  const viewRef = useRef(view);
  viewRef.current = view;

  // A new graph (other rules, another node) starts fitted again.
  useEffect(() => setManual(null), [resetKey]);

  useLayoutEffect(() => {
    if (!el) return;
    const read = () => {
      const r = el.getBoundingClientRect();
      const next = { width: Math.round(r.width), height: Math.round(r.height) };
      const old = pxRef.current;
      if (next.width === old.width && next.height === old.height) return;
      pxRef.current = next;
      setManual((m) => (m && old.width > 0 ? resizeView(m, old, next) : m));
      setPx(next);
    };
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);

  // The wheel zooms about the pointer (a native listener: React's is passive).
  useEffect(() => {
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const size = pxRef.current;
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      const factor = Math.exp(-Math.max(-300, Math.min(300, delta)) * 0.002);
      const v = viewRef.current;
      setManual(zoomView(v, factor, toGraph(v, size, e.clientX - r.left, e.clientY - r.top), size));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [el]);

  const zoomIn = useCallback(() => setManual(zoomCentre(viewRef.current, ZOOM_STEP, pxRef.current)), []);
  const zoomOut = useCallback(() => setManual(zoomCentre(viewRef.current, 1 / ZOOM_STEP, pxRef.current)), []);
  const fit = useCallback(() => setManual(null), []);

  const onPointerDown = useCallback((e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    dragged.current = false;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, view: viewRef.current, moved: false };
  }, []);
  const onPointerMove = useCallback((e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved) {
      if (Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      d.moved = true;
      setDragging(true);
      e.currentTarget.setPointerCapture(e.pointerId);
    }
    setManual(panView(d.view, dx, dy, pxRef.current));
  }, []);
  const onPointerUp = useCallback((e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    drag.current = null;
    if (d.moved) {
      dragged.current = true;
      setDragging(false);
      if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    }
  }, []);
  const consumeDrag = useCallback(() => {
    const was = dragged.current;
    dragged.current = false;
    return was;
  }, []);

  return { ref: setEl, view, px, scale: scaleOf(view, px), fitted: manual === null, zoomIn, zoomOut, fit, onPointerDown, onPointerMove, onPointerUp, consumeDrag, dragging };
}
