import type { BdrvChild } from './child';
import type { BlkdebugEvent } from './events';
import type { BlockNode, NodeFlags } from './node';
import type { OpenContext } from './open-context';
import type { QDict } from './qdict';

/** Request flags (QEMU's BdrvRequestFlags) that matter to our drivers. */
/** Copy what is read from the backing chain into this node (qemu-io -C). */
export const BDRV_REQ_COPY_ON_READ = 0x1;
export const BDRV_REQ_ZERO_WRITE = 0x2;
export const BDRV_REQ_MAY_UNMAP = 0x4;
export const BDRV_REQ_FUA = 0x10;
export const BDRV_REQ_WRITE_COMPRESSED = 0x20;
export const BDRV_REQ_NO_FALLBACK = 0x100;
/**
 * Not QEMU's: an inspection read (the app's hex view, compares, checks). It looks without
 * touching: the gateway neither tracks nor traces it, drivers announce no debug events for it,
 * blkdebug passes it through without a rule check, and qcow2 maps it without its lock and
 * without loading anything into (or reordering) its caches. Drivers pass it on to their children.
 */
export const BDRV_REQ_INSPECT = 0x10000;

/** Block status bits (QEMU's BDRV_BLOCK_*). */
export const BDRV_BLOCK_DATA = 0x01;
export const BDRV_BLOCK_ZERO = 0x02;
export const BDRV_BLOCK_OFFSET_VALID = 0x04;
export const BDRV_BLOCK_RAW = 0x08;
export const BDRV_BLOCK_ALLOCATED = 0x10;
export const BDRV_BLOCK_EOF = 0x20;

export interface BlockStatus {
  /** BDRV_BLOCK_* bits. */
  status: number;
  /** Bytes from `offset` that share this status (> 0). */
  pnum: number;
  /** Host offset when OFFSET_VALID. */
  map?: number;
  /** The child the data lives in when OFFSET_VALID or RAW. */
  file?: BdrvChild;
}

export type PreallocMode = 'off' | 'metadata' | 'falloc' | 'full';

/** `info` and qemu-img's view of a node (bdrv_get_info + bdrv_get_specific_info). */
export interface DriverInfo {
  clusterSize: number;
  vmStateOffset: number;
  /**
   * Lines printed under "Format specific information:" (already in QEMU's key: value form); a
   * list value is printed as "key:" then its lines, indented one level more.
   */
  specific?: ReadonlyArray<readonly [string, string | readonly string[]]>;
}

/**
 * The I/O a driver implements. Every operation is listed and required: a driver that does not
 * support one says so by throwing ENOTSUP, a filter that forwards says so by calling its child.
 * Offsets and lengths are bytes; buffers are exactly `bytes` long (views, never copies).
 * Drivers reach their children only through BdrvChild, which goes through the gateway (io.ts).
 */
