// The blkdebug rule-file language as the UI needs it (completion, hover, the builder's pickers):
// sections, attributes, events with where QEMU fires them, I/O types. Plain data; tests keep it
// equal to the engine's own tables (src/block/events.ts, the blkdebug RULE_SCHEMA).
import { ERRNO_TABLE } from '../common/errno-table';

export type RuleSectionName = 'inject-error' | 'set-state';

/** What kind of value an attribute takes, so an editor can offer the right control. */
export type AttributeKind = 'event' | 'state' | 'errno' | 'sector' | 'bool' | 'iotype';

export interface AttributeDoc {
  key: string;
  kind: AttributeKind;
  required?: true;
  doc: string;
}

export const RULE_SECTIONS: Record<RuleSectionName, { doc: string; attributes: AttributeDoc[] }> = {
  'inject-error': {
    doc: 'Fail the requests that match with an errno (default EIO).',
    attributes: [
      { key: 'event', kind: 'event', required: true, doc: 'The blkdebug event that triggers the rule.' },
      { key: 'state', kind: 'state', doc: 'Match only in this state; 0 (the default) matches in every state.' },
      { key: 'errno', kind: 'errno', doc: 'The errno to fail with (a number; 5 = EIO by default, 0 = succeed without doing the I/O).' },
      { key: 'sector', kind: 'sector', doc: 'Match only requests that overlap this 512-byte sector (default: any).' },
      { key: 'once', kind: 'bool', doc: 'on: the rule fires for the first matching request only (default off).' },
      { key: 'immediately', kind: 'bool', doc: 'on: fail at submission, before the request reaches the driver (default off).' },
      { key: 'iotype', kind: 'iotype', doc: 'Match only this kind of request (default: read, write, write-zeroes, discard and flush).' },
    ],
  },
  'set-state': {
    doc: 'Move the state machine to a new state when the event fires.',
    attributes: [
      { key: 'event', kind: 'event', required: true, doc: 'The blkdebug event that triggers the transition.' },
      { key: 'state', kind: 'state', doc: 'Transition only from this state; 0 (the default) from every state.' },
      { key: 'new_state', kind: 'state', doc: 'The state to move to.' },
    ],
  },
};

/** The values `iotype` accepts, in QEMU's BlkdebugIOType order. */
export const BLKDEBUG_IO_TYPES = ['read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status'] as const;

/** `on`/`off` and the other spellings QEMU's boolean parser accepts. */
export const BOOL_VALUES = ['on', 'off', 'yes', 'no', 'true', 'false'] as const;

