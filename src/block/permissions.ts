// QEMU's block permissions, as far as they reach outside the process: what every node takes on
// each child and what it lets others share (bdrv_default_perms and friends), worked out top-down
// from the BlockBackend. Nodes whose driver publishes them (the file driver's lock bytes) get
// their share through DriverInstance.setPerm; nothing else in blkstudio enforces permissions.
import type { BdrvChild } from './child';
import type { BlockNode, NodeFlags } from './node';

export const BLK_PERM_CONSISTENT_READ = 0x01;
export const BLK_PERM_WRITE = 0x02;
export const BLK_PERM_WRITE_UNCHANGED = 0x04;
export const BLK_PERM_RESIZE = 0x08;
export const BLK_PERM_ALL = 0x0f;
/** bdrv_perm_names, in bit order. */
export const PERM_NAMES = ['consistent read', 'write', 'write unchanged', 'resize'] as const;

export interface NodePerms {
  perm: number;
  shared: number;
}

/** A node's flags as they are, or as a reopen is about to make them. */
export type FlagsOf = (node: BlockNode) => NodeFlags;
const currentFlags: FlagsOf = (node) => node.flags;

/** The permissions a node takes on a child, and what it shares, given its own (bdrv_child_perm). */
function childPerms(parent: BlockNode, child: BdrvChild, own: NodePerms, flagsOf: FlagsOf = currentFlags): NodePerms {
  let { perm, shared } = own;
  switch (child.role) {
    case 'backing':
      // bdrv_default_perms_for_cow: only consistent reads; writes shared if the parent shares them.
      perm &= BLK_PERM_CONSISTENT_READ;
      shared = (shared & BLK_PERM_WRITE ? BLK_PERM_WRITE | BLK_PERM_RESIZE : 0) | BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED;
      break;
    case 'file':
      // A format's file holds metadata and data (bdrv_default_perms_for_storage): the format may
      // write it whenever it is writable, and nobody else may write or resize it.
      if (!flagsOf(parent).readOnly) perm |= BLK_PERM_WRITE | BLK_PERM_RESIZE;
      perm |= BLK_PERM_CONSISTENT_READ;
      shared &= ~(BLK_PERM_WRITE | BLK_PERM_RESIZE);
      perm = dataPerms(perm);
      break;
    case 'data':
      shared &= ~BLK_PERM_RESIZE;
      perm = dataPerms(perm);
      break;
    default:
      // Filters pass everything through (bdrv_filter_default_perms).
      break;
  }
  // bdrv_child_perm: a force-share node lets everybody do everything.
  if (flagsOf(child.node).forceShare) shared = BLK_PERM_ALL;
  return { perm, shared };
}

/** A data child: unchanged writes are writes there, and writes may grow the file. */
function dataPerms(perm: number): number {
  if (perm & BLK_PERM_WRITE_UNCHANGED) perm |= BLK_PERM_WRITE;
  if (perm & BLK_PERM_WRITE) perm |= BLK_PERM_RESIZE;
  return perm;
}

/** Every node's permissions from root down, root holding `top` (from the BlockBackend or a parent). */
export function computePermissions(root: BlockNode, top: NodePerms, flagsOf: FlagsOf = currentFlags): Map<BlockNode, NodePerms> {
  const out = new Map<BlockNode, NodePerms>();
  const visit = (node: BlockNode, perms: NodePerms) => {
    const cur = out.get(node);
    // Several parents: the union of what they take, the intersection of what they share.
    const merged = cur ? { perm: cur.perm | perms.perm, shared: cur.shared & perms.shared } : perms;
    if (cur && cur.perm === merged.perm && cur.shared === merged.shared) return;
    out.set(node, merged);
    for (const c of node.children) visit(c.node, childPerms(node, c, merged, flagsOf));
  };
  visit(root, flagsOf(root).forceShare ? { ...top, shared: BLK_PERM_ALL } : top);
  return out;
}

/** What qemu-io's and qemu-img's BlockBackend asks for: read, and write unless read-only; it shares everything. */
export function backendPerms(readOnly: boolean): NodePerms {
  return { perm: BLK_PERM_CONSISTENT_READ | (readOnly ? 0 : BLK_PERM_WRITE), shared: BLK_PERM_ALL };
}

/**
 * A child just attached takes what its parent's current permissions imply (bdrv_attach_child):
 * a format's file is locked before the format reads a byte of it, as in QEMU.
 */
export function attachPermissions(parent: BlockNode, child: BdrvChild): void {
  applyPermissions(child.node, childPerms(parent, child, parent.perms));
}

/**
 * bdrv_refresh_perms: hand every node from root down its permissions, root holding `top`. The
 * first refusal (another process holds what we need) puts the nodes already changed back and
 * throws that node's error. A reopen passes the flags it is about to set, and checks before it
 * changes anything.
 */
export function applyPermissions(root: BlockNode, top: NodePerms, flagsOf: FlagsOf = currentFlags): void {
  const done: Array<[BlockNode, NodePerms]> = [];
  for (const [node, perms] of computePermissions(root, top, flagsOf)) {
    if (!node.drv?.setPerm) continue;
    const before = node.perms;
    try {
      node.drv.setPerm(perms.perm, perms.shared);
    } catch (e) {
      for (const [n, old] of done.reverse()) {
        try {
          n.drv.setPerm?.(old.perm, old.shared);
          n.perms = old;
        } catch {
          // Giving locks back cannot fail in a way we could do anything about.
        }
      }
      throw e;
    }
    done.push([node, before]);
    node.perms = perms;
  }
}
