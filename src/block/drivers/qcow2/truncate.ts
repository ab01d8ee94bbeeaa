// Shrinking a qcow2 image (QEMU's qcow2_co_truncate, shrink side): drop the clusters past the
// new end, clear the L1 entries that are no longer needed, and cut unused clusters off the file.
import { QemuError, strerror, toErrno } from '../../errors';
import { clusterDiscard } from './discard';
import { entryOffset } from './format';
import { setL1 } from './l1-l2';
import { lastUsedCluster } from './preallocate';
import { fire, freeClusters } from './refcount';
import type { Qcow2State } from './state';

function wrap(prefix: string) {
  return (e: unknown): never => {
    throw new QemuError(`${prefix}: ${strerror(toErrno(e))}`, toErrno(e));
  };
}

/** qcow2_shrink_l1_table: zero the L1 tail on disk, then free the L2 tables it pointed to. */
async function shrinkL1Table(s: Qcow2State, newL1Size: number): Promise<void> {
  if (newL1Size >= s.l1Size) return;
  try {
    await fire(s, 'l1_shrink_write_table');
    await s.file.pwriteZeroes(s.l1TableOffset + newL1Size * 8, (s.l1Size - newL1Size) * 8, 0);
    await s.file.flush();
    await fire(s, 'l1_shrink_free_l2_clusters');
    for (let i = s.l1Size - 1; i > newL1Size - 1; i--) {
      const l2 = entryOffset(s.l1Hi(i), s.l1Lo(i));
      if (!l2) continue;
      await freeClusters(s, l2, s.clusterSize, 'always');
      setL1(s, i, 0, 0);
    }
  } catch (e) {
    // A partly written L1 tail must not be trusted from memory either.
    s.l1.fill(0, newL1Size * 8);
    throw e;
  }
}

/** Shrink the guest disk to `offset` bytes (lock held). */
export async function shrinkImage(s: Qcow2State, offset: number, newL1Size: number): Promise<void> {
  const from = Math.ceil(offset / s.clusterSize) * s.clusterSize;
  if (s.size > from) await clusterDiscard(s, from, s.size - from, 'always', true).catch(wrap('Failed to discard cropped clusters'));
  await shrinkL1Table(s, newL1Size).catch(wrap('Failed to reduce the number of L2 tables'));
  // qcow2_get_last_cluster: the file ends after the last cluster still referenced.
  const fileSize = await s.file.getLength();
  const last = await lastUsedCluster(s, fileSize);
  if ((last + 1) * s.clusterSize < fileSize) {
    await s.file.truncate((last + 1) * s.clusterSize, false, 'off').catch((e) => {
      s.stderr(`qemu-io: warning: Failed to truncate the tail of the image: ${strerror(toErrno(e))}\n`);
    });
  }
}
