import { describe, expect, it } from 'vitest';
import { BlkdebugEngine, type BlkdebugEngineEvent } from '../../../../src/block/drivers/blkdebug/engine';
import { DEFAULT_IOTYPE_MASK, IOTYPE_FLUSH, IOTYPE_READ, IOTYPE_WRITE, type RuleSpec } from '../../../../src/block/drivers/blkdebug/rules';

const inject = (over: Partial<Extract<RuleSpec, { kind: 'inject-error' }>> = {}): RuleSpec => ({
  kind: 'inject-error',
  event: 'read_aio',
  state: 0,
  errno: 5,
  offset: -1,
  once: false,
  immediately: false,
  iotypeMask: DEFAULT_IOTYPE_MASK,
  source: { origin: 'api' },
  ...over,
});

function engine() {
  const printed: string[] = [];
  const e = new BlkdebugEngine({ print: (t) => printed.push(t) });
  return { e, printed };
}

describe('blkdebug rule engine', () => {
  it('an inject rule is armed by its event and then fails every matching request', async () => {
    const { e } = engine();
    e.addRule(inject());
    expect(e.ruleCheck(0, 512, IOTYPE_READ)).toBeNull();
    await e.debugEvent('read_aio');
    expect(e.ruleCheck(0, 512, IOTYPE_READ)?.errno).toBe(5);
    expect(e.ruleCheck(0, 512, IOTYPE_WRITE)?.errno).toBe(5);
    expect(e.ruleCheck(0, 0, IOTYPE_FLUSH)?.errno).toBe(5);
  });

  it('evaluates every rule against the state at entry and commits the new state once', async () => {
    const { e } = engine();
    e.addRule({ kind: 'set-state', event: 'write_aio', state: 0, newState: 2, source: { origin: 'api' } });
    e.addRule(inject({ event: 'write_aio', state: 2 }));
    await e.debugEvent('write_aio');
    expect(e.state).toBe(2);
    expect(e.ruleCheck(0, 512, IOTYPE_WRITE)).toBeNull();
    await e.debugEvent('write_aio');
    expect(e.ruleCheck(0, 512, IOTYPE_WRITE)?.errno).toBe(5);
  });

  it('the first-defined set-state wins; the first-defined inject rule is checked first', async () => {
    const { e } = engine();
    e.addRule({ kind: 'set-state', event: 'read_aio', state: 0, newState: 7, source: { origin: 'api' } });
    e.addRule({ kind: 'set-state', event: 'read_aio', state: 0, newState: 9, source: { origin: 'api' } });
    e.addRule(inject({ errno: 5 }));
    e.addRule(inject({ errno: 28 }));
    await e.debugEvent('read_aio');
    expect(e.state).toBe(7);
    expect(e.ruleCheck(0, 512, IOTYPE_READ)?.errno).toBe(5);
  });

  it('sector, iotype, once and errno 0', async () => {
    const { e } = engine();
    e.addRule(inject({ offset: 4096, once: true, iotypeMask: 1 << IOTYPE_READ }));
    await e.debugEvent('read_aio');
    expect(e.ruleCheck(0, 4096, IOTYPE_READ)).toBeNull();
    expect(e.ruleCheck(4096, 512, IOTYPE_WRITE)).toBeNull();
    expect(e.ruleCheck(0, 0, IOTYPE_FLUSH)).toBeNull();
    expect(e.ruleCheck(3584, 1024, IOTYPE_READ)?.errno).toBe(5);
    expect(e.ruleCheck(3584, 1024, IOTYPE_READ)).toBeNull();
    expect(e.listRules()).toEqual([]);

    const z = engine().e;
    z.addRule(inject({ errno: 0 }));
    z.addRule(inject({ errno: 5 }));
    await z.debugEvent('read_aio');
    expect(z.ruleCheck(0, 512, IOTYPE_READ)).toBeNull();
  });

  it('breakpoints park requests, resume is LIFO per tag, remove_break keeps the ENOENT quirk', async () => {
    const { e, printed } = engine();
    e.breakpoint('write_aio', 'A');
    let firstDone = false;
    const first = e.debugEvent('write_aio').then(() => (firstDone = true));
    e.breakpoint('write_aio', 'A');
    let secondDone = false;
    const second = e.debugEvent('write_aio').then(() => (secondDone = true));
    expect(e.isSuspended('A')).toBe(true);
    e.resume('A');
    await second;
    expect(secondDone && !firstDone).toBe(true);
    expect(() => e.removeBreakpoint('A')).toThrow(expect.objectContaining({ errno: 2 }));
    await first;
    expect(printed).toEqual([
      "blkdebug: Suspended request 'A'\n",
      "blkdebug: Suspended request 'A'\n",
      "blkdebug: Resuming request 'A'\n",
      "blkdebug: Resuming request 'A'\n",
    ]);
    expect(() => e.resume('A')).toThrow(expect.objectContaining({ errno: 2 }));
    expect(() => e.breakpoint('foo', 'A')).toThrow(expect.objectContaining({ errno: 2 }));
  });

  it('streams what happens, and replaces the rule set atomically', async () => {
    const { e } = engine();
    const seen: BlkdebugEngineEvent[] = [];
    e.subscribe((ev) => seen.push(ev));
    const rule = e.addRule({ kind: 'set-state', event: 'read_aio', state: 1, newState: 3, source: { origin: 'api' } });
    await e.debugEvent('read_aio');
    expect(rule.hits).toBe(1);
    expect(seen).toEqual([
      { type: 'rule-matched', ruleId: rule.id, event: 'read_aio' },
      { type: 'state-changed', from: 1, to: 3 },
      { type: 'event-fired', event: 'read_aio', stateBefore: 1, stateAfter: 3 },
    ]);
    e.breakpoint('flush_to_os', 'T');
    e.replaceRules([inject()], false);
    expect(e.state).toBe(3);
    expect(e.listRules().map((r) => r.kind).sort()).toEqual(['inject-error', 'suspend']);
    e.replaceRules([], true);
    expect(e.state).toBe(1);
  });
});
