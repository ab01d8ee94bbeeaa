// A workspace's run, kept by the session: which steps ran and what each really did. A step gets
// its check mark only once its outcome is verified against the session's own state (return code,
// blkverify mismatches recorded, the blkdebug state machine, breakpoints and parked requests);
// otherwise it fails with the reason. Every window (and a reload) reads the same run from the
// snapshot; resetWorkspace starts a new one.
import type { RunResult, VerifyMismatchDto, WorkspaceExpect, WorkspaceInfo, WorkspaceProgress, WorkspaceStep, WorkspaceStepResult, WorkspaceStepRun } from '../api/dto';
import type { BlkdebugSnapshot, SessionSnapshot } from '../api/snapshot';
import type { Timer } from './env';

/** What the runner needs of the session. */
export interface WorkspaceHost {
  run(line: string): Promise<RunResult>;
  addBreakpoint(event: string, tag: string): void;
  snapshot(): Pick<SessionSnapshot, 'blkdebug'>;
  /** Mismatches of the topmost blkverify node ([] without one). */
  mismatches(): VerifyMismatchDto[];
  /** The run moved on (emit workspace-changed). */
  changed(): void;
  timer: Timer;
}

/** How long a step waits for an aio request to reach its breakpoint. */
export const PARK_WAIT_MS = 3000;

/** The console's text for a step. */
export function stepLine(step: WorkspaceStep): string {
  return 'run' in step ? step.run : `break ${step.breakpoint.event} ${step.breakpoint.tag}`;
}

interface Observed {
  blkdebug: BlkdebugSnapshot | null;
  lastMismatchId: number;
}

const ERRNO_TEXT: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 12: 'ENOMEM', 22: 'EINVAL', 28: 'ENOSPC', 95: 'ENOTSUP' };
const rcText = (rc: number) => (rc < 0 && ERRNO_TEXT[-rc] ? `${rc} (${ERRNO_TEXT[-rc]})` : String(rc));

/**
 * Checks what a step did: `before` and `after` are the session seen around it, `rc` its
 * command's return code (null for a breakpoint). Returns what was verified, or why it failed.
 */
