// Where the hex view is: the viewport height, the (possibly scaled) scroll model, the top row,
// the cursor and selection anchor, and jumps (timed for the benchmark, see SectorDiff.tsx).
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { ROW_BYTES, ScrollModel } from './sector-diff-model';

export const ROW_HEIGHT = 18;
const DEFAULT_VIEWPORT = 22 * ROW_HEIGHT;

export interface Navigation {
  scrollRef: RefObject<HTMLDivElement | null>;
  model: ScrollModel;
  viewportHeight: number;
  totalRows: number;
  topRow: number;
  /** Rows shown (the last screen may be short). */
  visibleRows: number;
  viewOffset: number;
  viewBytes: number;
  cursor: number;
  anchor: number;
  selStart: number;
  selEnd: number;
  onScroll(): void;
  /** Put the cursor on `offset`'s row and bring it into view; the paint is timed. */
  jumpTo(offset: number): void;
  moveCursor(row: number, extend: boolean): void;
  /** A click on a row: the cursor there, the anchor too unless extending. */
  pointAt(offset: number, extend: boolean): void;
  /** Call once the rows of the view are painted with data: ends a timed jump. */
  rowsPainted(ready: boolean): void;
}

/** `pairKey` changes with the pair or the image: the view goes back to the top. */
export function useNavigation(length: number, pairKey: string, panelRef: RefObject<HTMLElement | null>): Navigation {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewportHeight, setViewportHeight] = useState(DEFAULT_VIEWPORT);
  const totalRows = Math.ceil(length / ROW_BYTES);
  const model = useMemo(() => new ScrollModel(totalRows, ROW_HEIGHT, viewportHeight), [totalRows, viewportHeight]);
  const [topRow, setTopRow] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [anchor, setAnchor] = useState(0);
  const expectedScroll = useRef<number | null>(null);
  const modelRef = useRef(model);
  modelRef.current = model;
  const topRef = useRef(topRow);
  topRef.current = topRow;

  const scrollToRow = useCallback((row: number) => {
    const m = modelRef.current;
    const top = m.clampRow(row);
    setTopRow(top);
    const el = scrollRef.current;
    if (el) {
      const st = m.scrollFor(top);
      expectedScroll.current = st;
      el.scrollTop = st;
    }
  }, []);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportHeight(el.clientHeight || DEFAULT_VIEWPORT));
    ro.observe(el);
    // The wheel moves by rows in both scroll models (a scaled scrollbar pixel spans many rows).
    const onWheel = (e: WheelEvent) => {
      if (e.deltaY === 0) return;
      e.preventDefault();
      const rows = e.deltaMode === 1 ? e.deltaY : e.deltaMode === 2 ? e.deltaY * modelRef.current.visibleRows : e.deltaY / ROW_HEIGHT;
      scrollToRow(topRef.current + (rows > 0 ? Math.max(1, Math.round(rows)) : Math.min(-1, Math.round(rows))));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      ro.disconnect();
      el.removeEventListener('wheel', onWheel);
    };
  }, [scrollToRow, pairKey]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const st = el.scrollTop;
    if (expectedScroll.current !== null && Math.abs(st - expectedScroll.current) < 2) {
      expectedScroll.current = null;
      return;
    }
    expectedScroll.current = null;
    setTopRow(model.rowAt(st));
  };

  // A new pair or image: back to the top.
  useEffect(() => {
    setTopRow(0);
    setCursor(0);
    setAnchor(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [pairKey]);

  const jump = useRef<{ start: number; offset: number } | null>(null);
  const jumpTo = useCallback(
    (offset: number) => {
      const row = Math.floor(offset / ROW_BYTES);
      jump.current = { start: performance.now(), offset };
      setCursor(row * ROW_BYTES);
      setAnchor(row * ROW_BYTES);
      scrollToRow(modelRef.current.topFor(row));
    },
    [scrollToRow],
  );

  const rowsPainted = (ready: boolean) => {
    const j = jump.current;
    if (!j || !ready) return;
    jump.current = null;
    // The frame with these rows is painted right after this animation frame's callbacks.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const end = performance.now();
        const ms = Math.round((end - j.start) * 10) / 10;
        performance.measure('sector-diff jump', { start: j.start, end });
        window.__blkstudioDiffJumpMs = ms;
        panelRef.current?.setAttribute('data-jump-ms', String(ms));
        panelRef.current?.setAttribute('data-jump-offset', String(j.offset));
      }, 0),
    );
  };

  const moveCursor = (row: number, extend: boolean) => {
    const m = modelRef.current;
    const r = Math.min(Math.max(0, row), Math.max(0, totalRows - 1));
    setCursor(r * ROW_BYTES);
    if (!extend) setAnchor(r * ROW_BYTES);
    if (r < topRow) scrollToRow(r);
    else if (r >= topRow + m.visibleRows) scrollToRow(r - m.visibleRows + 1);
  };

  const pointAt = (offset: number, extend: boolean) => {
    setCursor(offset);
    if (!extend) setAnchor(offset);
    scrollRef.current?.focus({ preventScroll: true });
  };

  const visibleRows = Math.min(model.visibleRows, Math.max(0, totalRows - topRow));
  return {
    scrollRef,
    model,
    viewportHeight,
    totalRows,
    topRow,
    visibleRows,
    viewOffset: topRow * ROW_BYTES,
    viewBytes: visibleRows * ROW_BYTES,
    cursor,
    anchor,
    selStart: Math.min(cursor, anchor),
    selEnd: Math.max(cursor, anchor) + ROW_BYTES,
    onScroll,
    jumpTo,
    moveCursor,
    pointAt,
    rowsPainted,
  };
}
