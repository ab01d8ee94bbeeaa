// What an export tells clients about itself (nbd_export_create): size, flags, block sizes.
import type { BlockBackend } from '../block/index';
import {
  NBD_FLAG_CAN_MULTI_CONN,
  NBD_FLAG_HAS_FLAGS,
  NBD_FLAG_READ_ONLY,
  NBD_FLAG_SEND_CACHE,
  NBD_FLAG_SEND_FAST_ZERO,
  NBD_FLAG_SEND_FLUSH,
  NBD_FLAG_SEND_FUA,
  NBD_FLAG_SEND_TRIM,
  NBD_FLAG_SEND_WRITE_ZEROES,
  NBD_MAX_BUFFER_SIZE,
} from './protocol';

export interface NbdExportSpec {
  /** qemu-nbd -x (default ''). */
  name: string;
  /** -D */
  description?: string;
  /** Requests go through its gateway, like a console's. */
  blk: BlockBackend;
  /** -r */
  readOnly: boolean;
  /** -A: offer the qemu:allocation-depth meta context. */
  allocationDepth: boolean;
  /** Clients allowed at once (-e); more than one advertises multi-conn, as qemu-nbd does. */
  maxConnections?: number;
}

export interface ExportInfo {
  readonly spec: NbdExportSpec;
  /** Bytes, rounded down to a sector as QEMU does. */
  readonly size: number;
  readonly flags: number;
  /** The backend's request alignment (NBD_INFO_BLOCK_SIZE minimum when the client asks). */
  readonly alignment: number;
  readonly maxTransfer: number;
}

export async function describeExport(spec: NbdExportSpec): Promise<ExportInfo> {
  const length = await spec.blk.getLength();
  let flags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA | NBD_FLAG_SEND_CACHE;
  if ((spec.maxConnections ?? 1) !== 1) flags |= NBD_FLAG_CAN_MULTI_CONN;
  if (spec.readOnly) flags |= NBD_FLAG_READ_ONLY;
  else flags |= NBD_FLAG_SEND_TRIM | NBD_FLAG_SEND_WRITE_ZEROES | NBD_FLAG_SEND_FAST_ZERO;
  const limits = spec.blk.root.limits;
  const maxTransfer = limits.maxTransfer > 0 ? Math.min(limits.maxTransfer, NBD_MAX_BUFFER_SIZE) : NBD_MAX_BUFFER_SIZE;
  return { spec, size: Math.floor(length / 512) * 512, flags, alignment: Math.max(1, limits.requestAlignment), maxTransfer };
}
