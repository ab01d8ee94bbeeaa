// bdrv_reopen for qemu-io's `reopen`: new read-only state, cache mode and the options a node
// may change while open, checked for the whole subtree before anything is applied.
import type { CacheMode } from './block-backend-api';
import { DETECT_ZEROES, DISCARD_MODES } from './node-options';
import { QemuError } from './errors';
import type { BlockNode, NodeFlags } from './node';
import { bdrvFlush } from './io';
import { OptionReader, qdictFromStrings, qvalueToString, type QDict } from './qdict';


export interface ReopenPlan {
  node: BlockNode;
  flags: NodeFlags;
  /** Driver-specific options the driver still has to take (raw: offset, size). */
  driverOptions: QDict;
}

/** Split `file.x=...` style keys down the graph: each node gets the keys meant for it. */
function optionsFor(node: BlockNode, dict: QDict, out: Map<BlockNode, QDict>): void {
  const own: QDict = new Map();
  for (const [key, value] of dict) {
    const child = node.children.find((c) => key.startsWith(`${c.name}.`));
    if (!child) {
      own.set(key, value);
      continue;
    }
    const sub = out.get(child.node) ?? new Map();
    sub.set(key.slice(child.name.length + 1), value);
    out.set(child.node, sub);
  }
  out.set(node, own);
}

/**
 * Work out every node's new flags (children inherit what their parent changes unless told
 * otherwise) and check it, throwing QEMU's message on the first problem.
 */
export function planReopen(root: BlockNode, options: Record<string, string>, cache: CacheMode | undefined, cacheModes: Record<CacheMode, { direct: boolean; noFlush: boolean }>, backendReadOnly: boolean): ReopenPlan[] {
  const perNode = new Map<BlockNode, QDict>();
  const plans: ReopenPlan[] = [];
  const visit = (node: BlockNode, dict: QDict, parentOld: NodeFlags | null, parentNew: NodeFlags | null) => {
    optionsFor(node, dict, perNode);
    const own = perNode.get(node) ?? new Map();
    const opts = new OptionReader(own);
    const flags: NodeFlags = { ...node.flags };
    // Inherit what the parent changes (bdrv_reopen_queue_child's inherited options).
    if (parentOld && parentNew) {
      for (const k of ['readOnly', 'direct', 'noFlush'] as const) if (parentOld[k] !== parentNew[k]) flags[k] = parentNew[k];
    }
    if (cache !== undefined) {
      flags.direct = cacheModes[cache].direct;
      flags.noFlush = cacheModes[cache].noFlush;
    }
    const ro = opts.takeBool('read-only');
    if (ro !== undefined) flags.readOnly = ro;
    opts.takeBool('auto-read-only');
    const direct = opts.takeBool('cache.direct');
    if (direct !== undefined) flags.direct = direct;
    const noFlush = opts.takeBool('cache.no-flush');
    if (noFlush !== undefined) flags.noFlush = noFlush;
    const discard = opts.takeEnum('discard', DISCARD_MODES);
    if (discard !== undefined) flags.unmap = discard === 'unmap' || discard === 'on';
    opts.takeEnum('detect-zeroes', DETECT_ZEROES);
    const driverOptions: QDict = new Map();
    for (const key of node.drv.reopenableOptions ?? []) {
      if (own.has(key)) {
        driverOptions.set(key, own.get(key) ?? null);
        own.delete(key);
      }
    }
    // Anything else may only be repeated with the value it was opened with.
    for (const key of opts.leftovers()) {
      const was = node.openOptions.get(key);
      if (was === undefined || qvalueToString(was) !== qvalueToString(own.get(key) ?? null)) {
        throw new QemuError(`Cannot change the option '${key}'`);
      }
    }
    plans.push({ node, flags, driverOptions });
    for (const c of node.children) {
      if (c.role === 'backing') continue;
      visit(c.node, perNode.get(c.node) ?? new Map(), node.flags, flags);
    }
  };
  visit(root, qdictFromStrings(options), null, null);

  // A read-only node cannot have a writer above it: the backend, or a read-write parent.
  const newFlags = new Map(plans.map((p) => [p.node, p.flags]));
  const rootFlags = newFlags.get(root);
  if (rootFlags?.readOnly && !backendReadOnly) {
    throw new QemuError(`Read-only block node '${root.nodeName}' cannot support read-write users`);
  }
  for (const p of plans) {
    for (const c of p.node.children) {
      const cf = newFlags.get(c.node);
      if (c.role !== 'backing' && !p.flags.readOnly && cf?.readOnly) {
        throw new QemuError(`Read-only block node '${c.node.nodeName}' cannot support read-write users`);
      }
    }
  }
  return plans;
}

/** Apply a checked plan: reopen host files that become writable, flush what becomes read-only. */
export async function applyReopen(plans: ReopenPlan[]): Promise<void> {
  for (const p of plans) {
    if (p.flags.readOnly && !p.node.flags.readOnly) await bdrvFlush(p.node);
  }
  for (const p of plans) {
    if (p.flags.readOnly !== p.node.flags.readOnly && p.node.drv.reopen) await p.node.drv.reopen(p.flags.readOnly);
  }
  for (const p of plans) {
    if (p.driverOptions.size > 0 && p.node.drv.reopenOptions) await p.node.drv.reopenOptions(p.driverOptions);
    Object.assign(p.node.flags, p.flags);
  }
  // Lengths may follow new options (raw offset/size): refresh bottom-up.
  for (const p of [...plans].reverse()) p.node.totalBytes = await p.node.drv.getLength();
}
