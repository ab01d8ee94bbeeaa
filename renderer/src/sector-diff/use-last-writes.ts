// The last writes to a sector, from the event log (the one place the sector diff asks it).
import { useMemo, useState } from 'react';
import { eventLog } from '../events/event-log';
import { SECTOR } from './sector-diff-model';

export type LastWrite = ReturnType<typeof eventLog.lastWritesTo>[number];

/** The writes to the sector at `sectorOffset`, newest first (8 at most); `bump` after the log gained writes. */
export function useLastWrites(enabled: boolean, sectorOffset: number): { writes: LastWrite[]; bump: () => void } {
  const [version, setVersion] = useState(0);
  const writes = useMemo(
    () => (enabled ? eventLog.lastWritesTo(sectorOffset, SECTOR, 8) : []),
    // version: the log gained writes.
    [enabled, sectorOffset, version],
  );
  return { writes, bump: () => setVersion((v) => v + 1) };
}
