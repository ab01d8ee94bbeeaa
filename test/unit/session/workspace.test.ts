// A workspace's run as the session keeps it: each step verified against what the session saw
// (return code, mismatches recorded, state machine, breakpoints, parked requests), steps run one
// after another however many windows ask, and a reset starts a new run.
import { describe, expect, it } from 'vitest';
import type { BlkdebugSnapshot, RunResult, VerifyMismatchDto, WorkspaceInfo } from '../../../src/api';
import { verifyStep, WorkspaceRunner, type WorkspaceHost } from '../../../src/session/workspace';
import { realTimer } from './helpers';

const engine = (over: Partial<BlkdebugSnapshot> = {}): BlkdebugSnapshot => ({ node: 'dbg', state: 1, rules: [], activeRuleIds: [], suspended: [], ...over });

const mismatch = (over: Partial<VerifyMismatchDto>): VerifyMismatchDto => ({
  node: 'v',
  id: 1,
  kind: 'contents',
  op: 'read',
  offset: 0,
  bytes: 65536,
  firstMismatch: 1030,
  sectors: [{ offset: 1024, bytes: 512 }],
  testErrno: 0,
  rawErrno: 0,
  message: 'blkverify: read offset=0 bytes=65536 contents mismatch at offset 1030',
  window: null,
  ...over,
});

describe('verifyStep', () => {
  const before = { blkdebug: engine(), lastMismatchId: 0 };

  it('checks the return code', () => {
    expect(verifyStep({ rc: 0 }, 0, before, before, [])).toEqual({ ok: true, reason: 'returned 0' });
    expect(verifyStep({ rc: 0 }, -5, before, before, [])).toEqual({ ok: false, reason: 'the command returned -5 (EIO), not 0' });
    expect(verifyStep({ rc: 0 }, null, before, before, [])).toMatchObject({ ok: false });
  });

  it('counts only the mismatches recorded by the step', () => {
    const old = mismatch({ id: 1 });
    expect(verifyStep({ noMismatch: true }, 0, { ...before, lastMismatchId: 1 }, before, [old])).toEqual({ ok: true, reason: 'no blkverify mismatch' });
    expect(verifyStep({ noMismatch: true }, 0, before, before, [old])).toEqual({ ok: false, reason: `blkverify recorded a mismatch (${old.message}), none expected` });
    expect(verifyStep({ mismatch: { kind: 'contents', op: 'read' } }, -5, { ...before, lastMismatchId: 1 }, before, [old])).toEqual({ ok: false, reason: 'blkverify recorded no mismatch; expected a contents mismatch on read' });
  });

  it('checks the kind, op, sector and errno of the mismatch', () => {
    const m = mismatch({});
    expect(verifyStep({ mismatch: { kind: 'contents', op: 'read', sector: 2 } }, -5, before, before, [m])).toEqual({ ok: true, reason: 'blkverify recorded a contents mismatch on read over sector 2' });
    expect(verifyStep({ mismatch: { kind: 'contents', op: 'read', sector: 3 } }, -5, before, before, [m])).toEqual({ ok: false, reason: 'blkverify recorded a contents mismatch on read, but not over sector 3' });
    expect(verifyStep({ mismatch: { kind: 'return-value', op: 'write' } }, -5, before, before, [m])).toEqual({ ok: false, reason: 'blkverify recorded a contents mismatch on read; expected a return-value mismatch on write' });
    const rv = mismatch({ kind: 'return-value', op: 'write', sectors: [], firstMismatch: null, testErrno: 28 });
    expect(verifyStep({ mismatch: { kind: 'return-value', op: 'write', testErrno: 5 } }, -5, before, before, [rv])).toEqual({ ok: false, reason: 'blkverify recorded a return-value mismatch on write, but the test side did not fail with EIO' });
  });

  it('checks the transition, the active errors, the breakpoint and the parked request', () => {
    const moved = { blkdebug: engine({ state: 2 }), lastMismatchId: 0 };
    expect(verifyStep({ state: { from: 1, to: 2 } }, 0, before, moved, [])).toEqual({ ok: true, reason: 'state 1 → 2' });
    expect(verifyStep({ state: { from: 1, to: 2 } }, 0, moved, moved, [])).toEqual({ ok: false, reason: 'the state machine was in state 2 before the step, not 1' });
    expect(verifyStep({ state: { from: 1, to: 2 } }, 0, before, before, [])).toEqual({ ok: false, reason: 'the state machine is in state 1, not 2' });
    expect(verifyStep({ state: { from: 1, to: 2 } }, 0, { blkdebug: null, lastMismatchId: 0 }, before, [])).toEqual({ ok: false, reason: 'the image has no blkdebug node' });
    expect(verifyStep({ noActiveErrors: true }, 0, before, { blkdebug: engine({ activeRuleIds: [7] }), lastMismatchId: 0 }, [])).toEqual({
      ok: false,
      reason: 'inject-error rule #7 still active: every request to the test side would fail',
    });
    const bp = { blkdebug: engine({ rules: [{ id: 3, kind: 'suspend', event: 'read_aio', state: 0, hits: 0, source: { origin: 'api' }, tag: 'demo' }] as BlkdebugSnapshot['rules'] }), lastMismatchId: 0 };
    expect(verifyStep({ breakpoint: 'demo' }, null, before, bp, [])).toEqual({ ok: true, reason: "breakpoint 'demo' set" });
    expect(verifyStep({ breakpoint: 'other' }, null, before, bp, [])).toEqual({ ok: false, reason: "no breakpoint with tag 'other' is set" });
    const parked = { blkdebug: engine({ suspended: [{ tag: 'demo', event: 'read_aio', op: 'read', offset: 4096, bytes: 512, parkedMs: 1 }] }), lastMismatchId: 0 };
    expect(verifyStep({ parked: 'demo' }, 0, before, parked, [])).toEqual({ ok: true, reason: "read at 4096 parked as 'demo'" });
    expect(verifyStep({ parked: 'demo' }, 0, before, before, [])).toEqual({ ok: false, reason: "no request is parked with tag 'demo'" });
  });
});

