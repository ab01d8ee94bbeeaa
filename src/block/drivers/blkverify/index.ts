// blkverify as the rest of blkstudio sees it: the driver, and its nodes in a graph with their
// mismatch logs (for the session's event stream and the app's hex diff view).
import type { BdrvChild } from '../../child';
import type { BlockNode } from '../../node';
import { BlkverifyDriver } from './blkverify';
import type { MismatchLog } from './mismatch';

export { blkverifyDriver, BlkverifyDriver, type VerifyMode } from './blkverify';
export { MismatchLog, mismatchMessage, type MismatchKind, type MismatchListener, type VerifyMismatch } from './mismatch';

export interface BlkverifyNode {
  node: string;
  mode: 'abort' | 'record';
  raw: BdrvChild;
  test: BdrvChild;
  mismatches: MismatchLog;
}

/** Every blkverify node below (and including) root, top-down. */
export function findBlkverifyNodes(root: BlockNode): BlkverifyNode[] {
  const out: BlkverifyNode[] = [];
  const seen = new Set<BlockNode>();
  const visit = (n: BlockNode) => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.drv instanceof BlkverifyDriver) out.push({ node: n.nodeName, mode: n.drv.mode, raw: n.drv.raw, test: n.drv.test, mismatches: n.drv.mismatches });
    for (const c of n.children) visit(c.node);
  };
  visit(root);
  return out;
}
