// The "Timeline" panel: every request and debug/blkdebug event of the session over time, one lane
// per node, drawn on a canvas at most once per animation frame from the event log (never per
// event). Filters, zoom/pan/follow live, click to select (an error-injected or rule-matched
// marker selects its rule in the editor, a request-suspended marker points at the parked request),
// a details pane, and a visually hidden table of the newest items in view for screen readers.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { eventLog, useEventLogVersion } from '../events/event-log';
import { currentLint, useRulesStore } from '../rules/rules-store';
import { useSessionStore } from '../session-store';
import { editorLines } from '../state-machine/rule-lines';
import { errnoName, itemDetail, ruleOf, type ItemDetail } from './details';
import { drawTimeline, TileCache } from './draw';
import { countItems, countsText, isFiltering, itemFilter, KIND_FILTERS, NO_FILTER, type KindFilter, type TimelineCounts, type TimelineFilter } from './filter';
import { hitTest, itemBox, type HitGeometry } from './hit-test';
import { canvasHeight, laneRows, LABEL_WIDTH, treeDrivers, treeOrder } from './layout';
import { fitView, followView, formatDuration, formatTime, panBy, zoomAt, type TimeView } from './time-scale';
import { latestInWindow, OPS, TimelineModel } from './timeline-model';
import { useTimelineStore } from './timeline-store';
import './timeline.css';

/** Rows of the accessible list (the newest items in view). */
const LIST_ROWS = 50;
/** The lists, filters and status re-render at most this often (ms) while events stream. */
const UI_INTERVAL = 250;
const DEFAULT_SPAN = 10_000;

let sharedModel: TimelineModel | null = null;
/** One model per window, kept across remounts (it reads the event log incrementally). */
function timelineModel(): TimelineModel {
  sharedModel ??= new TimelineModel();
  return sharedModel;
}

declare global {
  interface Window {
    /** Figures of the last frames (benchmarks read them). */
    __blkstudioTimeline?: { frames: number; lastDrawMs: number; items: number; visited: number; drawn: number; tiles: number; rendered: number };
  }
}

/**
 * The line of the editor's text (1-based, as Monaco numbers it) where the rule an item names is
 * written: the section of the editor's parsed text that says the same thing, else the line it
 * was applied from (the same text, when the editor shows what the session applied).
 */
function editorLineOf(d: ItemDetail): number | null {
  if (d.ruleId === null) return null;
  const bd = useSessionStore.getState().snapshot?.blkdebug.find((b) => b.node === d.node);
  if (!bd) return null;
  const rules = useRulesStore.getState();
  const sections = (currentLint(rules) ?? rules.lint)?.sections ?? null;
  return editorLines(bd.rules, sections).get(d.ruleId) ?? bd.rules.find((r) => r.id === d.ruleId)?.source.line ?? null;
}

function describeRule(d: ItemDetail): string | null {
  if (d.ruleId === null) return null;
  const rule = ruleOf(useSessionStore.getState().snapshot, d.node, d.ruleId);
  if (!rule) return `#${d.ruleId}`;
  const what = rule.kind === 'inject-error' ? `inject-error ${rule.event} errno ${rule.errno ?? 5}` : rule.kind === 'set-state' ? `set-state ${rule.event} ${rule.state} → ${rule.newState ?? 0}` : `break ${rule.event} ${rule.tag ?? ''}`;
  const line = editorLineOf(d);
  return `#${d.ruleId} ${what}${rule.state && rule.kind === 'inject-error' ? ` in state ${rule.state}` : ''}${line !== null ? ` (line ${line})` : ''}`;
}

/** Select the rule an item names in the editor/builder/state machine (as the state machine view does). */
function selectRuleOf(d: ItemDetail): boolean {
  const line = editorLineOf(d);
  if (line === null) return false;
  useRulesStore.getState().select(line);
  return true;
}

function showSuspended(d: ItemDetail): void {
  if (d.tag === null) return;
  useTimelineStore.getState().focusSuspended(d.node, d.tag);
  document.querySelector('section[aria-label="Suspended requests"]')?.scrollIntoView({ block: 'nearest' });
}

function resultText(d: ItemDetail): string {
  if (d.inFlight) return 'in flight';
  if (d.count !== null) return `×${d.count}`;
  if (d.errno !== null) return d.errno === 0 ? 'ok' : `errno ${errnoName(d.errno)}`;
  return d.error ? 'error' : '';
}

