// The counters the builder shows next to each section of the text: hits (and failed requests)
// of the engine's rule written at that line, live or spent (an inject-error rule with once=on
// that blkdebug removed after it failed a request). Only while the session runs exactly this
// text: line numbers of another text would point at the wrong sections.
import type { BlkdebugSnapshot } from '../../../src/api';

export interface RuleCount {
  hits: number;
  /** inject-error: requests failed. */
  injected?: number;
  /** Used up by `once`: no longer in blkdebug's rule list. */
  spent: boolean;
}

/** Header line → the counters of the rule from that line. */
export function ruleCounts(bd: Pick<BlkdebugSnapshot, 'rules' | 'spent'> | undefined, applied: boolean): Map<number, RuleCount> {
  const map = new Map<number, RuleCount>();
  if (!applied || !bd) return map;
  const count = (hits: number, injected: number | undefined, spent: boolean): RuleCount => (injected === undefined ? { hits, spent } : { hits, injected, spent });
  for (const r of bd.spent ?? []) {
    if (r.spentBy === 'once' && r.source.line !== undefined) map.set(r.source.line, count(r.hits, r.injected, true));
  }
  for (const r of bd.rules) if (r.kind !== 'suspend' && r.source.line !== undefined) map.set(r.source.line, count(r.hits, r.injected, false));
  return map;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `2 hits`, or for a spent rule `spent: 1 hit, 1 injected` (the row's accessible name). */
export function countLabel(c: RuleCount): string {
  if (!c.spent) return plural(c.hits, 'hit');
  return `spent: ${plural(c.hits, 'hit')}${c.injected === undefined ? '' : `, ${c.injected} injected`}`;
}
