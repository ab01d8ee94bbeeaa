// Every breakpoint of the session, kept after it fires: QEMU's breakpoints are one-shot (the
// suspend rule goes away when it parks a request), so a fired or removed one stays listed with
// its hit count and comes back with Re-arm (the same `break EVENT TAG` again). From the
// session's snapshot, so a reload or a second window shows the same list.
import type { BreakpointRow } from './suspended-model';

const STATE_TITLE: Record<BreakpointRow['state'], string> = {
  armed: 'Set: parks the next request that fires its event',
  fired: 'Fired: it parked a request, and blkdebug removed it (one-shot)',
  removed: 'Removed by remove_break before it fired',
};

export interface BreakpointListProps {
  rows: readonly BreakpointRow[];
  multiNode: boolean;
  busy: boolean;
  onRearm(row: BreakpointRow): void;
  onRemove(row: BreakpointRow): void;
}

export function BreakpointList({ rows, multiNode, busy, onRearm, onRemove }: BreakpointListProps) {
  if (rows.length === 0) return null;
  return (
    <div className="susp-bps">
      <span className="susp-pending-title">Breakpoints</span>
      <table className="susp-table susp-bp-table" aria-label="Breakpoints">
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Event</th>
            <th scope="col" className="susp-num">
              Hits
            </th>
            <th scope="col">State</th>
            <th scope="col">Kind</th>
            <th scope="col" className="susp-actions">
              <span className="susp-hint">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={`susp-bp is-${r.state}`} title={multiNode ? `node ${r.node}` : undefined}>
              <td className="susp-mono susp-tagcell">{r.tag}</td>
              <td className="susp-mono susp-eventcell" title={r.event}>
                {r.event}
                {multiNode && <span className="susp-hint"> ({r.node})</span>}
              </td>
              <td className="susp-mono susp-num">{r.hits}</td>
              <td title={STATE_TITLE[r.state]}>
                <span className={`susp-state is-${r.state}`}>{r.state}</span>
                {r.parked && r.state !== 'armed' && <span className="susp-hint"> · parked</span>}
              </td>
              <td>
                <span className="susp-oneshot" title="One-shot, as in QEMU: blkdebug removes a breakpoint when it fires. Re-arm sets it again.">
                  one-shot
                </span>
              </td>
              <td className="susp-actions">
                {r.state === 'armed' ? (
                  <button
                    type="button"
                    className="susp-btn susp-icon"
                    aria-label={`Remove breakpoint ${r.tag}`}
                    title={`remove_break ${r.tag}: drop its breakpoints and resume its requests`}
                    disabled={busy}
                    onClick={() => onRemove(r)}
                  >
                    ✕
                  </button>
                ) : (
                  <button type="button" className="susp-btn" aria-label={`Re-arm ${r.tag}`} title={`break ${r.event} ${r.tag}: set it again`} disabled={busy} onClick={() => onRearm(r)}>
                    Re-arm
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
