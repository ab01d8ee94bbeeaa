import { describe, expect, it } from 'vitest';
import type { RuleSnapshot, SpentRuleSnapshot } from '../../../../src/api';
import { countLabel, ruleCounts } from '../../../../renderer/src/rule-builder/rule-counts';

const inject = (id: number, line: number, hits: number, injected: number): RuleSnapshot => ({
  id,
  kind: 'inject-error',
  event: 'read_aio',
  state: 0,
  hits,
  injected,
  errno: 5,
  offset: -1,
  once: true,
  immediately: false,
  iotypes: ['read'],
  source: { origin: 'config', line },
});

describe('ruleCounts', () => {
  const live = inject(1, 1, 3, 0);
  const spent: SpentRuleSnapshot = { ...inject(2, 6, 1, 1), spentBy: 'once', spentAt: 5 };
  const fired: SpentRuleSnapshot = { id: 3, kind: 'suspend', event: 'read_aio', state: 0, hits: 1, tag: 'A', source: { origin: 'breakpoint' }, spentBy: 'fired', spentAt: 5 };
  const bp: RuleSnapshot = { id: 4, kind: 'suspend', event: 'write_aio', state: 0, hits: 0, tag: 'B', source: { origin: 'breakpoint' } };

  it('maps each header line to its rule, live or spent by once; breakpoints have no line', () => {
    const m = ruleCounts({ rules: [live, bp], spent: [spent, fired] }, true);
    expect([...m]).toEqual([
      [6, { hits: 1, injected: 1, spent: true }],
      [1, { hits: 3, injected: 0, spent: false }],
    ]);
    expect(countLabel(m.get(6)!)).toBe('spent: 1 hit, 1 injected');
    expect(countLabel(m.get(1)!)).toBe('3 hits');
  });

  it('shows nothing unless the session runs this text; copes with hosts without spent', () => {
    expect(ruleCounts({ rules: [live], spent: [spent] }, false).size).toBe(0);
    expect(ruleCounts(undefined, true).size).toBe(0);
    expect([...ruleCounts({ rules: [live] }, true).keys()]).toEqual([1]);
  });
});