export interface DriverOps {
  preadv(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void>;
  pwritev(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void>;
  /** Throw ENOTSUP to let the gateway fall back to writing a zeroed buffer. */
  pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void>;
  /** Throw ENOTSUP when discard is not possible: the gateway treats that as success, as QEMU does. */
  pdiscard(offset: number, bytes: number): Promise<void>;
  /** Write compressed data (one whole cluster, qcow2); others throw ENOTSUP. */
  pwriteCompressed(offset: number, bytes: number, buf: Uint8Array): Promise<void>;
  /** Make written data stable on this node's own storage (children are flushed by the gateway). */
  flushToDisk(): Promise<void>;
  /** Write cached metadata down to the children (qcow2 caches); no-op for stateless drivers. */
  flushToOs(): Promise<void>;
  /** `flags` is 0 or BDRV_REQ_INSPECT (a status asked for inspection: no events, no rule check, no cache change). */
  blockStatus(offset: number, bytes: number, wantZero: boolean, flags: number): Promise<BlockStatus>;
  /** Length in bytes (the gateway rounds it up to sectors as QEMU does). */
  getLength(): Promise<number>;
  truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void>;
  /** VM state area (qemu-io read -b / write -b). */
  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void>;
  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void>;
  /** null when the driver has no bdrv_get_info (then `info` stops after the format name). */
  getInfo(): Promise<DriverInfo | null>;
  close(): Promise<void>;
}

/** The debug hooks of a node that consumes blkdebug events (only blkdebug has them). */
/** The request that fires an event, when the firing code knows it (for suspended-request views). */
export interface EventRequest {
  op: string;
  offset: number;
  bytes: number;
}

export interface DebugHooks {
  /** Whether debugEvent(event) could do anything now (cheap; lets hot paths skip the call). */
  wants(event: BlkdebugEvent): boolean;
  debugEvent(event: BlkdebugEvent, req?: EventRequest): Promise<void>;
  breakpoint(event: string, tag: string): void;
  /** Resolves once every resumed request ran until it waits for I/O; rejects ENOENT as QEMU. */
  removeBreakpoint(tag: string): Promise<void>;
  resume(tag: string): void;
  isSuspended(tag: string): boolean;
}

/** Request limits of a node (QEMU's BlockLimits); 0 means "no limit / default". */
export interface BlockLimits {
  requestAlignment: number;
  maxTransfer: number;
  pwriteZeroesAlignment: number;
  maxPwriteZeroes: number;
  pdiscardAlignment: number;
  maxPdiscard: number;
}

/** What a driver's open returns: its I/O plus static facts about the node. */
export interface DriverInstance extends DriverOps {
  /** Flags this node honours natively (BDRV_REQ_FUA ...); the gateway emulates the rest. */
  readonly supportedWriteFlags: number;
  readonly supportedZeroFlags: number;
  /** The child that holds the data for filters/formats (bdrv_primary_child), if any. */
  readonly primaryChild: BdrvChild | null;
  readonly debug?: DebugHooks;
  /**
   * flushToDisk is QEMU's one-call bdrv_co_flush: it writes back whatever layers it wants (blkverify
   * flushes only the test image), and the gateway neither announces flush events nor flushes children.
   */
  readonly flushesAllLayers?: boolean;
  /** Limits the driver imposes on requests to this node. */
  limits?: Partial<BlockLimits>;
  /**
   * Take these permissions and share these (permissions.ts): the file driver's lock bytes.
   * Throws QemuError, holding what it held before, when another process is in the way.
   */
  setPerm?(perm: number, shared: number): void;
  /** Called before the node's read-only flag changes in a reopen (file reopens its descriptor). */
  reopen?(readOnly: boolean): Promise<void>;
  /** Driver options `reopen -o` may change (raw: offset, size); others are refused. */
  readonly reopenableOptions?: readonly string[];
  /** Take the new values of reopenableOptions (already checked to be in that list). */
  reopenOptions?(options: QDict): Promise<void>;
  /**
   * The driver's bdrv_reopen_prepare: take the options it handles out of `options` (the node's
   * own options with the new ones over them), check them and do what QEMU does before the
   * commit (qcow2 flushes its caches); throws QEMU's message. Keys it leaves must be unchanged.
   */
  reopenPrepare?(options: QDict, flags: NodeFlags): Promise<ReopenPrepared>;
  /** bdrv_join_options: add the `old` options the node had to the new `options` (default: those not given anew). */
  joinOptions?(options: QDict, old: QDict): void;
}

/** A driver's checked reopen, applied once every node of the reopen is checked. */
export interface ReopenPrepared {
  /**
   * Runs after the node's leftover options were checked, where QEMU's permission update
   * reopens the host file under the node (the -s overlay's scratch file is gone by then).
   */
  checkStorage?(): void;
  commit(): void;
  /** bdrv_reopen_commit_post: after every node of the reopen committed (errors are only reported). */
  commitPost?(): Promise<void>;
}

/** A registered block driver (QEMU's BlockDriver). */
export interface BlockDriver {
  readonly formatName: string;
  /** Set for protocol drivers (`file:`, `null-co:`) and blkdebug/blkverify filename prefixes. */
  readonly protocolName?: string;
  readonly isFilter: boolean;
  /** Formats sit on a protocol node ("file" child) which the opener creates for them. */
  readonly isFormat: boolean;
  /** Option names this driver takes (others make the open fail as QEMU does). */
  readonly runtimeOptions: ReadonlyArray<string>;
  /** Formats: a probe score for the first bytes of an image (0 = not mine). */
  probe?(buf: Uint8Array, filename: string): number;
  /** Protocols: turn `prefix:rest` (or a bare filename) into options. */
  parseFilename?(filename: string, options: QDict): void;
  open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance>;
}
