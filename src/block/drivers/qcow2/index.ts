// qcow2 as the rest of blkstudio sees it: find the qcow2 nodes of a graph and check one's
// consistency (leaks, corruptions, with the clusters involved) while it is open.
import { nodesBelow, type BlockNode } from '../../node';
import { checkQcow2Image, type CheckResult } from './check';
import { inspectImageReader } from './qcow2';

export { qcow2Driver } from './qcow2';
export type { CheckResult, RefcountMismatch } from './check';

/** Every qcow2 node below (and including) root, top-down (overlays before their backing files). */
export function findQcow2Nodes(root: BlockNode): BlockNode[] {
  return nodesBelow(root).filter((n) => n.driver.formatName === 'qcow2');
}

/**
 * qemu-img check on an open node, without repairing and without side effects: the image file
 * is read with the inspection flag (no rule check, no events), and what the caches hold dirty
 * is laid over it, so the check sees the metadata a flush would write without flushing.
 */
export async function checkQcow2Node(node: BlockNode): Promise<CheckResult> {
  const file = node.primaryChild;
  if (!file) throw new Error(`node '${node.nodeName}' has no image file`);
  const read = inspectImageReader(node);
  if (!read) throw new Error(`node '${node.nodeName}' is not an open qcow2 node`);
  return checkQcow2Image(read, await file.getLength());
}
