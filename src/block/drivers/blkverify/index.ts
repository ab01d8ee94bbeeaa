// blkverify as the rest of blkstudio sees it: the driver, and its nodes in a graph with their
// mismatch logs (for the session's event stream and the app's hex diff view).
import type { BdrvChild } from '../../child';
import { nodesBelow, type BlockNode } from '../../node';
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
  return nodesBelow(root)
    .filter((n) => n.drv instanceof BlkverifyDriver)
    .map((n) => {
      const drv = n.drv as BlkverifyDriver;
      return { node: n.nodeName, mode: drv.mode, raw: drv.raw, test: drv.test, mismatches: drv.mismatches };
    });
}
