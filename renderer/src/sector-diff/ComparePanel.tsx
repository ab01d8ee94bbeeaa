// "Compare whole image": the button, Cancel while it runs, its progress and how it ended.
import type { Mismatches } from './use-mismatches';
import { formatSize } from './sector-diff-model';

export function ComparePanel({ m }: { m: Mismatches }) {
  const { diff, diffPct, diffRunning, diffError } = m;
  return (
    <>
      <div className="sd-compare">
        <button type="button" className="sd-btn sd-primary" onClick={() => void m.startDiff()} disabled={diffRunning}>
          Compare whole image
        </button>
        {diffRunning && (
          <button type="button" className="sd-btn" onClick={() => void m.cancelDiff()} disabled={diff?.diffId === null}>
            Cancel
          </button>
        )}
      </div>
      {diff && (
        <div className="sd-progress-line">
          <div className="sd-progress" role="progressbar" aria-label="Compare progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={diffPct}>
            <div className="sd-progress-fill" style={{ width: `${diffPct}%` }} />
          </div>
          <span className={`sd-diffstatus${diff.status === 'failed' ? ' sd-errno' : ''}`} aria-label="Compare status">
            {diff.status === 'starting' && 'starting…'}
            {diff.status === 'running' && `${diffPct}% of ${formatSize(diff.total)}`}
            {diff.status === 'complete' && `complete: ${diff.mismatchedBytes === 0 ? 'identical' : `${formatSize(diff.mismatchedBytes)} differ`}`}
            {diff.status === 'cancelled' && `cancelled at ${diffPct}%`}
            {diff.status === 'failed' && `failed: ${diff.message ?? 'unknown error'}`}
          </span>
        </div>
      )}
      {diffError && (
        <p className="sd-error" role="alert">
          {diffError}
        </p>
      )}
    </>
  );
}
