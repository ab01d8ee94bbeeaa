import { describe, expect, it } from 'vitest';
import { buildStateGraph, itemsAtLine } from '../../../../renderer/src/state-machine/graph-model';
import { editorLines, ruleSignature, sectionSignature } from '../../../../renderer/src/state-machine/rule-lines';
import type { RuleSectionPosition } from '../../../../src/api';
import { breakpoint, injectError, setState } from './fixtures';

/** Sections as lintRules reports them (positions beyond the line do not matter here). */
function section(group: string, line: number, options: Record<string, string>): RuleSectionPosition {
  return {
    group,
    line,
    options: Object.entries(options).map(([key, value], i) => ({ key, value, line: line + 1 + i, keyColumn: 1, valueColumn: key.length + 5, valueEndColumn: key.length + 5 + value.length })),
  };
}

describe('editorLines', () => {
  const ss = setState('write_aio', 1, 2, 1);
  const ie = injectError('write_aio', 2, 5, 6);
  const bp = breakpoint('write_aio', 'A');

  it('the text that was applied: every rule at its source line', () => {
    const sections = [section('set-state', 1, { event: 'write_aio', state: '1', new_state: '2' }), section('inject-error', 6, { event: 'write_aio', state: '2', errno: '5' })];
    expect([...editorLines([ss, ie, bp], sections)]).toEqual([
      [ss.id, 1],
      [ie.id, 6],
    ]);
  });

  it('the exported text (inject-error first, default errno left out): found by content', () => {
    const sections = [section('inject-error', 1, { event: 'write_aio', state: '2' }), section('set-state', 5, { event: 'write_aio', state: '1', new_state: '2' })];
    const lines = editorLines([ss, ie], sections);
    expect(lines.get(ss.id)).toBe(5);
    expect(lines.get(ie.id)).toBe(1);
    const g = buildStateGraph({ rules: [ss, ie], activeRuleIds: [] }, 1, lines);
    expect(g.edges[0]!.line).toBe(5);
    expect([...itemsAtLine(g, 1)]).toEqual([`r${ie.id}`]);
    expect(g.nodes.find((n) => n.state === 1)!.ruleLines).toEqual([5]);
  });

  it('a rule whose section is being edited keeps its line; one that is gone has none', () => {
    const sections = [section('set-state', 1, { event: 'write_aio', state: '1', new_state: '3' })];
    const lines = editorLines([ss, ie], sections);
    expect(lines.get(ss.id)).toBe(1);
    expect(lines.has(ie.id)).toBe(false);
  });

  it('identical rules take one section each, in order', () => {
    const a = injectError('read_aio', 0, 5, 1);
    const b = injectError('read_aio', 0, 5, 4);
    const sections = [section('inject-error', 10, { event: 'read_aio' }), section('inject-error', 13, { event: 'read_aio', errno: '0x5' })];
    const lines = editorLines([b, a], sections);
    expect([lines.get(a.id), lines.get(b.id)]).toEqual([10, 13]);
  });

  it('without a parse of the editor text: source lines', () => {
    expect([...editorLines([ss, ie, bp], null)]).toEqual([
      [ss.id, 1],
      [ie.id, 6],
    ]);
  });

  it('signatures agree between rules and sections', () => {
    const q = injectError('write_aio', 3, 28, 1, { once: true, offset: 8 * 512, iotypes: ['write'], immediately: true });
    expect(ruleSignature(q)).toBe(sectionSignature(section('inject-error', 1, { event: 'write_aio', state: '3', errno: '28', sector: '8', once: 'on', immediately: 'yes', iotype: 'write' })));
    expect(ruleSignature(bp)).toBeNull();
    expect(sectionSignature(section('inject-error', 1, { event: 'write_aio', once: 'maybe' }))).toBeNull();
  });
});
