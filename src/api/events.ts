// The event union of the contract: what a session reports, as plain serialisable objects (no
// class instances, no byte arrays), delivered in batches. src/session produces exactly these. `at` is the session clock in milliseconds.

import type { ByteRange, JobKind, VerifyMismatchDto } from './dto';

export type RequestOp = 'read' | 'write' | 'write-zeroes' | 'write-compressed' | 'discard' | 'flush' | 'block-status' | 'truncate';

export interface RequestRange {
  op: string;
  offset: number;
  bytes: number;
}

export type SessionEvent =
  // ---- from the graph's trace hook (every request through the gateway) --------------------
  | { type: 'request-start'; at: number; id: number; node: string; op: RequestOp; offset: number; bytes: number }
  | { type: 'request-done'; at: number; id: number; node: string; op: RequestOp; offset: number; bytes: number; errno: number }
  | { type: 'debug-event'; at: number; node: string; event: string }
  // ---- from each blkdebug engine ------------------------------------------------------------
  | { type: 'rule-matched'; at: number; node: string; ruleId: number; ruleKind: 'inject-error' | 'set-state' | 'suspend'; event: string }
  | { type: 'error-injected'; at: number; node: string; ruleId: number; errno: number; iotype: string; offset: number; bytes: number }
  | { type: 'state-changed'; at: number; node: string; from: number; to: number }
  | { type: 'request-suspended'; at: number; node: string; tag: string; event: string; request: RequestRange | null }
  | { type: 'request-resumed'; at: number; node: string; tag: string }
  | { type: 'rules-replaced'; at: number; node: string; count: number }
  /** A breakpoint was set or removed (one that fires ends with request-suspended instead). */
  | { type: 'breakpoints-changed'; at: number; node: string; tag: string }
  // ---- from each blkverify node ----------------------------------------------------------------
  /** A mismatch recorded (record mode, or any blkverify in the app, which never exits). */
  | { type: 'verify-mismatch'; at: number; mismatch: VerifyMismatchDto }
  // ---- from sector diffs (startDiff) ------------------------------------------------------------
  /** Mismatching ranges found since the previous chunk, and how far the scan is. */
  | { type: 'diff-progress'; at: number; diffId: number; done: number; total: number; ranges: ByteRange[] }
  | { type: 'diff-done'; at: number; diffId: number; status: 'complete' | 'cancelled' | 'failed'; done: number; total: number; mismatchedBytes: number; message?: string }
  // ---- background jobs (createImage) ------------------------------------------------------------
  | { type: 'job-progress'; at: number; jobId: number; kind: JobKind; done: number; total: number }
  | { type: 'job-done'; at: number; jobId: number; kind: JobKind; status: 'complete' | 'cancelled' | 'failed'; done: number; total: number; message?: string }
  // ---- from the interpreter and the session itself --------------------------------------------
  /** What qemu-io printed outside any run() call (aio completions, resumed requests). */
  | { type: 'console'; at: number; stream: 'stdout' | 'stderr'; text: string }
  /**
   * A command line some caller ran (a console, a demo step) and what it printed: other windows
   * show it as their console would. `origin` is the caller's RunOptions.origin, so the window
   * that ran it (and already shows the reply) can skip it.
   */
  | { type: 'console-command'; at: number; line: string; stdout: string; stderr: string; rc: number; origin: string | null }
  /** An image was opened or closed (by a call or by an `open`/`close` command): snapshot again. */
  | { type: 'graph-changed'; at: number; open: boolean }
  /** The workspace's run moved on (a step ran or was verified, or resetWorkspace): snapshot again. */
  | { type: 'workspace-changed'; at: number }
  // ---- coalescing (see event-batcher.ts) ------------------------------------------------------
  /** Completed requests of one node and operation that a flood folded into counters. */
  | { type: 'requests-summarized'; node: string; op: RequestOp; count: number; bytes: number; errors: number; started: number }
  /** Debug events / set-state rule hits folded into counters. */
  | { type: 'events-summarized'; node: string; kind: 'debug-event' | 'rule-matched'; event: string; count: number }
  /** After a summarised batch: what is in flight now (at most `limit` listed; `total` is exact). */
  | { type: 'requests-in-flight'; at: number; total: number; requests: InFlightRequest[] };

export interface InFlightRequest {
  id: number;
  node: string;
  op: RequestOp;
  offset: number;
  bytes: number;
  /** Session clock (ms) when it started. */
  started: number;
}

export interface EventBatch {
  /** 1, 2, 3 ... per session. */
  seq: number;
  /** Session clock (ms) when the batch was sent. */
  at: number;
  events: SessionEvent[];
  /** Some request/debug events of this batch were folded into *-summarized counters. */
  summarized: boolean;
}
