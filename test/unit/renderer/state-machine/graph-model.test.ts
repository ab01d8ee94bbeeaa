import { describe, expect, it } from 'vitest';
import { ANY_ID, buildStateGraph, errnoName, itemsAtLine, stateId, takenEdges } from '../../../../renderer/src/state-machine/graph-model';
import { breakpoint, injectError, setState } from './fixtures';

describe('buildStateGraph', () => {
  it('with no rules: state 1 alone, current', () => {
    const g = buildStateGraph({ rules: [], activeRuleIds: [] }, 1);
    expect(g.nodes.map((n) => n.title)).toEqual(['State 1']);
    expect(g.nodes[0]!.current).toBe(true);
    expect(g.nodes[0]!.note).toBe('initial');
    expect(g.edges).toEqual([]);
  });

  it("the seeds' rules: an edge 1 → 2 and EIO attached to state 2", () => {
    const ss = setState('write_aio', 1, 2, 1, 1);
    const ie = injectError('write_aio', 2, 5, 6, { hits: 3, injected: 2 });
    const g = buildStateGraph({ rules: [ie, ss], activeRuleIds: [ie.id] }, 2);
    expect(g.nodes.map((n) => n.title)).toEqual(['State 1', 'State 2']);
    expect(g.nodes.map((n) => n.current)).toEqual([false, true]);
    expect(g.edges).toHaveLength(1);
    const e = g.edges[0]!;
    expect([e.from, e.to, e.name, e.text, e.counts, e.line]).toEqual([stateId(1), stateId(2), 'set-state write_aio: 1 → 2', 'write_aio', '×1', 1]);
    const [b] = g.nodes[1]!.badges;
    expect(b!.name).toBe('inject-error write_aio in state 2');
    expect(`${b!.text} ${b!.counts}`).toBe('EIO on write_aio ×3 · 2 failed');
    expect(b!.active).toBe(true);
    expect(b!.detail).toContain('Input/output error');
    expect(g.nodes[0]!.ruleLines).toEqual([1]);
    expect(g.nodes[1]!.ruleLines).toEqual([6]);
  });

  it('states come from state, new_state and the current state; state-0 rules go to the Any node', () => {
    const rules = [setState('read_aio', 0, 7, 1), injectError('flush_to_disk', 0, 28, 5), setState('write_aio', 3, 4, 9), breakpoint('write_aio', 'A')];
    const g = buildStateGraph({ rules, activeRuleIds: [] }, 9);
    expect(g.nodes.map((n) => n.title)).toEqual(['Any state', 'State 1', 'State 3', 'State 4', 'State 7', 'State 9']);
    const any = g.nodes[0]!;
    expect(any.id).toBe(ANY_ID);
    expect(any.badges.map((b) => b.text)).toEqual(['ENOSPC on flush_to_disk', 'break write_aio · A']);
    expect(any.badges.map((b) => b.name)).toEqual(['inject-error flush_to_disk in any state', 'break write_aio · A']);
    expect(any.ruleLines).toEqual([1, 5]);
    expect(g.edges.find((e) => e.fromState === null)!.name).toBe('set-state read_aio: any → 7');
    expect(g.nodes.find((n) => n.current)!.title).toBe('State 9');
  });

  it('qualifiers and unknown errnos', () => {
    const ie = injectError('read_aio', 2, 999, 1, { once: true, offset: 8 * 512, iotypes: ['read'] });
    const g = buildStateGraph({ rules: [ie], activeRuleIds: [] }, 1);
    const b = g.nodes.find((n) => n.state === 2)!.badges[0]!;
    expect(b.text).toBe('errno 999 on read_aio · once · sector 8 · read');
    expect(b.name).toBe('inject-error read_aio in state 2 (once, sector 8, read)');
    expect(errnoName(28)).toBe('ENOSPC');
  });

  it('self-loops and parallel edges keep one edge per rule', () => {
    const rules = [setState('write_aio', 2, 2, 1), setState('read_aio', 1, 2, 5), setState('flush_to_disk', 1, 2, 9)];
    const g = buildStateGraph({ rules, activeRuleIds: [] }, 1);
    expect(g.edges.map((e) => e.name)).toEqual(['set-state write_aio: 2 → 2', 'set-state read_aio: 1 → 2', 'set-state flush_to_disk: 1 → 2']);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(3);
  });

  it('the taken edge of a transition and the items of a selected line', () => {
    const own = setState('write_aio', 1, 2, 1);
    const any = setState('read_aio', 0, 2, 5);
    const ie = injectError('write_aio', 2, 5, 9);
    const g = buildStateGraph({ rules: [own, any, ie], activeRuleIds: [] }, 1);
    expect(takenEdges(g, 1, 2).map((e) => e.ruleId)).toEqual([own.id]);
    expect(takenEdges(g, 3, 2).map((e) => e.ruleId)).toEqual([any.id]);
    expect([...itemsAtLine(g, 9)]).toEqual([`r${ie.id}`]);
    expect([...itemsAtLine(g, 5)]).toEqual([`r${any.id}`]);
    expect(itemsAtLine(g, null).size).toBe(0);
  });
});
