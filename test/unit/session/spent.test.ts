// The session snapshot lists spent rules (once rules that fired, fired or removed breakpoints)
// with their final counts and when they went, while qemu-io's output stays QEMU's.
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/session/index';
import { MemoryHost } from '../block/memory-host';
import { FakeTime, waitFor } from './helpers';

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function open(time: FakeTime) {
  const host = new MemoryHost();
  host.addFile('d.raw', 1 << 20);
  const s = await Session.open(host, { filename: 'blkdebug::d.raw', format: 'raw' }, { clock: time.clock, timer: time });
  sessions.push(s);
  return s;
}

const ONCE = '# fail one read\n[inject-error]\nevent = "read_aio"\nerrno = "5"\nonce = "on"\n';

describe('Session snapshot: spent rules', () => {
  it('a once rule that fired is gone from rules and listed as spent with hits, injected and its line', async () => {
    const time = new FakeTime();
    const s = await open(time);
    expect(s.applyRules(undefined, ONCE)).toEqual([]);
    time.now = 40;
    expect(await s.run('read 0 512')).toEqual({ stdout: 'read failed: Input/output error\n', stderr: '', rc: -5 });
    expect((await s.run('read 0 512')).rc).toBe(0);
    time.now = 90;
    const [bd] = s.snapshot().blkdebug;
    expect(bd.rules).toEqual([]);
    expect(bd.activeRuleIds).toEqual([]);
    expect(bd.spent).toEqual([
      {
        id: expect.any(Number),
        kind: 'inject-error',
        event: 'read_aio',
        state: 0,
        hits: 1,
        source: { origin: 'config', line: 2 },
        errno: 5,
        offset: -1,
        once: true,
        immediately: false,
        iotypes: ['read', 'write', 'write-zeroes', 'discard', 'flush'],
        injected: 1,
        spentBy: 'once',
        spentAt: 40,
      },
    ]);
    // Applying rules again replaces the rule set and its spent records.
    expect(s.applyRules(undefined, ONCE)).toEqual([]);
    expect(s.snapshot().blkdebug[0].spent).toEqual([]);
    expect(s.snapshot().blkdebug[0].rules).toHaveLength(1);
  });

  it('breakpoints: fired from the API and from qemu-io, removed by remove_break; they survive applyRules', async () => {
    const time = new FakeTime();
    const s = await open(time);
    s.addBreakpoint('read_aio', 'A');
    expect(await s.run('break write_aio B')).toEqual({ stdout: '', stderr: '', rc: 0 });
    time.now = 10;
    expect(await s.run('aio_read 0 512')).toEqual({ stdout: "blkdebug: Suspended request 'A'\n", stderr: '', rc: 0 });
    time.now = 20;
    expect(await s.run('remove_break B')).toEqual({ stdout: '', stderr: '', rc: 0 });
    let [bd] = s.snapshot().blkdebug;
    expect(bd.rules).toEqual([]);
    expect(bd.spent?.map((r) => [r.tag, r.event, r.hits, r.spentBy, r.spentAt, r.source.origin])).toEqual([
      ['A', 'read_aio', 1, 'fired', 10, 'breakpoint'],
      ['B', 'write_aio', 0, 'removed', 20, 'breakpoint'],
    ]);
    expect(s.applyRules(undefined, ONCE)).toEqual([]);
    [bd] = s.snapshot().blkdebug;
    expect(bd.spent?.map((r) => r.tag)).toEqual(['A', 'B']);
    // Re-arming is setting the same breakpoint again: a new live rule, the record stays.
    s.addBreakpoint('read_aio', 'A');
    [bd] = s.snapshot().blkdebug;
    expect(bd.rules.filter((r) => r.kind === 'suspend').map((r) => [r.tag, r.hits])).toEqual([['A', 0]]);
    s.resume('A');
    await waitFor(() => s.snapshot().blkdebug[0].suspended.length === 0, 'the resumed read');
  });
});
