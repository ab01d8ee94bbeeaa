import type { DriverInfo } from './driver';

/**
 * bdrv_get_info of a node that forwards to a child (raw_get_info, or a filter without get_info):
 * the child's cluster size and vm state offset, but not its "Format specific information",
 * because bdrv_get_specific_info asks only the node's own driver (blkdebug above qcow2 shows none).
 */
export async function forwardedInfo(child: { getInfo(): Promise<DriverInfo | null> }): Promise<DriverInfo | null> {
  const info = await child.getInfo();
  return info && { clusterSize: info.clusterSize, vmStateOffset: info.vmStateOffset };
}