/** Every blkdebug event in QEMU's enum order, with a one-line note on where QEMU 7.2 fires it. */
export const BLKDEBUG_EVENT_DOCS: ReadonlyArray<{ name: string; doc: string }> = [
  { name: 'l1_update', doc: 'qcow2 writes an L1 table entry (a new L2 table is hooked in).' },
  { name: 'l1_grow_alloc_table', doc: 'qcow2 allocates clusters for a larger L1 table.' },
  { name: 'l1_grow_write_table', doc: 'qcow2 writes the new, larger L1 table.' },
  { name: 'l1_grow_activate_table', doc: 'qcow2 points the header at the new L1 table.' },
  { name: 'l2_load', doc: 'qcow2 reads an L2 table from the image into its cache.' },
  { name: 'l2_update', doc: 'qcow2 writes back an updated L2 table.' },
  { name: 'l2_update_compressed', doc: 'qcow2 writes an L2 entry for a compressed cluster.' },
  { name: 'l2_alloc_cow_read', doc: 'qcow2 reads the old L2 table to copy it into a new one.' },
  { name: 'l2_alloc_write', doc: 'qcow2 writes a newly allocated L2 table.' },
  { name: 'read_aio', doc: 'A format driver (raw, qcow2) reads guest data from its file.' },
  { name: 'read_backing_aio', doc: 'qcow2 reads guest data from the backing file.' },
  { name: 'read_compressed', doc: 'qcow2 reads a compressed cluster.' },
  { name: 'write_aio', doc: 'A format driver (raw, qcow2) writes guest data to its file.' },
  { name: 'write_compressed', doc: 'qcow2 writes a compressed cluster.' },
  { name: 'vmstate_load', doc: 'qcow2 reads VM state (qemu-io read -b).' },
  { name: 'vmstate_save', doc: 'qcow2 writes VM state (qemu-io write -b).' },
  { name: 'cow_read', doc: 'qcow2 reads the untouched part of a cluster for copy-on-write.' },
  { name: 'cow_write', doc: 'qcow2 writes the copied part of a cluster for copy-on-write.' },
  { name: 'reftable_load', doc: 'qcow2 reads the refcount table at open.' },
  { name: 'reftable_grow', doc: 'qcow2 writes a larger refcount table.' },
  { name: 'reftable_update', doc: 'qcow2 writes a refcount table entry.' },
  { name: 'refblock_load', doc: 'qcow2 reads a refcount block into its cache.' },
  { name: 'refblock_update', doc: 'qcow2 writes back a refcount block.' },
  { name: 'refblock_update_part', doc: 'qcow2 writes back part of a refcount block.' },
  { name: 'refblock_alloc', doc: 'qcow2 allocates a new refcount block.' },
  { name: 'refblock_alloc_hookup', doc: 'qcow2 hooks a new refcount block into the refcount table.' },
  { name: 'refblock_alloc_write', doc: 'qcow2 writes a newly allocated refcount block.' },
  { name: 'refblock_alloc_write_blocks', doc: 'qcow2 writes the refcount blocks of a grown refcount table.' },
  { name: 'refblock_alloc_write_table', doc: 'qcow2 writes a grown refcount table.' },
  { name: 'refblock_alloc_switch_table', doc: 'qcow2 points the header at the grown refcount table.' },
  { name: 'cluster_alloc', doc: 'qcow2 allocates clusters for guest data.' },
  { name: 'cluster_alloc_bytes', doc: 'qcow2 allocates bytes inside a cluster (compressed data).' },
  { name: 'cluster_free', doc: 'qcow2 frees clusters.' },
  { name: 'flush_to_os', doc: 'A flush writes cached driver state to the OS (before flush_to_disk).' },
  { name: 'flush_to_disk', doc: 'A flush asks the host to make written data stable (fdatasync).' },
  { name: 'pwritev_rmw_head', doc: 'The block layer reads the head of an unaligned write (read-modify-write).' },
  { name: 'pwritev_rmw_after_head', doc: 'The head of an unaligned write has been read.' },
  { name: 'pwritev_rmw_tail', doc: 'The block layer reads the tail of an unaligned write.' },
  { name: 'pwritev_rmw_after_tail', doc: 'The tail of an unaligned write has been read.' },
  { name: 'pwritev', doc: 'The block layer is about to write to a node (every write).' },
  { name: 'pwritev_zero', doc: 'The block layer is about to write zeroes to a node.' },
  { name: 'pwritev_done', doc: 'A write to a node has finished.' },
  { name: 'empty_image_prepare', doc: 'qcow2 prepares an empty image (qemu-img commit/make_empty).' },
  { name: 'l1_shrink_write_table', doc: 'qcow2 writes the L1 table while shrinking the image.' },
  { name: 'l1_shrink_free_l2_clusters', doc: 'qcow2 frees L2 tables while shrinking the image.' },
  { name: 'cor_write', doc: 'Copy-on-read writes data it read from the backing file.' },
  { name: 'cluster_alloc_space', doc: 'qcow2 handles an allocating write (handle_alloc_space).' },
  { name: 'none', doc: 'Fires once when the blkdebug node is opened.' },
];

export const BLKDEBUG_EVENT_NAMES: readonly string[] = BLKDEBUG_EVENT_DOCS.map((e) => e.name);

/** Errno names and numbers (Linux), with the text qemu-io prints for each. */
export const ERRNO_NAMES: ReadonlyArray<{ name: string; value: number; message: string }> = ERRNO_TABLE.map(([value, name, message]) => ({ name, value, message }));

/** The errnos most often injected, offered first by pickers. */
export const COMMON_ERRNOS = ['EIO', 'ENOSPC', 'EROFS', 'ENOMEM', 'EINVAL', 'EPERM', 'EAGAIN', 'ENOTSUP'] as const;
