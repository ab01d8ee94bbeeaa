// The last writes to the cursor's sector, from the event log.
import { errnoName, hex0x } from './sector-diff-model';
import type { LastWrite } from './use-last-writes';

export function LastWrites({ sectorOffset, writes, sector }: { sectorOffset: number; writes: readonly LastWrite[]; sector: number }) {
  return (
    <>
      <h3 className="sd-subtitle">
        Last writes to sector {sector} <span className="muted">({hex0x(sectorOffset)})</span>
      </h3>
      {writes.length === 0 ? (
        <p className="muted sd-note">No write to this sector in the event log.</p>
      ) : (
        <table className="sd-writes" aria-label="Last writes">
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Node</th>
              <th scope="col">Op</th>
              <th scope="col">Range</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {writes.map((w) => (
              <tr key={w.seq}>
                <td>{(w.at / 1000).toFixed(3)} s</td>
                <td>{w.node}</td>
                <td>{w.op}</td>
                <td>
                  {hex0x(w.offset)} +{w.bytes}
                </td>
                <td className={w.errno ? 'sd-errno' : undefined}>{w.errno ? errnoName(w.errno) : 'ok'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