describe('WorkspaceRunner', () => {
  const info: WorkspaceInfo = {
    id: 'w',
    kind: 'demo',
    title: 'T',
    notes: [],
    steps: [
      { run: 'first', expect: { rc: 0 } },
      { run: 'second', needs: [0], expect: { rc: 0 } },
      { breakpoint: { event: 'read_aio', tag: 't' }, expect: { breakpoint: 't' } },
    ],
  };

  function fakeHost(rcOf: (line: string) => number) {
    const ran: string[] = [];
    let changes = 0;
    const rules: BlkdebugSnapshot['rules'] = [];
    const host: WorkspaceHost = {
      run: async (line): Promise<RunResult> => {
        ran.push(line);
        await new Promise((r) => setTimeout(r, 5));
        return { stdout: `${line} out\n`, stderr: '', rc: rcOf(line) };
      },
      addBreakpoint: (event, tag) => {
        ran.push(`break ${event} ${tag}`);
        rules.push({ id: 9, kind: 'suspend', event, state: 0, hits: 0, source: { origin: 'api' }, tag } as BlkdebugSnapshot['rules'][number]);
      },
      snapshot: () => ({ blkdebug: [engine({ rules })] }),
      mismatches: () => [],
      changed: () => void changes++,
      timer: realTimer,
    };
    return { host, ran, changes: () => changes };
  }

  it('runs each step once however many windows ask at the same time', async () => {
    const { host, ran } = fakeHost(() => 0);
    const runner = new WorkspaceRunner(info, host);
    expect(runner.describe().progress).toEqual({ run: 1, autoRun: true, steps: [{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }] });
    const [a, b] = await Promise.all([runner.runAll(), runner.runAll()]);
    expect(a.map((r) => r.line)).toEqual(['first', 'second', 'break read_aio t']);
    expect(b).toEqual([]);
    expect(ran).toEqual(['first', 'second', 'break read_aio t']);
    expect(runner.describe().progress).toEqual({
      run: 1,
      autoRun: false,
      steps: [
        { state: 'done', reason: 'returned 0', output: 'first out\n' },
        { state: 'done', reason: 'returned 0', output: 'second out\n' },
        { state: 'done', reason: "breakpoint 't' set" },
      ],
    });
  });

  it('shows a step running while it runs, and a reset starts a new run of pending steps', async () => {
    const { host, changes } = fakeHost(() => 0);
    const runner = new WorkspaceRunner(info, host);
    const running = runner.runStep(0);
    await new Promise((r) => setTimeout(r, 1));
    expect(runner.describe().progress!.steps[0]).toEqual({ state: 'running' });
    await running;
    expect(changes()).toBe(2);
    let replanted = false;
    const ws = await runner.reset(async () => {
      replanted = true;
    });
    expect(replanted).toBe(true);
    expect(ws.progress).toEqual({ run: 2, autoRun: false, steps: [{ state: 'pending' }, { state: 'pending' }, { state: 'pending' }] });
  });

  it('a failed step holds back the steps that need it, with the reason', async () => {
    const { host, ran } = fakeHost((line) => (line === 'first' ? -5 : 0));
    const runner = new WorkspaceRunner(info, host);
    await runner.runAll();
    expect(ran).toEqual(['first', 'break read_aio t']);
    expect(runner.describe().progress!.steps.map((s) => [s.state, s.reason])).toEqual([
      ['failed', 'the command returned -5 (EIO), not 0'],
      ['pending', 'needs step 1 (first), which did not succeed'],
      ['done', "breakpoint 't' set"],
    ]);
    const runs = await runner.runStep(1);
    expect(runs.map((r) => r.line)).toEqual(['first']);
    expect(runner.describe().progress!.steps[1]).toEqual({ state: 'pending', reason: 'needs step 1 (first), which failed: the command returned -5 (EIO), not 0' });
  });

  it('a step that throws fails with the message', async () => {
    const { host } = fakeHost(() => 0);
    host.addBreakpoint = () => {
      throw new Error("'read_aio' is not a blkdebug event");
    };
    const runner = new WorkspaceRunner(info, host);
    const [run] = await runner.runStep(2);
    expect(run!.result).toEqual({ state: 'failed', reason: "'read_aio' is not a blkdebug event" });
  });
});