export function Timeline() {
  const root = useSessionStore((s) => s.snapshot?.image?.root ?? null);
  const tree = useMemo(() => treeOrder(root), [root]);
  const drivers = useMemo(() => treeDrivers(root), [root]);
  const [filter, setFilter] = useState<TimelineFilter>(NO_FILTER);
  const [follow, setFollow] = useState(true);
  const [selected, setSelected] = useState<number | null>(null);
  const [, setUiTick] = useState(0);
  const model = timelineModel();
  const viewRef = useRef<TimeView>({ start: 0, span: DEFAULT_SPAN });
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const geometry = useRef<HitGeometry | null>(null);
  const live = useRef({ filter, follow, selected, tree, drivers });
  live.current = { filter, follow, selected, tree, drivers };
  const eventsListId = useId();

  // ---- the frame loop: sync the model, draw, and now and then let React update the lists ----
  const loop = useMemo(() => {
    let raf = 0;
    let growTimer: ReturnType<typeof setTimeout> | null = null;
    let uiTimer: ReturnType<typeof setTimeout> | null = null;
    let lastUi = 0;
    let frames = 0;
    const tiles = new TileCache();
    const bumpUi = () => {
      uiTimer = null;
      lastUi = performance.now();
      setUiTick((n) => n + 1);
    };
    const frame = () => {
      raf = 0;
      const t0 = performance.now();
      const changed = model.sync(eventLog, t0);
      const canvas = canvasRef.current;
      const wrap = wrapRef.current;
      if (!canvas || !wrap) return;
      const { filter: f, follow: fol, selected: sel, tree: tr, drivers: dr } = live.current;
      const now = model.now(t0);
      if (fol && model.store.next > 0) viewRef.current = followView(viewRef.current, Math.max(now, model.tMax));
      const { order, rowOf } = laneRows(model.lanes, tr, f.node);
      const width = Math.max(LABEL_WIDTH + 50, wrap.clientWidth);
      const height = canvasHeight(order.length);
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr);
        canvas.height = Math.round(height * dpr);
        canvas.style.width = `${width}px`;
        canvas.style.height = `${height}px`;
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const g: HitGeometry = { view: viewRef.current, width, rowOf, rows: order.length, now };
      geometry.current = g;
      const stats = drawTimeline(ctx, { ...g, model, order, drivers: dr, pass: itemFilter(model, f), filtering: isFiltering(f), filterKey: JSON.stringify(f), selected: sel, follow: fol, dpr }, tiles);
      frames++;
      window.__blkstudioTimeline = { frames, lastDrawMs: performance.now() - t0, items: model.store.next - model.store.first(), ...stats };
      if (changed || uiTimer === null) {
        // Lists, status and details follow at most every UI_INTERVAL.
        const wait = UI_INTERVAL - (performance.now() - lastUi);
        if (wait <= 0) bumpUi();
        else if (uiTimer === null) uiTimer = setTimeout(bumpUi, wait);
      }
      // In-flight bars grow: redraw ~10 times a second while any is open.
      if (model.open.size > 0 && growTimer === null) {
        growTimer = setTimeout(() => {
          growTimer = null;
          schedule();
        }, 100);
      }
    };
    const schedule = () => {
      if (raf === 0) raf = requestAnimationFrame(frame);
    };
    const stop = () => {
      if (raf) cancelAnimationFrame(raf);
      if (growTimer) clearTimeout(growTimer);
      if (uiTimer) clearTimeout(uiTimer);
      raf = 0;
      growTimer = uiTimer = null;
    };
    return { schedule, stop };
  }, [model]);

  useEffect(() => {
    const unsub = useEventLogVersion.subscribe(() => loop.schedule());
    const ro = new ResizeObserver(() => loop.schedule());
    if (wrapRef.current) ro.observe(wrapRef.current);
    loop.schedule();
    return () => {
      unsub();
      ro.disconnect();
      loop.stop();
    };
  }, [loop]);

  useEffect(() => loop.schedule(), [loop, filter, follow, selected, tree, drivers]);

  // ---- view changes ----
  const setView = useCallback(
    (v: TimeView, keepFollow = false) => {
      viewRef.current = v;
      if (!keepFollow) setFollow(false);
      loop.schedule();
    },
    [loop],
  );
  const plotWidth = () => Math.max(1, (wrapRef.current?.clientWidth ?? 800) - LABEL_WIDTH);
  const zoom = (factor: number, anchorX?: number) => {
    const v = viewRef.current;
    const following = live.current.follow;
    // Following: zoom around the live edge and keep following.
    const anchor = following ? v.start + v.span * 0.97 : v.start + (anchorX === undefined ? 0.5 : anchorX / plotWidth()) * v.span;
    setView(zoomAt(v, factor, anchor), following);
  };
  const fit = () => {
    if (model.store.next === 0) return;
    setView(fitView(model.tMin, Math.max(model.tMax, model.now(performance.now()))));
  };

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const x = e.clientX - rect.left - LABEL_WIDTH;
      const dx = e.shiftKey ? e.deltaY : e.deltaX;
      if (Math.abs(dx) > Math.abs(e.deltaY) || e.shiftKey) setView(panBy(viewRef.current, plotWidth(), -dx));
      else zoomRef.current(Math.exp(-e.deltaY * 0.0015), Math.max(0, x));
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [setView]);
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;

  // ---- selection ----
  const select = useCallback(
    (id: number | null) => {
      setSelected(id);
      if (id === null) return;
      const d = itemDetail(model, id);
      if (!d) return;
      if (d.type === 'error-injected' || d.type === 'rule-matched') selectRuleOf(d);
      else if (d.type === 'request-suspended') showSuspended(d);
    },
    [model],
  );

  const drag = useRef<{ x: number; start: TimeView; moved: boolean; id: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, start: viewRef.current, moved: false, id: e.pointerId };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (!d.moved && Math.abs(dx) < 4) return;
    d.moved = true;
    setView(panBy(d.start, plotWidth(), dx));
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const g = geometry.current;
    if (!g) return;
    const rect = e.currentTarget.getBoundingClientRect();
    select(hitTest(model, g, e.clientX - rect.left, e.clientY - rect.top, itemFilter(model, live.current.filter)));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const step = plotWidth() / 8;
    if (e.key === 'ArrowLeft') setView(panBy(viewRef.current, plotWidth(), step));
    else if (e.key === 'ArrowRight') setView(panBy(viewRef.current, plotWidth(), -step));
    else if (e.key === '+' || e.key === '=') zoom(1.5);
    else if (e.key === '-') zoom(1 / 1.5);
    else if (e.key === 'Escape') select(null);
    else return;
    e.preventDefault();
  };

  // ---- what React shows (re-rendered at most every UI_INTERVAL while events stream) ----
  const wall = performance.now();
  const now = model.now(wall);
  const v = viewRef.current;
  const pass = itemFilter(model, filter);
  const listIds = latestInWindow(model, v.start, v.start + v.span, now, LIST_ROWS, pass);
  const g = geometry.current;
  const detail = selected !== null ? itemDetail(model, selected) : null;
  const laneNames = [...new Set([...tree, ...model.lanes])];
  const eventNames = [...model.eventNames].sort();
  const update = (patch: Partial<TimelineFilter>) => setFilter((f) => ({ ...f, ...patch }));
  // Counted again only when the items or the filter changed (a scan of every item kept).
  const filterKey = JSON.stringify(filter);
  const counted = useRef<{ version: number; key: string; counts: TimelineCounts } | null>(null);
  if (!counted.current || counted.current.version !== model.version || counted.current.key !== filterKey) {
    counted.current = { version: model.version, key: filterKey, counts: countItems(model, filter) };
  }
  const counts = counted.current.counts;

  return (
    <section className="panel tl" aria-label="Timeline">
      <div className="tl-head">
        <h2 className="panel-title">Timeline</h2>
        <div className="tl-filters" role="group" aria-label="Timeline filters">
          <select aria-label="Node" title="Show one node's lane" value={filter.node ?? ''} onChange={(e) => update({ node: e.target.value || null })}>
            <option value="">All nodes</option>
            {laneNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <select aria-label="Operation" title="Operation" value={filter.op ?? ''} onChange={(e) => update({ op: e.target.value || null })}>
            <option value="">All operations</option>
            {OPS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <select aria-label="Event type" title="Kind of item" value={filter.kind} onChange={(e) => update({ kind: e.target.value as KindFilter })}>
            {KIND_FILTERS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          <input
            className="tl-event"
            aria-label="Event name"
            title="A debug/blkdebug event name (write_aio, flush_to_disk ...)"
            placeholder="event name"
            list={eventsListId}
            value={filter.event}
            onChange={(e) => update({ event: e.target.value.trim() })}
            spellCheck={false}
            autoComplete="off"
          />
          <datalist id={eventsListId}>
            {eventNames.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <label className="tl-check">
            <input type="checkbox" checked={filter.errorsOnly} onChange={(e) => update({ errorsOnly: e.target.checked })} />
            Errors only
          </label>
          {isFiltering(filter) && (
            <button type="button" className="tl-btn" onClick={() => setFilter(NO_FILTER)}>
              Clear filters
            </button>
          )}
        </div>
        <span className="tl-spacer" />
        <span className="tl-zoom" role="group" aria-label="Time zoom">
          <button type="button" className="tl-btn" aria-label="Zoom out" title="Zoom out (-)" onClick={() => zoom(1 / 2)}>
            −
          </button>
          <button type="button" className="tl-btn" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoom(2)}>
            +
          </button>
          <button type="button" className="tl-btn" title="Show everything recorded" onClick={fit}>
            Fit
          </button>
          <button
            type="button"
            className="tl-btn tl-follow"
            aria-pressed={follow}
            title="Keep the newest time in view"
            onClick={() => {
              setFollow(!follow);
              loop.schedule();
            }}
          >
            Follow live
          </button>
          <button
            type="button"
            className="tl-btn"
            title="Forget what is shown (new events still appear)"
            onClick={() => {
              model.clear(eventLog);
              setSelected(null);
              loop.schedule();
            }}
          >
            Clear
          </button>
        </span>
      </div>

      <div className="tl-body">
        <div className="tl-canvas-wrap" ref={wrapRef}>
          <canvas
            ref={canvasRef}
            className="tl-canvas"
            tabIndex={0}
            role="img"
            aria-label={`Timeline chart, ${formatTime(v.start, v.span / 10)} to ${formatTime(v.start + v.span, v.span / 10)}: arrows pan, + and - zoom, click selects`}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => (drag.current = null)}
            onKeyDown={onKeyDown}
          />
          <div className="tl-status" aria-label="Timeline status">
            {countsText(counts, isFiltering(filter))}
            {model.dropped > 0 && ` · ${model.dropped} events overwritten before drawn`} · span {formatDuration(v.span)}
          </div>
        </div>
        <aside className="tl-details" aria-label="Timeline selection">
          {detail ? (
            <Details detail={detail} now={now} />
          ) : (
            <p className="muted tl-hint">Click a bar or marker for its details. Red: failed requests and injected errors; amber: in flight.</p>
          )}
        </aside>
      </div>

      <div className="tl-sr-only">
        <table aria-label="Timeline events">
          <caption>
            The {listIds.length} newest items in view{isFiltering(filter) ? ' (filtered)' : ''}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Node</th>
              <th scope="col">Type</th>
              <th scope="col">Operation</th>
              <th scope="col">Offset</th>
              <th scope="col">Bytes</th>
              <th scope="col">Result</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {listIds.map((id, i) => {
              const d = itemDetail(model, id)!;
              const box = g ? itemBox(model, id, g) : null;
              return (
                <tr
                  // Keyed by position: while events stream the rows change text, not identity.
                  key={i}
                  data-item={id}
                  data-type={d.type}
                  data-x={box ? Math.round(Math.min(Math.max(box.x0 + Math.min(2, (box.x1 - box.x0) / 2), LABEL_WIDTH + 1), g!.width - 1)) : undefined}
                  data-y={box ? Math.round((box.y0 + box.y1) / 2) : undefined}
                  aria-selected={selected === id}
                >
                  <td>
                    <button type="button" onClick={() => select(id)}>
                      {formatTime(d.at, 0.001)}
                    </button>
                  </td>
                  <td>{d.node}</td>
                  <td>{d.type}</td>
                  <td>{d.op ?? ''}</td>
                  <td>{d.offset ?? ''}</td>
                  <td>{d.bytes ?? ''}</td>
                  <td>{resultText(d)}</td>
                  <td>{d.ruleId ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Details({ detail: d, now }: { detail: ItemDetail; now: number }) {
  const rule = describeRule(d);
  const rows: Array<[string, string]> = [
    ['Type', d.type],
    ['Node', d.node],
  ];
  if (d.op) rows.push(['Operation', d.op]);
  if (d.offset !== null) rows.push(['Offset', String(d.offset)]);
  if (d.bytes !== null) rows.push(['Bytes', String(d.bytes)]);
  if (d.errno !== null) rows.push(['Errno', d.errno === 0 ? '0 (ok)' : errnoName(d.errno)]);
  rows.push(['Time', formatTime(d.at, 0.001)]);
  if (d.type === 'request') rows.push(['Duration', d.inFlight ? `${formatDuration(now - d.at)} (in flight)` : formatDuration((d.end ?? d.at) - d.at)]);
  if (d.event) rows.push(['Event', d.event]);
  if (d.tag) rows.push(['Tag', d.tag]);
  if (d.count !== null) rows.push(['Count', String(d.count)]);
  if (rule) rows.push(['Rule', rule]);
  if (d.note) rows.push(['Note', d.note]);
  return (
    <>
      <h3 className={d.error ? 'tl-detail-title tl-error' : 'tl-detail-title'}>{d.type}</h3>
      <dl className="tl-dl">
        {rows.map(([k, val]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{val}</dd>
          </div>
        ))}
      </dl>
      {d.ruleId !== null && (
        <button type="button" className="tl-btn" onClick={() => selectRuleOf(d)}>
          Select rule
        </button>
      )}
      {d.type === 'request-suspended' && d.tag && (
        <button type="button" className="tl-btn" onClick={() => showSuspended(d)}>
          Show parked request
        </button>
      )}
    </>
  );
}
