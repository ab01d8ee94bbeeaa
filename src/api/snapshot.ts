// A serialisable picture of a session (what Session.snapshot() returns): the node tree, every
// blkdebug engine (state, rules with hit counts, parked requests) and the requests in flight.
import type { WorkspaceInfo } from './dto';
import type { InFlightRequest } from './events';

export interface NodeSnapshot {
  name: string;
  /** QEMU driver name (format or protocol). */
  driver: string;
  filename: string;
  readOnly: boolean;
  /** Bytes (exact, not rounded to sectors). */
  length: number;
  /** The options the node was opened with (flat dotted keys). */
  options: Record<string, string | number | boolean | null>;
  children: ChildSnapshot[];
  /** Set on a node reached a second time (a shared child): its subtree is listed once only. */
  shared?: true;
}

export interface ChildSnapshot {
  /** The child's name in the parent's options: file, backing, image, test, raw ... */
  name: string;
  role: string;
  node: NodeSnapshot;
}

export interface RuleSnapshot {
  id: number;
  kind: 'inject-error' | 'set-state' | 'suspend';
  event: string;
  /** 0 = any state. */
  state: number;
  hits: number;
  source: { origin: string; line?: number; index?: number };
  /** inject-error */
  errno?: number;
  offset?: number;
  once?: boolean;
  immediately?: boolean;
  iotypes?: string[];
  injected?: number;
  /** set-state */
  newState?: number;
  /** suspend (breakpoint) */
  tag?: string;
}

/**
 * A rule QEMU removed from the rule list, kept for the views with its final counts: an
 * inject-error rule with once=on that failed a request (`once`), a breakpoint that parked a
 * request (`fired`), a breakpoint dropped by remove_break before it fired (`removed`).
 */
export interface SpentRuleSnapshot extends RuleSnapshot {
  spentBy: 'once' | 'fired' | 'removed';
  /** Session clock (ms) when the rule was removed. */
  spentAt: number;
}

export interface SuspendedSnapshot {
  tag: string;
  event: string;
  op: string | null;
  offset: number | null;
  bytes: number | null;
  parkedMs: number;
}

export interface BlkdebugSnapshot {
  node: string;
  state: number;
  rules: RuleSnapshot[];
  activeRuleIds: number[];
  /** Most recently parked first. */
  suspended: SuspendedSnapshot[];
  /**
   * Rules no longer in `rules` because they were used up or removed, oldest first (at most the
   * last 100). Spent file rules are dropped when the rule set is replaced (applyRules); spent
   * breakpoints stay, as live breakpoints do. Absent from hosts that predate it.
   */
  spent?: SpentRuleSnapshot[];
}

export interface BlkverifySnapshot {
  node: string;
  mode: 'abort' | 'record';
  /** Node names of the raw reference and the test image. */
  raw: string;
  test: string;
  /** The base name of the file under each side (`reference.raw`, `test.qcow2`): what the views name them by. */
  rawLabel?: string;
  testLabel?: string;
  /** Mismatches recorded so far (the newest are kept for listMismatches). */
  mismatches: number;
}

export interface ImageSnapshot {
  format: string;
  protocol: string | null;
  readOnly: boolean;
  root: NodeSnapshot;
}

export interface SessionSnapshot {
  /** Session clock (ms) when taken. */
  at: number;
  image: ImageSnapshot | null;
  blkdebug: BlkdebugSnapshot[];
  blkverify: BlkverifySnapshot[];
  /** The demo workspace, while the image it opened is still the open one. */
  workspace: WorkspaceInfo | null;
  inFlight: InFlightRequest[];
}
