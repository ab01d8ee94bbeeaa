// The demo workspace's explanation under the top bar: what the graph is, and its steps with the
// session's verdict on each (a check mark only for a step the session verified). The run lives in
// the session, so a reload or a second window shows the same marks; the steps run at first sight
// of a fresh workspace, a click runs one (after the steps it needs), and "Run the demo again"
// plants fresh images and rules before running them all. Hidden for images the user opened.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BlkstudioApi } from '../../../src/api';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { clickPlan, noteRuns, runSummary, stepResults, stepText, type StepState } from './run-steps';
import './workspace.css';

const MARK: Record<StepState, string> = { pending: '·', running: '…', done: '✓', failed: '✗' };

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const append = (kind: 'input' | 'stdout' | 'stderr' | 'info', text: string) => useSessionStore.getState().append(kind, text);

/** Snapshots after the session says the workspace's run moved on (one call in flight at a time). */
function useWorkspaceEvents(api: BlkstudioApi): void {
  useEffect(() => {
    let running = false;
    let again = false;
    const refresh = () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
      api.snapshot().then(
        (snap) => useSessionStore.getState().setSnapshot(snap),
        () => undefined,
      ).finally(() => {
        running = false;
        if (again) refresh();
      });
    };
    return api.onEvents((batch) => {
      if (batch.events.some((e) => e.type === 'workspace-changed')) refresh();
    });
  }, [api]);
}

// `run` (the console's) is kept for App's call; steps go through the session's workspace calls.
export function WorkspaceBanner(_props: { run?: (line: string) => Promise<void> }) {
  const api = useApi();
  useWorkspaceEvents(api);
  const ws = useSessionStore((s) => s.snapshot?.workspace ?? null);
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const autoStarted = useRef<string | null>(null);

  const act = useCallback(async (what: () => Promise<string>) => {
    setBusy(true);
    try {
      setStatus(await what());
    } catch (err) {
      setStatus(`The demo could not run: ${message(err)}`);
    } finally {
      setBusy(false);
    }
  }, []);

  const runAll = useCallback(
    () =>
      act(async () => {
        const runs = await api.runWorkspaceSteps();
        noteRuns(runs, append);
        const snap = await api.snapshot();
        useSessionStore.getState().setSnapshot(snap);
        return snap.workspace ? runSummary(snap.workspace, runs) : 'The demo image is not open any more.';
      }),
    [act, api],
  );

  const reset = useCallback(
    (thenRun: boolean) =>
      act(async () => {
        setStatus('Planting fresh images and rules…');
        const fresh = await api.resetWorkspace();
        append('info', `demo run ${fresh.progress?.run ?? ''}: reference.raw, test.qcow2 and demo.cfg planted afresh; the stack is open again`);
        if (!thenRun) {
          useSessionStore.getState().setSnapshot(await api.snapshot());
          return `Restored: fresh images and rules (run ${fresh.progress?.run ?? ''}). Click a step to run it.`;
        }
        setStatus('Running the steps…');
        const runs = await api.runWorkspaceSteps();
        noteRuns(runs, append);
        const snap = await api.snapshot();
        useSessionStore.getState().setSnapshot(snap);
        return snap.workspace ? runSummary(snap.workspace, runs) : 'The demo image is not open any more.';
      }),
    [act, api],
  );

  // At first sight of a workspace nothing has run in: run the steps (the session starts them once).
  useEffect(() => {
    if (!ws?.progress?.autoRun || autoStarted.current === ws.id) return;
    autoStarted.current = ws.id;
    void runAll();
  }, [ws, runAll]);

  const click = (index: number) => {
    if (!ws) return;
    const plan = clickPlan(ws, index, busy);
    setStatus(plan.message);
    if (!plan.run) return;
    void act(async () => {
      const runs = await api.runWorkspaceStep({ index });
      noteRuns(runs, append);
      const snap = await api.snapshot();
      useSessionStore.getState().setSnapshot(snap);
      return snap.workspace ? runSummary(snap.workspace, runs, index) : 'The demo image is not open any more.';
    });
  };

  if (!ws || hidden) return null;
  const results = stepResults(ws);
  const running = busy || results.some((r) => r.state === 'running');
  const doneCount = results.filter((r) => r.state === 'done').length;
  return (
    <section className="workspace-banner" aria-label={ws.title}>
      <div className="workspace-head">
        <h2>{ws.title}</h2>
        <span className="workspace-run" aria-label="Demo run">
          run {ws.progress?.run ?? 1} · {doneCount} of {results.length} steps done
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => void reset(true)} disabled={running} title="Plant fresh copies of reference.raw, test.qcow2 (with its corruptions) and demo.cfg, re-open the stack, then run every step">
          Run the demo again
        </button>
        <button type="button" onClick={() => void reset(false)} disabled={running} title="Plant fresh images and rules, then run the steps one by one by clicking them">
          Restore the demo
        </button>
        <button type="button" onClick={() => setHidden(true)}>
          Dismiss
        </button>
      </div>
      {ws.notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
      <ol className="workspace-steps" aria-label="Demo steps">
        {ws.steps.map((step, i) => {
          const r = results[i]!;
          const shownReason = r.state === 'failed' || (r.state === 'pending' && r.reason);
          return (
            <li key={i} data-state={r.state}>
              <span className="workspace-mark" role="img" aria-label={r.state}>
                {MARK[r.state]}
              </span>
              <button
                type="button"
                className="workspace-step"
                aria-label={`Step ${i + 1}: ${stepText(step)}`}
                title={[r.reason, r.output].filter(Boolean).join('\n\n') || step.note}
                onClick={() => click(i)}
              >
                <code>{stepText(step)}</code>
                {step.note && <span className="workspace-note"> — {step.note}</span>}
              </button>
              {shownReason && (
                <span className="workspace-reason" aria-label={`Step ${i + 1} ${r.state === 'failed' ? 'failure' : 'waits'}`}>
                  {r.state === 'failed' ? 'failed: ' : 'waits: '}
                  {r.reason}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p className="workspace-status" role="status" aria-label="Demo status">
        {status || (running ? 'Running the steps…' : '')}
      </p>
    </section>
  );
}
