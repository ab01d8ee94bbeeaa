// qcow2 as the rest of blkstudio sees it: find the qcow2 nodes of a graph and check one's
// consistency (leaks, corruptions, with the clusters involved) while it is open.
import { bdrvFlush } from '../../io';
import { nodesBelow, type BlockNode } from '../../node';
import { checkQcow2Image, type CheckResult } from './check';

export { qcow2Driver } from './qcow2';
export type { CheckResult, RefcountMismatch } from './check';

/** Every qcow2 node below (and including) root, top-down (overlays before their backing files). */
export function findQcow2Nodes(root: BlockNode): BlockNode[] {
  return nodesBelow(root).filter((n) => n.driver.formatName === 'qcow2');
}

/**
 * qemu-img check on an open node, without repairing: the node's caches are written first (its
 * metadata is then all on disk), and the image is read through its file child.
 */
export async function checkQcow2Node(node: BlockNode): Promise<CheckResult> {
  const file = node.primaryChild;
  if (!file) throw new Error(`node '${node.nodeName}' has no image file`);
  if (!node.readOnly) await bdrvFlush(node).catch(() => undefined);
  const read = async (offset: number, bytes: number) => {
    const buf = new Uint8Array(bytes);
    await file.preadv(offset, bytes, buf);
    return buf;
  };
  return checkQcow2Image(read, await file.getLength());
}