export function verifyStep(expect: WorkspaceExpect, rc: number | null, before: Observed, after: Observed, mismatches: VerifyMismatchDto[]): { ok: boolean; reason: string } {
  const checked: string[] = [];
  const fail = (why: string) => ({ ok: false, reason: why });
  const recorded = mismatches.filter((m) => m.id > before.lastMismatchId);
  if (expect.rc !== undefined) {
    if (rc === null) return fail('no command ran, so there is no return code to check');
    if (rc !== expect.rc) return fail(`the command returned ${rcText(rc)}, not ${rcText(expect.rc)}`);
    checked.push(`returned ${rcText(rc)}`);
  }
  if (expect.noMismatch) {
    if (recorded.length > 0) return fail(`blkverify recorded ${recorded.length === 1 ? 'a mismatch' : `${recorded.length} mismatches`} (${recorded[0]!.message}), none expected`);
    checked.push('no blkverify mismatch');
  }
  if (expect.mismatch) {
    const want = expect.mismatch;
    const what = `a ${want.kind} mismatch on ${want.op}`;
    const sameKind = recorded.filter((m) => m.kind === want.kind && m.op === want.op);
    if (sameKind.length === 0) {
      return fail(recorded.length === 0 ? `blkverify recorded no mismatch; expected ${what}` : `blkverify recorded ${recorded.map((m) => `a ${m.kind} mismatch on ${m.op}`).join(', ')}; expected ${what}`);
    }
    let hit = sameKind;
    if (want.sector !== undefined) {
      const at = want.sector * 512;
      hit = hit.filter((m) => m.sectors.some((s) => s.offset <= at && at < s.offset + s.bytes));
      if (hit.length === 0) return fail(`blkverify recorded ${what}, but not over sector ${want.sector}`);
    }
    if (want.testErrno !== undefined) {
      const errno = want.testErrno;
      hit = hit.filter((m) => m.testErrno === errno);
      if (hit.length === 0) return fail(`blkverify recorded ${what}, but the test side did not fail with ${ERRNO_TEXT[errno] ?? `errno ${errno}`}`);
    }
    checked.push(`blkverify recorded ${what}${want.sector !== undefined ? ` over sector ${want.sector}` : ''}${want.testErrno !== undefined ? ` (test side ${ERRNO_TEXT[want.testErrno] ?? want.testErrno})` : ''}`);
  }
  if (expect.state) {
    const { from, to } = expect.state;
    if (!before.blkdebug || !after.blkdebug) return fail('the image has no blkdebug node');
    if (before.blkdebug.state !== from) return fail(`the state machine was in state ${before.blkdebug.state} before the step, not ${from}`);
    if (after.blkdebug.state !== to) return fail(`the state machine is in state ${after.blkdebug.state}, not ${to}`);
    checked.push(`state ${from} → ${to}`);
  }
  if (expect.noActiveErrors) {
    if (!after.blkdebug) return fail('the image has no blkdebug node');
    if (after.blkdebug.activeRuleIds.length > 0) return fail(`inject-error rule${after.blkdebug.activeRuleIds.length > 1 ? 's' : ''} ${after.blkdebug.activeRuleIds.map((id) => `#${id}`).join(', ')} still active: every request to the test side would fail`);
    checked.push('no inject-error rule left active');
  }
  if (expect.breakpoint !== undefined) {
    const tag = expect.breakpoint;
    if (!after.blkdebug?.rules.some((r) => r.kind === 'suspend' && r.tag === tag)) return fail(`no breakpoint with tag '${tag}' is set`);
    checked.push(`breakpoint '${tag}' set`);
  }
  if (expect.parked !== undefined) {
    const tag = expect.parked;
    const parked = after.blkdebug?.suspended.find((s) => s.tag === tag);
    if (!parked) return fail(`no request is parked with tag '${tag}'`);
    checked.push(`${parked.op ?? 'a request'}${parked.offset !== null ? ` at ${parked.offset}` : ''} parked as '${tag}'`);
  }
  return { ok: true, reason: checked.length > 0 ? checked.join('; ') : 'ran' };
}

export class WorkspaceRunner {
  private progress: WorkspaceProgress;
  /** Step runs and resets, one after another. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly info: WorkspaceInfo,
    private readonly host: WorkspaceHost,
  ) {
    this.progress = { run: 1, autoRun: true, steps: info.steps.map(() => ({ state: 'pending' as const })) };
  }

  /** The workspace with its current run (what the snapshot carries). */
  describe(): WorkspaceInfo {
    return { ...this.info, progress: { ...this.progress, steps: this.progress.steps.map((s) => ({ ...s })) } };
  }

  /** Start a new run once `replant` (images and rules planted again, stack re-opened) is done. */
  reset(replant: () => Promise<void>): Promise<WorkspaceInfo> {
    return this.serial(async () => {
      this.progress = { run: this.progress.run + 1, autoRun: false, steps: this.info.steps.map(() => ({ state: 'pending' as const })) };
      this.host.changed();
      try {
        await replant();
      } finally {
        this.host.changed();
      }
      return this.describe();
    });
  }

  /** Run step `index`, after the earlier steps it needs that are not done yet. */
  runStep(index: number): Promise<WorkspaceStepRun[]> {
    return this.serial(async () => {
      const runs: WorkspaceStepRun[] = [];
      for (const need of this.needsOf(index)) {
        if (this.progress.steps[need]!.state === 'done') continue;
        const r = await this.runOne(need);
        runs.push(r);
        if (r.result.state !== 'done') {
          this.set(index, { state: 'pending', reason: `needs step ${need + 1} (${stepLine(this.info.steps[need]!)}), which failed: ${r.result.reason ?? ''}` });
          return runs;
        }
      }
      runs.push(await this.runOne(index));
      return runs;
    });
  }

  /** Run every step not done yet, in order; one whose prerequisite is not done waits. */
  runAll(): Promise<WorkspaceStepRun[]> {
    return this.serial(async () => {
      const runs: WorkspaceStepRun[] = [];
      for (const index of this.info.steps.keys()) {
        if (this.progress.steps[index]!.state === 'done') continue;
        const missing = this.needsOf(index).find((n) => this.progress.steps[n]!.state !== 'done');
        if (missing !== undefined) {
          this.set(index, { state: 'pending', reason: `needs step ${missing + 1} (${stepLine(this.info.steps[missing]!)}), which did not succeed` });
          continue;
        }
        runs.push(await this.runOne(index));
      }
      return runs;
    });
  }

  /** Earlier steps `index` depends on, transitively, in order. */
  private needsOf(index: number): number[] {
    const out = new Set<number>();
    const visit = (i: number) => {
      for (const n of this.info.steps[i]?.needs ?? []) {
        if (n < 0 || n >= i || out.has(n)) continue;
        visit(n);
        out.add(n);
      }
    };
    visit(index);
    return [...out].sort((a, b) => a - b);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    // Asked for: the UI of another window must not start the steps at first sight as well.
    this.progress.autoRun = false;
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private set(index: number, result: WorkspaceStepResult): void {
    this.progress.steps[index] = result;
    this.host.changed();
  }

  private observe(): Observed {
    const mismatches = this.host.mismatches();
    return { blkdebug: this.host.snapshot().blkdebug[0] ?? null, lastMismatchId: mismatches.reduce((n, m) => Math.max(n, m.id), 0) };
  }

  private async runOne(index: number): Promise<WorkspaceStepRun> {
    const step = this.info.steps[index]!;
    const line = stepLine(step);
    this.set(index, { state: 'running' });
    let result: WorkspaceStepResult;
    const printed = { stdout: '', stderr: '' };
    try {
      const before = this.observe();
      let rc: number | null = null;
      let output = '';
      if ('run' in step) {
        const r = await this.host.run(step.run);
        rc = r.rc;
        output = r.stdout + r.stderr;
        printed.stdout = r.stdout;
        printed.stderr = r.stderr;
      } else {
        this.host.addBreakpoint(step.breakpoint.event, step.breakpoint.tag);
      }
      // An aio request reaches its breakpoint after the command returned: wait for it.
      const tag = step.expect?.parked;
      if (tag !== undefined) await this.waitFor(() => this.host.snapshot().blkdebug.some((b) => b.suspended.some((s) => s.tag === tag)));
      const verdict = verifyStep(step.expect ?? {}, rc, before, this.observe(), this.host.mismatches());
      result = { state: verdict.ok ? 'done' : 'failed', reason: verdict.reason, ...('run' in step ? { output } : {}) };
    } catch (e) {
      result = { state: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    this.set(index, result);
    return { index, line, result, ...printed };
  }

  private async waitFor(done: () => boolean): Promise<void> {
    for (let waited = 0; !done() && waited < PARK_WAIT_MS; waited += 10) {
      await new Promise<void>((resolve) => this.host.timer.setTimeout(resolve, 10));
    }
  }
}
