// The demo's steps as the banner offers them. The session runs and verifies them and keeps the
// run (snapshot.workspace.progress), so every window and a reload see the same marks; this file
// only words what a click does and notes in the console what no command line shows.
import type { WorkspaceInfo, WorkspaceStep, WorkspaceStepResult, WorkspaceStepRun, WorkspaceStepState } from '../../../src/api';

export type StepState = WorkspaceStepState;

/** The console's text for a step (the session's stepLine). */
export const stepText = (s: WorkspaceStep) => ('run' in s ? s.run : `break ${s.breakpoint.event} ${s.breakpoint.tag}`);

/** The step results of the workspace's current run (all pending before the session says otherwise). */
export function stepResults(ws: WorkspaceInfo): WorkspaceStepResult[] {
  return ws.steps.map((_, i) => ws.progress?.steps[i] ?? { state: 'pending' });
}

/** Earlier steps `index` needs, transitively, in order. */
export function needsOf(ws: WorkspaceInfo, index: number): number[] {
  const out = new Set<number>();
  const visit = (i: number) => {
    for (const n of ws.steps[i]?.needs ?? []) {
      if (n < 0 || n >= i || out.has(n)) continue;
      visit(n);
      out.add(n);
    }
  };
  visit(index);
  return [...out].sort((a, b) => a - b);
}

const list = (steps: number[]) => (steps.length === 1 ? `step ${steps[0]! + 1}` : `steps ${steps.slice(0, -1).map((s) => s + 1).join(', ')} and ${steps[steps.length - 1]! + 1}`);

/** What clicking step `index` does: run it (saying what it runs first), or why it does not. */
export function clickPlan(ws: WorkspaceInfo, index: number, busy: boolean): { run: boolean; message: string } {
  const results = stepResults(ws);
  const r = results[index]!;
  const name = `Step ${index + 1} (${stepText(ws.steps[index]!)})`;
  if (busy || results.some((s) => s.state === 'running')) return { run: false, message: `${name} waits: the demo is running a step now.` };
  if (r.state === 'done') return { run: false, message: `${name} is done in this run: ${r.reason ?? 'verified'}. Run the demo again to repeat it on fresh images.` };
  const first = needsOf(ws, index).filter((n) => results[n]!.state !== 'done');
  if (first.length > 0) return { run: true, message: `${name} needs ${list(first)} first: running ${first.length === 1 ? 'it' : 'them'}, then step ${index + 1}…` };
  return { run: true, message: `Running ${name.charAt(0).toLowerCase()}${name.slice(1)}…` };
}

/** One line on how a click or a run turned out. */
export function runSummary(ws: WorkspaceInfo, runs: WorkspaceStepRun[], target?: number): string {
  if (target !== undefined) {
    const r = stepResults(ws)[target]!;
    const name = `Step ${target + 1}`;
    const own = runs.find((x) => x.index === target);
    if (own) return own.result.state === 'done' ? `${name} done: ${own.result.reason ?? 'verified'}.` : `${name} failed: ${own.result.reason ?? 'unknown reason'}.`;
    return `${name} did not run: ${r.reason ?? 'an earlier step it needs did not succeed'}.`;
  }
  const failed = runs.filter((x) => x.result.state !== 'done');
  if (failed.length > 0) return `${failed.length} of ${runs.length} steps failed: ${failed.map((f) => `step ${f.index + 1}: ${f.result.reason ?? 'unknown reason'}`).join('; ')}.`;
  const results = stepResults(ws);
  const waiting = results.map((s, i) => [s, i] as const).filter(([s]) => s.state === 'pending');
  if (waiting.length > 0) return `${waiting.length} steps did not run: ${waiting.map(([s, i]) => `step ${i + 1}: ${s.reason ?? 'pending'}`).join('; ')}.`;
  return runs.length === 0 ? 'Every step is done in this run.' : `All ${results.length} steps done and verified (run ${ws.progress?.run ?? 1}).`;
}

export type Append = (kind: 'input' | 'stdout' | 'stderr' | 'info', text: string) => void;

/**
 * Note in the console what the steps did that no command line shows: a breakpoint set, a step
 * that failed. The command lines and their output reach every window's console from the session
 * (console-command events), so they are not echoed here.
 */
export function noteRuns(runs: WorkspaceStepRun[], append: Append): void {
  for (const r of runs) {
    if (r.line.startsWith('break ') && !r.stdout && !r.stderr) append('info', `demo step ${r.index + 1}: ${r.line} (breakpoint set)`);
    if (r.result.state !== 'done') append('info', `demo step ${r.index + 1} failed: ${r.result.reason ?? 'unknown reason'}`);
  }
}
