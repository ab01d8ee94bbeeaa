// Runs a workspace's steps once per workspace and window: qemu-io lines through the console (so
// their output shows there), breakpoints through the API. Remembered in localStorage by id.
import type { BlkstudioApi, WorkspaceInfo } from '../../../src/api';

export type StepState = 'pending' | 'running' | 'done' | 'failed';

const KEY = 'blkstudio.workspace-steps-ran';

function ranIds(storage: Storage | undefined): string[] {
  try {
    const v = JSON.parse(storage?.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function stepsAlreadyRan(id: string, storage: Storage | undefined = globalThis.localStorage): boolean {
  return ranIds(storage).includes(id);
}

export function rememberStepsRan(id: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify([...ranIds(storage).filter((x) => x !== id), id].slice(-20)));
  } catch {
    // Storage full or disabled: the steps may run again next time, which is harmless.
  }
}

/** Runs every step in order; `onState(i, s)` reports progress. Stops at nothing: each step is independent. */
export async function runSteps(
  ws: WorkspaceInfo,
  api: Pick<BlkstudioApi, 'setBreakpoint'>,
  run: (line: string) => Promise<void>,
  onState: (index: number, state: StepState) => void,
): Promise<void> {
  for (const [i, step] of ws.steps.entries()) {
    onState(i, 'running');
    try {
      if ('run' in step) await run(step.run);
      else await api.setBreakpoint({ event: step.breakpoint.event, tag: step.breakpoint.tag });
      onState(i, 'done');
    } catch {
      onState(i, 'failed');
    }
  }
}
