// The demo workspace's explanation under the top bar: what the graph is, and the steps that ran
// (once per workspace, at first sight) so every view has something to show. Hidden for images
// the user opened, and when dismissed.
import { useEffect, useRef, useState } from 'react';
import type { WorkspaceStep } from '../../../src/api';
import { useApi } from '../api-context';
import { useSessionStore } from '../session-store';
import { rememberStepsRan, runSteps, stepsAlreadyRan, type StepState } from './run-steps';
import './workspace.css';

const stepText = (s: WorkspaceStep) => ('run' in s ? s.run : `break ${s.breakpoint.event} ${s.breakpoint.tag}`);

const MARK: Record<StepState, string> = { pending: '·', running: '…', done: '✓', failed: '✗' };

export function WorkspaceBanner({ run }: { run: (line: string) => Promise<void> }) {
  const api = useApi();
  const ws = useSessionStore((s) => s.snapshot?.workspace ?? null);
  const [states, setStates] = useState<StepState[]>([]);
  const [hidden, setHidden] = useState(false);
  const started = useRef<string | null>(null);

  useEffect(() => {
    if (!ws || started.current === ws.id) return;
    started.current = ws.id;
    if (stepsAlreadyRan(ws.id)) {
      setStates(ws.steps.map(() => 'done'));
      return;
    }
    rememberStepsRan(ws.id);
    setStates(ws.steps.map(() => 'pending'));
    void runSteps(ws, api, run, (i, s) => setStates((prev) => prev.map((p, j) => (j === i ? s : p))));
  }, [ws, api, run]);

  if (!ws || hidden) return null;
  return (
    <section className="workspace-banner" aria-label={ws.title}>
      <div className="workspace-head">
        <h2>{ws.title}</h2>
        <button type="button" onClick={() => setHidden(true)}>
          Dismiss
        </button>
      </div>
      {ws.notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
      <ol className="workspace-steps" aria-label="Demo steps">
        {ws.steps.map((step, i) => (
          <li key={i} data-state={states[i] ?? 'pending'}>
            <span className="workspace-mark" aria-label={states[i] ?? 'pending'}>
              {MARK[states[i] ?? 'pending']}
            </span>
            <code>{stepText(step)}</code>
            {step.note && <span className="workspace-note"> — {step.note}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
