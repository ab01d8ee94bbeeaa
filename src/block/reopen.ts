// bdrv_reopen for qemu-io's `reopen`: new read-only state, cache mode and the options a node
// may change while open, checked for the whole subtree before anything is applied.
import type { CacheMode } from './block-backend-api';
import type { ReopenPrepared } from './driver';
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
  /** The driver's own checked reopen (reopenPrepare), and its options as later reopens keep them. */
  prepared?: ReopenPrepared;
  kept?: QDict;
}

/** Split `file.x=...` style keys down the graph: each node gets the keys meant for it. */
function optionsFor(node: BlockNode, dict: QDict, out: Map<BlockNode, QDict>): void {
  const own: QDict = new Map();
  for (const [key, value] of dict) {
    const child = node.children.find((c) => c.inherited && key.startsWith(`${c.name}.`));
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
export async function planReopen(
  root: BlockNode,
  options: Record<string, string>,
  cache: CacheMode | undefined,
  cacheModes: Record<CacheMode, { direct: boolean; noFlush: boolean }>,
  backendReadOnly: boolean,
): Promise<ReopenPlan[]> {
  const perNode = new Map<BlockNode, QDict>();
  const plans: ReopenPlan[] = [];
  const visit = async (node: BlockNode, dict: QDict, parentOld: NodeFlags | null, parentNew: NodeFlags | null) => {
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
    const plan: ReopenPlan = { node, flags, driverOptions };
    if (node.drv.reopenPrepare) await prepareDriver(plan, own);
    checkChildReferences(node, own);
    // Anything else may only be repeated with the value it was opened with.
    for (const key of opts.leftovers()) {
      const was = node.openOptions.get(key);
      if (was === undefined || qvalueToString(was) !== qvalueToString(own.get(key) ?? null)) {
        throw new QemuError(`Cannot change the option '${key}'`);
      }
    }
    plan.prepared?.checkStorage?.();
    plans.push(plan);
    for (const c of node.children) {
      if (!c.inherited || typeof own.get(c.name) === 'string') continue;
      // A backing file stays read-only whatever its parent becomes.
      if (c.role === 'backing') await visit(c.node, perNode.get(c.node) ?? new Map(), null, null);
      else await visit(c.node, perNode.get(c.node) ?? new Map(), node.flags, flags);
    }
  };
  await visit(root, qdictFromStrings(options), null, null);

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

/**
 * The driver's reopen prepare on the options it knows: the new ones joined with those it had
 * (bdrv_join_options; QEMU keeps old options), what it takes is no longer checked to be unchanged.
 */
async function prepareDriver(plan: ReopenPlan, own: QDict): Promise<void> {
  const { node } = plan;
  const runtime = node.driver.runtimeOptions;
  const old: QDict = new Map([...node.openOptions].filter(([key]) => runtime.includes(key)));
  const dict: QDict = new Map(own);
  if (node.drv.joinOptions) node.drv.joinOptions(dict, old);
  else for (const [key, value] of old) if (!dict.has(key)) dict.set(key, value);
  plan.kept = new Map([...dict].filter(([key]) => runtime.includes(key)));
  plan.prepared = await node.drv.reopenPrepare!(dict, plan.flags);
  for (const key of [...own.keys()]) if (!dict.has(key)) own.delete(key);
}

/** `backing=NAME` / `file=NAME` naming the node that is already there change nothing. */
function checkChildReferences(node: BlockNode, own: QDict): void {
  for (const c of node.children) {
    const ref = own.get(c.name);
    if (typeof ref !== 'string') continue;
    if (ref === c.node.nodeName) {
      own.delete(c.name);
    } else if (![...node.graph.nodes].some((n) => n.nodeName === ref)) {
      throw new QemuError(`Cannot find device='' nor node-name='${ref}'`);
    }
  }
  // A reference where the node has no such child yet (backing.backing=X on a base image).
  for (const key of ['backing', 'file']) {
    const ref = own.get(key);
    if (typeof ref === 'string' && !node.children.some((c) => c.name === key) && ![...node.graph.nodes].some((n) => n.nodeName === ref)) {
      throw new QemuError(`Cannot find device='' nor node-name='${ref}'`);
    }
  }
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
    if (p.prepared) {
      p.prepared.commit();
      // The joined options are what the next reopen starts from.
      for (const key of [...p.node.openOptions.keys()]) if (p.node.driver.runtimeOptions.includes(key)) p.node.openOptions.delete(key);
      for (const [key, value] of p.kept ?? []) p.node.openOptions.set(key, value);
    }
    Object.assign(p.node.flags, p.flags);
  }
  // Lengths may follow new options (raw offset/size): refresh bottom-up.
  for (const p of [...plans].reverse()) p.node.totalBytes = await p.node.drv.getLength();
  for (const p of plans) await p.prepared?.commitPost?.();
}
