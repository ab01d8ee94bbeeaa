import { describe, expect, it } from 'vitest';
import { buildStateGraph } from '../../../../renderer/src/state-machine/graph-model';
import { basisPath, boxesOverlap, estimateWidth, layoutKey, layoutStateGraph } from '../../../../renderer/src/state-machine/layout';
import { injectError, setState } from './fixtures';
import type { RuleSnapshot } from '../../../../src/api';

function twentyStates(): RuleSnapshot[] {
  const rules: RuleSnapshot[] = [];
  const events = ['write_aio', 'read_aio', 'flush_to_disk', 'cluster_alloc', 'l2_update'];
  let line = 1;
  // A chain 1 → 2 → … → 20 (19), then 11 more: back edges, skips, a self-loop and a parallel edge.
  for (let s = 1; s < 20; s++) rules.push(setState(events[s % 5]!, s, s + 1, (line += 5)));
  const extra: Array<[number, number]> = [[20, 1], [5, 2], [3, 9], [12, 4], [7, 7], [15, 18], [18, 10], [2, 17], [1, 2], [19, 6], [8, 14]];
  for (const [a, b] of extra) rules.push(setState(events[(a + b) % 5]!, a, b, (line += 5)));
  for (const s of [2, 7, 13, 20]) rules.push(injectError('write_aio', s, 5, (line += 5)));
  return rules;
}

describe('layoutStateGraph', () => {
  it('lays out 20 states with 30 transitions: no boxes overlap, every edge has a route', () => {
    const rules = twentyStates();
    expect(rules.filter((r) => r.kind === 'set-state')).toHaveLength(30);
    const graph = buildStateGraph({ rules, activeRuleIds: [] }, 1);
    expect(graph.nodes).toHaveLength(20);
    const layout = layoutStateGraph(graph, estimateWidth);
    const nodes = Object.values(layout.nodes);
    expect(nodes).toHaveLength(20);
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) expect(boxesOverlap(nodes[i]!, nodes[j]!), `${nodes[i]!.id} / ${nodes[j]!.id}`).toBe(false);
    }
    const labels = Object.values(layout.edges).map((e) => e.label);
    expect(labels).toHaveLength(30);
    for (const e of Object.values(layout.edges)) {
      expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
      expect(e.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
      expect(e.path).toMatch(/^M[-\d.]+,[-\d.]+/);
      // Labels sit clear of every state box.
      for (const n of nodes) expect(boxesOverlap(e.label, n), `${e.id} label / ${n.id}`).toBe(false);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) expect(boxesOverlap(labels[i]!, labels[j]!), `labels ${i} / ${j}`).toBe(false);
    }
    // Everything lies inside the reported size.
    for (const n of nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width + 0.5);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height + 0.5);
    }
  });

  it('sizes nodes by their content: badges widen and lengthen the box', () => {
    const plain = layoutStateGraph(buildStateGraph({ rules: [], activeRuleIds: [] }, 1)).nodes['s1']!;
    const rules = [injectError('refblock_alloc_write_blocks', 1, 28, 1), injectError('write_aio', 1, 5, 6)];
    const rich = layoutStateGraph(buildStateGraph({ rules, activeRuleIds: [] }, 1)).nodes['s1']!;
    expect(rich.width).toBeGreaterThan(plain.width);
    expect(rich.height).toBeGreaterThan(plain.height);
    expect(rich.badges).toHaveLength(2);
    expect(rich.badges[1]!.y).toBeGreaterThanOrEqual(rich.badges[0]!.y + rich.badges[0]!.height);
    expect(rich.badges[1]!.y + rich.badges[1]!.height).toBeLessThanOrEqual(rich.height);
    expect(estimateWidth('ENOSPC on refblock_alloc_write_blocks ×0', 'mono')).toBeLessThan(rich.width);
  });

  it('routes self-loops and parallel edges separately', () => {
    const rules = [setState('write_aio', 2, 2, 1), setState('read_aio', 1, 2, 5), setState('flush_to_disk', 1, 2, 9)];
    const layout = layoutStateGraph(buildStateGraph({ rules, activeRuleIds: [] }, 1));
    const edges = Object.values(layout.edges);
    expect(edges).toHaveLength(3);
    for (const e of edges) expect(e.points.length).toBeGreaterThanOrEqual(3);
    const [loop, a, b] = edges;
    expect(loop!.from).toBe(loop!.to);
    expect(boxesOverlap(a!.label, b!.label)).toBe(false);
    expect(boxesOverlap(loop!.label, layout.nodes['s2']!)).toBe(false);
  });

  it('relayout only when the structure changes, not on new hit counts of the same width', () => {
    const rule = setState('write_aio', 1, 2, 1, 1);
    const a = buildStateGraph({ rules: [rule], activeRuleIds: [] }, 1);
    const b = buildStateGraph({ rules: [{ ...rule, hits: 2 }], activeRuleIds: [] }, 2);
    const c = buildStateGraph({ rules: [{ ...rule, hits: 10 }], activeRuleIds: [] }, 2);
    expect(layoutKey(a)).toBe(layoutKey(b));
    expect(layoutKey(a)).not.toBe(layoutKey(c));
  });

  it('basisPath starts and ends at the route ends', () => {
    expect(basisPath([{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBe('M0,0L10,0');
    const d = basisPath([{ x: 0, y: 0 }, { x: 10, y: 10 }, { x: 20, y: 0 }]);
    expect(d.startsWith('M0,0')).toBe(true);
    expect(d.endsWith('L20,0')).toBe(true);
  });
});
