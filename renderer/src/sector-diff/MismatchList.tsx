// The mismatches, blkverify's and the compare's, in offset order; a click jumps to one.
import type { MismatchEntry } from './sector-diff-model';
import { MAX_DIFF_RANGES } from './use-mismatches';

/** Items rendered at most (Next mismatch still reaches them all). */
const LIST_LIMIT = 2000;

interface MismatchListProps {
  entries: readonly MismatchEntry[];
  selectedKey: string | null;
  onSelect(e: MismatchEntry): void;
  blkverify: boolean;
  diffRangesFull: boolean;
}

export function MismatchList({ entries, selectedKey, onSelect, blkverify, diffRangesFull }: MismatchListProps) {
  const shown = entries.slice(0, LIST_LIMIT);
  return (
    <>
      <h3 className="sd-subtitle">
        Mismatches <span className="muted">({entries.length})</span>
      </h3>
      {entries.length === 0 ? (
        <p className="muted sd-note">{blkverify ? 'None recorded yet. Read through the blkverify node (e.g. read 0 64k in the console) or compare the whole image.' : 'None found yet. Compare the whole image to list them.'}</p>
      ) : null}
      <ul className="sd-list" aria-label="Mismatches">
        {shown.map((e) => (
          <li key={e.key} className={e.key === selectedKey ? 'sd-current' : undefined}>
            <button type="button" className={`sd-item sd-item-${e.source}`} aria-current={e.key === selectedKey ? 'true' : undefined} title={e.detail} onClick={() => onSelect(e)}>
              {e.label}
            </button>
          </li>
        ))}
      </ul>
      {entries.length > shown.length && <p className="muted sd-note">{entries.length - shown.length} more (Next mismatch reaches them).</p>}
      {diffRangesFull && <p className="muted sd-note">The compare found more ranges than the first {MAX_DIFF_RANGES.toLocaleString('en')} kept here.</p>}
    </>
  );
}
