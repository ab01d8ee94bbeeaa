// Long work a session runs for the UI in the background (image creation): each job reports
// progress as job-progress events, ends with one job-done, and can be cancelled.
import type { JobKind } from '../api/dto';
import type { SessionEvent } from './events';

export interface JobControl {
  /** Set by cancel(); the job checks it between steps and stops. */
  readonly aborted: boolean;
  /** Bytes (or steps) done of total; sent at most every 50 ms, and always at the end. */
  progress(done: number, total: number): void;
}

export type JobFn = (control: JobControl) => Promise<void>;

export class Jobs {
  private readonly running = new Map<number, { aborted: boolean }>();
  private nextId = 1;

  constructor(
    private readonly emit: (e: SessionEvent) => void,
    private readonly now: () => number,
  ) {}

  /** Starts fn in the background; returns its job id at once. */
  start(kind: JobKind, fn: JobFn): number {
    const jobId = this.nextId++;
    const token = { aborted: false };
    this.running.set(jobId, token);
    let done = 0;
    let total = 0;
    let sentAt = -Infinity;
    const control: JobControl = {
      get aborted() {
        return token.aborted;
      },
      progress: (d, t) => {
        done = d;
        total = t;
        const now = this.now();
        if (now - sentAt < 50 && d < t) return;
        sentAt = now;
        this.emit({ type: 'job-progress', at: now, jobId, kind, done, total });
      },
    };
    void fn(control).then(
      () => this.finish(jobId, kind, token.aborted ? 'cancelled' : 'complete', done, total),
      (e: unknown) => this.finish(jobId, kind, token.aborted ? 'cancelled' : 'failed', done, total, e instanceof Error ? e.message : String(e)),
    );
    return jobId;
  }

  private finish(jobId: number, kind: JobKind, status: 'complete' | 'cancelled' | 'failed', done: number, total: number, message?: string): void {
    this.running.delete(jobId);
    this.emit({ type: 'job-done', at: this.now(), jobId, kind, status, done, total, ...(message === undefined ? {} : { message }) });
  }

  cancel(jobId: number): boolean {
    const token = this.running.get(jobId);
    if (!token) return false;
    token.aborted = true;
    return true;
  }

  cancelAll(): void {
    for (const t of this.running.values()) t.aborted = true;
  }
}
