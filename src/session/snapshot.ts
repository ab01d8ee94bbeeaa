// A serialisable picture of a session: the node tree, every blkdebug engine (state, rules with
// hit counts, parked requests) and the requests in flight.
import type { BlkdebugEngine, Rule } from '../block/index';
import type { BlkdebugSnapshot, NodeSnapshot, RuleSnapshot, SpentRuleSnapshot } from '../api/snapshot';

export type { BlkdebugSnapshot, ChildSnapshot, ImageSnapshot, NodeSnapshot, RuleSnapshot, SessionSnapshot, SpentRuleSnapshot, SuspendedSnapshot } from '../api/snapshot';

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

type SpentRecord = ReturnType<BlkdebugEngine['spentRules']>[number];

export function snapshotSpent(spent: SpentRecord, at: number): SpentRuleSnapshot {
  return { ...snapshotRule(spent.rule), spentBy: spent.reason, spentAt: at };
}

/**
 * parkedAt: when the session saw the request park (session clock), if it did; spentAt: when it
 * saw the rule go (default: the snapshot's time).
 */
export function snapshotEngine(
  node: string,
  engine: BlkdebugEngine,
  now: number,
  parkedAt: (r: object) => number | undefined,
  spentAt: (s: object) => number | undefined = () => undefined,
): BlkdebugSnapshot {
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
    spent: engine.spentRules().map((s) => snapshotSpent(s, spentAt(s) ?? now)),
  };
}
