// Spent once rules in the state machine: a greyed badge with the final counts, not armed, at
// the rule's line; spent breakpoints are left to the breakpoint list.
import { describe, expect, it } from 'vitest';
import type { SpentRuleSnapshot } from '../../../../src/api';
import { buildStateGraph, itemsAtLine, stateId } from '../../../../renderer/src/state-machine/graph-model';
import { editorLines } from '../../../../renderer/src/state-machine/rule-lines';
import { breakpoint, injectError, setState } from './fixtures';

const spent = (rule: ReturnType<typeof injectError>, spentBy: SpentRuleSnapshot['spentBy'] = 'once'): SpentRuleSnapshot => ({ ...rule, spentBy, spentAt: 0 });

describe('buildStateGraph with spent rules', () => {
  it('a spent once rule stays as a greyed badge of its state, with hits and injected', () => {
    const ss = setState('write_aio', 1, 2, 1, 1);
    const gone = spent(injectError('read_aio', 2, 5, 5, { once: true, hits: 1, injected: 1 }));
    const g = buildStateGraph({ rules: [ss], activeRuleIds: [gone.id], spent: [gone] }, 2);
    expect(g.nodes.map((n) => n.title)).toEqual(['State 1', 'State 2']);
    const [b] = g.nodes.find((n) => n.id === stateId(2))!.badges;
    expect(b).toMatchObject({ spent: true, active: false, hits: 1, injected: 1, line: 5 });
    expect(b!.name).toBe('inject-error read_aio in state 2 (once), spent: 1 hit, 1 injected');
    expect(`${b!.text} ${b!.counts}`).toBe('EIO on read_aio · once spent · ×1 · 1 failed');
    expect(b!.detail).toContain('Spent');
    expect(itemsAtLine(g, 5)).toEqual(new Set([b!.id]));
  });

  it('a spent once rule of state 0 brings the Any node; spent breakpoints are not drawn', () => {
    const once = spent(injectError('read_aio', 0, 28, 1, { once: true, hits: 2, injected: 1 }));
    const fired: SpentRuleSnapshot = { ...breakpoint('write_aio', 'A'), hits: 1, spentBy: 'fired', spentAt: 0 };
    const g = buildStateGraph({ rules: [], activeRuleIds: [], spent: [once, fired] }, 1);
    expect(g.nodes.map((n) => n.title)).toEqual(['Any state', 'State 1']);
    expect(g.nodes[0]!.badges.map((b) => [b.text, b.counts, b.spent])).toEqual([['ENOSPC on read_aio · once', 'spent · ×2 · 1 failed', true]]);
    expect(g.nodes[1]!.badges).toEqual([]);
  });

  it('editorLines maps a spent rule to its section like a live one', () => {
    const once = spent(injectError('read_aio', 0, 5, 2, { once: true }));
    const sections = [{ group: 'inject-error', line: 2, options: [{ key: 'event', value: 'read_aio', line: 3, keyColumn: 1, valueColumn: 10, valueEndColumn: 18 }, { key: 'once', value: 'on', line: 4, keyColumn: 1, valueColumn: 9, valueEndColumn: 11 }] }];
    expect(editorLines([once], sections)).toEqual(new Map([[once.id, 2]]));
  });
});
