import { describe, expect, it } from 'vitest';
import { findBlkdebugEngines, lintRuleFile, loadRuleFile, type BlkdebugEngineEvent } from '../../../../src/block/index';
import { openBlockBackend } from '../../../../src/block/open';
import { MemoryHost } from '../memory-host';

async function openWithRules(rules = '') {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  host.addFile('rules.cfg', new TextEncoder().encode(rules));
  let clock = 1000;
  host.now = () => clock;
  const printed: string[] = [];
  const blk = await openBlockBackend(host, { filename: 'blkdebug:rules.cfg:d.raw', format: 'raw' }, { warn: () => {}, print: (t) => printed.push(t) });
  const [{ engine, node }] = findBlkdebugEngines(blk.root);
  return { blk, engine, node, printed, tick: (ms: number) => (clock += ms) };
}

describe('blkdebug engine API', () => {
  it('finds the engine and reports state, rules and hit counts', async () => {
    const { blk, engine, node } = await openWithRules('[set-state]\nevent = "write_aio"\nnew_state = "2"\n[inject-error]\nevent = "read_aio"\nstate = "2"\n');
    expect(node).toBe(blk.root.children[0].node.nodeName);
    expect(engine.state).toBe(1);
    await blk.pwrite(0, 512, new Uint8Array(512), 0);
    expect(engine.state).toBe(2);
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 5 });
    const rules = engine.listRules();
    expect(rules.map((r) => [r.kind, r.hits])).toEqual([
      ['inject-error', 1],
      ['set-state', 1],
    ]);
    expect(rules[0]).toMatchObject({ injected: 1, source: { origin: 'config', line: 4 } });
  });

  it('describes parked requests (operation, range, event, time) and resumes them all', async () => {
    const { blk, engine, tick, printed } = await openWithRules();
    engine.breakpoint('write_aio', 'A');
    engine.breakpoint('pwritev', 'B');
    const w1 = blk.pwrite(4096, 512, new Uint8Array(512).fill(1), 0);
    await Promise.resolve();
    tick(250);
    const parked = engine.suspendedRequests();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ tag: 'A', event: 'write_aio', request: { op: 'write', offset: 4096, bytes: 512 }, since: 1000 });
    expect(engine.resumeAll()).toBe(1);
    // The same request then stops at the gateway's pwritev event.
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.suspendedRequests()[0]).toMatchObject({ tag: 'B', event: 'pwritev', request: { op: 'write', offset: 4096, bytes: 512 } });
    engine.resume('B');
    await w1;
    expect(printed).toEqual([
      "blkdebug: Suspended request 'A'\n",
      "blkdebug: Resuming request 'A'\n",
      "blkdebug: Suspended request 'B'\n",
      "blkdebug: Resuming request 'B'\n",
    ]);
  });

  it('streams debug events, matches, injections and state changes', async () => {
    const { blk, engine } = await openWithRules('[inject-error]\nevent = "read_aio"\nerrno = "28"\nonce = "on"\n');
    const seen: BlkdebugEngineEvent[] = [];
    engine.subscribe((e) => seen.push(e));
    await expect(blk.pread(0, 512, new Uint8Array(512))).rejects.toMatchObject({ errno: 28 });
    expect(seen).toEqual([
      { type: 'rule-matched', ruleId: expect.any(Number), event: 'read_aio' },
      { type: 'event-fired', event: 'read_aio', stateBefore: 1, stateAfter: 1 },
      { type: 'error-injected', ruleId: expect.any(Number), errno: 28, iotype: 'read', offset: 0, bytes: 512 },
    ]);
  });

  it('replaces the rule set atomically while a request is parked; a bad file changes nothing', async () => {
    const { blk, engine } = await openWithRules('[inject-error]\nevent = "read_aio"\n');
    engine.breakpoint('write_aio', 'P');
    const w = blk.pwrite(0, 512, new Uint8Array(512), 0);
    await Promise.resolve();
    expect(engine.isSuspended('P')).toBe(true);

    const bad = loadRuleFile(engine, '[inject-error]\nevent = "nosuch"\n');
    expect(bad).toEqual([{ message: 'invalid parameter value: nosuch', line: 2, column: 10, endColumn: 16 }]);
    expect(engine.listRules().filter((r) => r.kind === 'inject-error')).toHaveLength(1);

    expect(loadRuleFile(engine, '[set-state]\nevent = "read_aio"\nnew_state = "5"\n')).toEqual([]);
    engine.resume('P');
    await w;
    await blk.pread(0, 512, new Uint8Array(512));
    expect(engine.state).toBe(5);
    expect(loadRuleFile(engine, '', true)).toEqual([]);
    expect(engine.state).toBe(1);
  });

  it('lints every problem of a rule file with its position', () => {
    const { diagnostics, specs } = lintRuleFile('[inject-error]\nevent = "read_aio"\n[inject-error]\nerrno = "5"\n[set-state]\nevent = "bogus"\n');
    expect(specs).toHaveLength(1);
    expect(diagnostics).toEqual([
      { message: 'Missing event name for rule', line: 3, column: 1, endColumn: 15 },
      { message: 'invalid parameter value: bogus', line: 6, column: 10, endColumn: 15 },
    ]);
  });
});
