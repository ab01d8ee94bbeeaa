// Suspended requests: the requests parked by blkdebug breakpoints on every blkdebug node, live
// (their parked time ticks between snapshots), with Resume / Remove breakpoint per row, Resume
// all, every breakpoint of the session (armed, fired or removed, with Re-arm) and a form to set
// a new breakpoint.
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { BLKDEBUG_EVENT_DOCS } from '../../../src/api';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { useTimelineStore } from '../timeline/timeline-store';
import { BreakpointList } from './BreakpointList';
import { breakpointRows, formatBytes, formatDuration, liveParkedMs, parkedRows } from './suspended-model';
import './suspended.css';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Re-render ~4x/s while something is parked, so parked times tick. */
function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    setNow(performance.now());
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function Bytes({ value }: { value: number | null }) {
  const text = formatBytes(value);
  const i = text.indexOf(' (');
  if (i < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <span className="susp-hint">{text.slice(i)}</span>
    </>
  );
}

export function SuspendedRequests() {
  const api = useApi();
  const snapshot = useSessionStore((s) => s.snapshot);
  const receivedAt = useSessionStore((s) => s.snapshotReceivedAt);
  const rows = useMemo(() => parkedRows(snapshot), [snapshot]);
  const breakpoints = useMemo(() => breakpointRows(snapshot), [snapshot]);
  const nodes = useMemo(() => snapshot?.blkdebug.map((b) => b.node) ?? [], [snapshot]);
  const multiNode = nodes.length > 1;
  const now = useTicker(rows.length > 0);
  // The timeline points here when a request-suspended marker is clicked.
  const focused = useTimelineStore((s) => s.focusedSuspended);
  const scrollToFocused = useCallback((row: HTMLTableRowElement | null) => row?.scrollIntoView({ block: 'nearest' }), []);

  const [event, setEvent] = useState('write_aio');
  const [tag, setTag] = useState('');
  const [node, setNode] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [pendingCalls, setPendingCalls] = useState(0);
  const listId = useId();

  // The list follows the session's events (breakpoints-changed included), not these calls.
  const act = async (call: () => Promise<unknown>) => {
    setActionError(null);
    setPendingCalls((n) => n + 1);
    try {
      await call();
    } catch (err) {
      setActionError(message(err));
    } finally {
      setPendingCalls((n) => n - 1);
    }
  };

  const nodeArg = (n: string) => (multiNode ? { node: n } : {});

  const setBreakpoint = async (e: FormEvent) => {
    e.preventDefault();
    const ev = event.trim();
    const t = tag.trim();
    if (!ev) return setFormError('Choose the blkdebug event to break on.');
    if (!t) return setFormError('Give the breakpoint a tag (the name Resume uses).');
    if (/\s/.test(t)) return setFormError('A tag is one word (qemu-io splits commands at spaces).');
    setFormError(null);
    try {
      await api.setBreakpoint({ event: ev, tag: t, ...(multiNode && node ? { node } : {}) });
      setTag('');
    } catch (err) {
      setFormError(message(err));
    }
  };

  const noImage = snapshot !== null && nodes.length === 0;

  return (
    <section className="panel susp" aria-label="Suspended requests">
      <div className="susp-head">
        <h2 className="panel-title">Suspended requests</h2>
        <span className="susp-spacer" />
        <form className="susp-form" onSubmit={(e) => void setBreakpoint(e)} aria-label="Set breakpoint">
          {multiNode && (
            <select aria-label="Node" title="blkdebug node" value={node} onChange={(e) => setNode(e.target.value)}>
              <option value="">topmost</option>
              {nodes.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
          <input
            className="susp-event"
            aria-label="Event"
            title="blkdebug event to break on"
            placeholder="event"
            list={listId}
            value={event}
            onChange={(e) => {
              setEvent(e.target.value);
              setFormError(null);
            }}
            onFocus={(e) => e.currentTarget.select()}
            spellCheck={false}
            autoComplete="off"
          />
          <datalist id={listId}>
            {BLKDEBUG_EVENT_DOCS.map((d) => (
              <option key={d.name} value={d.name}>
                {d.doc}
              </option>
            ))}
          </datalist>
          <input
            className="susp-tag"
            aria-label="Tag"
            title="the tag Resume names the request by"
            placeholder="tag"
            value={tag}
            onChange={(e) => {
              setTag(e.target.value);
              setFormError(null);
            }}
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" className="susp-btn susp-primary" disabled={noImage}>
            Set breakpoint
          </button>
        </form>
      </div>
      {formError && (
        <p className="susp-error" role="alert">
          {formError}
        </p>
      )}
      {actionError && (
        <p className="susp-error" role="alert">
          {actionError}
        </p>
      )}

      <div className="susp-body">
        {rows.length > 0 ? (
          <table className="susp-table" aria-label="Parked requests">
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Operation</th>
                <th scope="col">Offset</th>
                <th scope="col">Length</th>
                <th scope="col">Event</th>
                <th scope="col" className="susp-num">
                  Parked
                </th>
                <th scope="col" className="susp-actions">
                  <button type="button" className="susp-btn susp-all" onClick={() => void act(() => api.resumeAll())} disabled={pendingCalls > 0} title={`resume all ${rows.length} parked requests`}>
                    Resume all
                  </button>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.key}
                  title={multiNode ? `node ${r.node}` : undefined}
                  className={focused && focused.node === r.node && focused.tag === r.tag ? 'susp-focused' : undefined}
                  aria-current={focused && focused.node === r.node && focused.tag === r.tag ? 'true' : undefined}
                  ref={focused && focused.node === r.node && focused.tag === r.tag ? scrollToFocused : undefined}
                >
                  <td className="susp-mono susp-tagcell">{r.tag}</td>
                  <td className="susp-mono">{r.op ?? '—'}</td>
                  <td className="susp-mono">
                    <Bytes value={r.offset} />
                  </td>
                  <td className="susp-mono">
                    <Bytes value={r.bytes} />
                  </td>
                  <td className="susp-mono susp-eventcell" title={r.event}>
                    {r.event}
                  </td>
                  <td className="susp-mono susp-num">{formatDuration(liveParkedMs(r.parkedMs, receivedAt, now))}</td>
                  <td className="susp-actions">
                    <button type="button" className="susp-btn susp-primary" aria-label={`Resume ${r.tag}`} title={`resume ${r.tag}`} onClick={() => void act(() => api.resume({ tag: r.tag, ...nodeArg(r.node) }))}>
                      Resume
                    </button>
                    <button
                      type="button"
                      className="susp-btn susp-icon"
                      aria-label={`Remove breakpoint ${r.tag}`}
                      title={`remove_break ${r.tag}: drop its breakpoints and resume its requests`}
                      onClick={() => void act(() => api.removeBreakpoint({ tag: r.tag, ...nodeArg(r.node) }))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="susp-empty">
            {noImage ? 'No blkdebug node in this session: open an image under blkdebug to set breakpoints.' : 'No parked requests. Set a breakpoint, then send a request that fires its event.'}
          </p>
        )}

        <BreakpointList
          rows={breakpoints}
          multiNode={multiNode}
          busy={pendingCalls > 0}
          onRearm={(r) => void act(() => api.setBreakpoint({ event: r.event, tag: r.tag, ...nodeArg(r.node) }))}
          onRemove={(r) => void act(() => api.removeBreakpoint({ tag: r.tag, ...nodeArg(r.node) }))}
        />
      </div>
    </section>
  );
}
