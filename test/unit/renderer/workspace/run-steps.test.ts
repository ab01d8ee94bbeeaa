// What the demo banner says a click does, how a run turned out, and what it echoes into the
// console: words over the session's run (snapshot.workspace.progress).
import { describe, expect, it } from 'vitest';
import type { WorkspaceInfo, WorkspaceStepRun } from '../../../../src/api';
import { clickPlan, noteRuns, needsOf, runSummary, stepResults } from '../../../../renderer/src/workspace/run-steps';

const ws = (states: string[], reasons: string[] = []): WorkspaceInfo => ({
  id: 'w',
  kind: 'demo',
  title: 'Demo workspace',
  notes: [],
  steps: [{ run: 'read 0 64k' }, { run: 'write 8M 4k' }, { run: 'write 9M 4k', needs: [1] }, { breakpoint: { event: 'read_aio', tag: 'demo' } }, { run: 'aio_read 0 4k', needs: [2, 3] }],
  progress: { run: 3, autoRun: false, steps: states.map((state, i) => ({ state: state as 'pending', ...(reasons[i] ? { reason: reasons[i] } : {}) })) },
});

describe('the demo banner', () => {
  it('reads the step results from the session, pending when it says nothing', () => {
    expect(stepResults({ ...ws([]), progress: undefined }).map((r) => r.state)).toEqual(Array(5).fill('pending'));
    expect(needsOf(ws([]), 4)).toEqual([1, 2, 3]);
  });

  it('runs a pending step, saying which earlier steps run first', () => {
    const w = ws(['done', 'pending', 'pending', 'done', 'pending']);
    expect(clickPlan(w, 0, false)).toEqual({ run: false, message: 'Step 1 (read 0 64k) is done in this run: verified. Run the demo again to repeat it on fresh images.' });
    expect(clickPlan(w, 1, false)).toEqual({ run: true, message: 'Running step 2 (write 8M 4k)…' });
    expect(clickPlan(w, 4, false)).toEqual({ run: true, message: 'Step 5 (aio_read 0 4k) needs steps 2 and 3 first: running them, then step 5…' });
    expect(clickPlan(ws(['done', 'running', 'pending', 'pending', 'pending']), 2, false)).toEqual({ run: false, message: 'Step 3 (write 9M 4k) waits: the demo is running a step now.' });
    expect(clickPlan(w, 1, true).run).toBe(false);
  });

  it('sums up a run: all verified, the failures with their reasons, the steps held back', () => {
    const run = (index: number, state: 'done' | 'failed', reason: string): WorkspaceStepRun => ({ index, line: 'x', result: { state, reason }, stdout: '', stderr: '' });
    expect(runSummary(ws(Array(5).fill('done')), [run(0, 'done', 'returned 0')])).toBe('All 5 steps done and verified (run 3).');
    expect(runSummary(ws(['done', 'failed', 'pending', 'done', 'pending']), [run(1, 'failed', 'the state machine is in state 1, not 2')])).toBe(
      '1 of 1 steps failed: step 2: the state machine is in state 1, not 2.',
    );
    const held = ws(['failed', 'failed', 'pending', 'done', 'pending'], ['', '', 'needs step 2 (write 8M 4k), which failed: no']);
    expect(runSummary(held, [], 2)).toBe('Step 3 did not run: needs step 2 (write 8M 4k), which failed: no.');
    expect(runSummary(held, [run(1, 'failed', 'no')], 1)).toBe('Step 2 failed: no.');
  });

  it('notes only what no command line shows (the commands come from the session to every window)', () => {
    const lines: string[] = [];
    noteRuns(
      [
        { index: 0, line: 'read 1M 64k', result: { state: 'done' }, stdout: '', stderr: 'read failed: Input/output error\n' },
        { index: 3, line: 'break read_aio demo', result: { state: 'done' }, stdout: '', stderr: '' },
        { index: 4, line: 'aio_read 0 4k', result: { state: 'failed', reason: "no request is parked with tag 'demo'" }, stdout: 'ok\n', stderr: '' },
      ],
      (kind, text) => lines.push(`${kind}: ${text}`),
    );
    expect(lines).toEqual([
      'info: demo step 4: break read_aio demo (breakpoint set)',
      "info: demo step 5 failed: no request is parked with tag 'demo'",
    ]);
  });
});
