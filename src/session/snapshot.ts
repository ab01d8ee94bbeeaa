// A serialisable picture of a session: the node tree, every blkdebug engine (state, rules with
// hit counts, parked requests) and the requests in flight.
import type { BlkdebugEngine, Rule } from '../block/index';
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
  inFlight: InFlightRequest[];
}

/** The parts of a node the snapshot reads (BlockNode). */
export interface SnapshotNode {
  nodeName: string;
  filename: string;
  readOnly: boolean;
  totalBytes: number;
  driver: { formatName: string };
  openOptions: Map<string, string | number | boolean | null>;
  children: ReadonlyArray<{ name: string; role: string; node: SnapshotNode }>;
}

export function snapshotNode(root: SnapshotNode): NodeSnapshot {
  const seen = new Set<SnapshotNode>();
  const visit = (n: SnapshotNode): NodeSnapshot => {
    const base = {
      name: n.nodeName,
      driver: n.driver.formatName,
      filename: n.filename,
      readOnly: n.readOnly,
      length: n.totalBytes,
      options: Object.fromEntries(n.openOptions),
    };
    if (seen.has(n)) return { ...base, children: [], shared: true };
    seen.add(n);
    return { ...base, children: n.children.map((c) => ({ name: c.name, role: c.role, node: visit(c.node) })) };
  };
  return visit(root);
}

const IOTYPE_NAMES = ['read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status'];

export function snapshotRule(rule: Rule): RuleSnapshot {
  const base = { id: rule.id, kind: rule.kind, event: rule.event, state: rule.state, hits: rule.hits, source: { ...rule.source } };
  switch (rule.kind) {
    case 'inject-error':
      return {
        ...base,
        errno: rule.errno,
        offset: rule.offset,
        once: rule.once,
        immediately: rule.immediately,
        iotypes: IOTYPE_NAMES.filter((_, i) => rule.iotypeMask & (1 << i)),
        injected: rule.injected,
      };
    case 'set-state':
      return { ...base, newState: rule.newState };
    case 'suspend':
      return { ...base, tag: rule.tag };
  }
}

/** parkedAt: when the session saw the request park (session clock), if it did. */
export function snapshotEngine(node: string, engine: BlkdebugEngine, now: number, parkedAt: (r: object) => number | undefined): BlkdebugSnapshot {
  return {
    node,
    state: engine.state,
    rules: engine.listRules().map(snapshotRule),
    activeRuleIds: engine.activeRuleIds(),
    suspended: engine.suspendedRequests().map((r) => ({
      tag: r.tag,
      event: r.event,
      op: r.request?.op ?? null,
      offset: r.request?.offset ?? null,
      bytes: r.request?.bytes ?? null,
      parkedMs: Math.max(0, now - (parkedAt(r) ?? now)),
    })),
  };
}
