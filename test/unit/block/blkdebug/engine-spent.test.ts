// The records the engine keeps of rules QEMU removed (once, a fired breakpoint, remove_break):
// the rule list itself behaves exactly as before, the record carries the final counts.
import { describe, expect, it } from 'vitest';
import { BlkdebugEngine, MAX_SPENT_RULES } from '../../../../src/block/drivers/blkdebug/engine';
import { DEFAULT_IOTYPE_MASK, IOTYPE_READ, type RuleSpec } from '../../../../src/block/drivers/blkdebug/rules';

const inject = (over: Partial<Extract<RuleSpec, { kind: 'inject-error' }>> = {}): RuleSpec => ({
  kind: 'inject-error',
  event: 'read_aio',
  state: 0,
  errno: 5,
  offset: -1,
  once: false,
  immediately: false,
  iotypeMask: DEFAULT_IOTYPE_MASK,
  source: { origin: 'config', line: 1 },
  ...over,
});

function engine() {
  let clock = 0;
  const printed: string[] = [];
  const e = new BlkdebugEngine({ print: (t) => printed.push(t), now: () => clock });
  return { e, printed, tick: (ms: number) => (clock += ms) };
}

describe('blkdebug engine: spent rules', () => {
  it('a once rule that failed a request leaves the rule list and is kept with hits and injected', async () => {
    const { e, tick } = engine();
    e.replaceRules([inject({ once: true, source: { origin: 'config', line: 3 } })]);
    await e.debugEvent('read_aio');
    expect(e.spentRules()).toEqual([]);
    tick(7);
    expect(e.ruleCheck(0, 512, IOTYPE_READ)?.errno).toBe(5);
    // QEMU: removed from the active list and the rule list; the next request passes.
    expect(e.listRules()).toEqual([]);
    expect(e.activeRuleIds()).toEqual([]);
    expect(e.ruleCheck(0, 512, IOTYPE_READ)).toBeNull();
    await e.debugEvent('read_aio');
    expect(e.ruleCheck(0, 512, IOTYPE_READ)).toBeNull();
    const [spent] = e.spentRules();
    expect(spent).toMatchObject({ reason: 'once', at: 7, rule: { kind: 'inject-error', hits: 1, injected: 1, once: true, source: { origin: 'config', line: 3 } } });
    expect(e.spentRules()).toHaveLength(1);
  });

  it('a once rule that never failed anything, or a rule without once, is not spent', async () => {
    const { e } = engine();
    e.replaceRules([inject({ once: true, errno: 0 }), inject({ event: 'write_aio' })]);
    await e.debugEvent('read_aio');
    expect(e.ruleCheck(0, 512, IOTYPE_READ)).toBeNull(); // errno 0: passes, the rule stays
    await e.debugEvent('write_aio');
    expect(e.ruleCheck(0, 512, IOTYPE_READ)?.errno).toBe(5);
    expect(e.spentRules()).toEqual([]);
    expect(e.listRules()).toHaveLength(2);
  });

  it('a fired breakpoint is spent as fired with one hit, one dropped by remove_break as removed', async () => {
    const { e, printed } = engine();
    e.breakpoint('read_aio', 'A');
    e.breakpoint('write_aio', 'B');
    const parked = e.debugEvent('read_aio');
    expect(printed).toEqual(["blkdebug: Suspended request 'A'\n"]);
    expect(e.listRules().map((r) => r.kind === 'suspend' && r.tag)).toEqual(['B']);
    expect(e.spentRules().map((s) => ({ reason: s.reason, tag: s.rule.kind === 'suspend' && s.rule.tag, hits: s.rule.hits }))).toEqual([{ reason: 'fired', tag: 'A', hits: 1 }]);
    e.removeBreakpoint('B');
    expect(e.spentRules().map((s) => [s.reason, s.rule.kind === 'suspend' && s.rule.tag, s.rule.hits])).toEqual([
      ['fired', 'A', 1],
      ['removed', 'B', 0],
    ]);
    // remove_break of a fired tag still resumes and keeps QEMU's ENOENT; nothing new is spent.
    expect(() => e.removeBreakpoint('A')).toThrow(expect.objectContaining({ errno: 2 }));
    await parked;
    expect(e.spentRules()).toHaveLength(2);
  });

  it('replacing the rule set drops spent file rules and keeps spent breakpoints', async () => {
    const { e } = engine();
    e.replaceRules([inject({ once: true })]);
    e.breakpoint('read_aio', 'A');
    const parked = e.debugEvent('read_aio');
    e.ruleCheck(0, 512, IOTYPE_READ);
    expect(e.spentRules().map((s) => s.reason)).toEqual(['fired', 'once']);
    e.replaceRules([inject()]);
    expect(e.spentRules().map((s) => s.reason)).toEqual(['fired']);
    e.resume('A');
    await parked;
  });

  it('keeps only the newest records', async () => {
    const { e } = engine();
    for (let i = 0; i < MAX_SPENT_RULES + 5; i++) {
      e.breakpoint('flush_to_os', `T${i}`);
      e.removeBreakpoint(`T${i}`);
    }
    const spent = e.spentRules();
    expect(spent).toHaveLength(MAX_SPENT_RULES);
    const tags = spent.map((s) => (s.rule.kind === 'suspend' ? s.rule.tag : null));
    expect(tags[0]).toBe('T5');
    expect(tags[MAX_SPENT_RULES - 1]).toBe(`T${MAX_SPENT_RULES + 4}`);
  });
});
