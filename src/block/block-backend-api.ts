import type { DriverInfo, PreallocMode } from './driver';

/** Cache modes accepted by qemu-io -t / open -t / reopen -c. */
export type CacheMode = 'none' | 'off' | 'writeback' | 'writethrough' | 'directsync' | 'unsafe';
export type DiscardMode = 'ignore' | 'off' | 'unmap' | 'on';
export type AioMode = 'threads' | 'native' | 'io_uring';

/** How qemu-io asks for an image: everything its command line and `open` accept. */
export interface OpenRequest {
  /** The file argument; with imageOpts it is a key=value option string. May be absent with -o driver=... */
  filename?: string;
  /** -f FMT */
  format?: string;
  /** `open -o key=value,...` already split into a flat dotted-key map (QemuOpts syntax parsed by the caller via parseKeyValue). */
  options?: Record<string, string>;
  /** --image-opts: `filename` is itself a key=value option string. */
  imageOpts?: boolean;
  readOnly?: boolean;
  snapshot?: boolean;
  cache?: CacheMode;
  discard?: DiscardMode;
  copyOnRead?: boolean;
  aio?: AioMode;
  forceShare?: boolean;
}

export interface AllocationStatus {
  allocated: boolean;
  /** Bytes from the offset with the same status (> 0 unless at EOF). */
  pnum: number;
}

export interface ReopenRequest {
  readOnly?: boolean;
  cache?: CacheMode;
  /** reopen -o key=value,... */
  options?: Record<string, string>;
}

/**
 * The block backend qemu-io drives (QEMU's BlockBackend + the bdrv_* calls qemu-io makes).
 * All I/O methods throw BlockError (with .errno) on failure, exactly where QEMU returns -errno.
 */
export interface BlockBackendApi {
  readonly readOnly: boolean;
  /**
   * blk_set_perm(perm | WRITE): qemu-io takes the write permission before a command that
   * writes. Throws QemuError ("Block node is read-only", or another process holding a lock).
   */
  takeWritePermission(): void;
  /** Format and protocol names of the root node, for `info`. */
  readonly formatName: string;
  readonly protocolName: string | undefined;
  /** False once the root's driver gave the image up (bs->drv = NULL): `info` names no format. */
  readonly driverPresent: boolean;

  /** blk_pread: EIO past the end of the device (blk_check_byte_request). */
  pread(offset: number, bytes: number, buf: Uint8Array): Promise<void>;
  /** blk_pwrite; flags may contain BDRV_REQ_FUA. EPERM/read-only handled by the caller's permission check. */
  pwrite(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void>;
  /** blk_pwrite_zeroes; flags BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK | BDRV_REQ_FUA. */
  pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void>;
  pwriteCompressed(offset: number, bytes: number, buf: Uint8Array): Promise<void>;
  pdiscard(offset: number, bytes: number): Promise<void>;
  flush(): Promise<void>;
  /** Bytes, rounded up to 512 as bdrv_getlength does. */
  getLength(): Promise<number>;
  /** Offsets past 2^53 may come as bigint so QEMU's limit message can name them exactly. */
  truncate(offset: number | bigint, exact: boolean, prealloc: PreallocMode): Promise<void>;
  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void>;
  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void>;
  /** bdrv_is_allocated(root): allocation of the top layer only (qemu-io's `alloc` and `map`). */
  isAllocated(offset: number, bytes: number): Promise<AllocationStatus>;
  /** bdrv_get_info + specific info; null if the driver has none (then `info` prints nothing more). */
  getInfo(): Promise<DriverInfo | null>;

  /** Debug commands: walk down primary children to the first node with debug hooks. Return 0 or -errno. */
  debugBreakpoint(event: string, tag: string): number;
  debugRemoveBreakpoint(tag: string): Promise<number>;
  debugResume(tag: string): number;
  debugIsSuspended(tag: string): boolean;
  /** Every request parked at a breakpoint anywhere in the graph, most recent first. */
  debugSuspended(): Array<{ tag: string; event: string }>;

  /** Wait until every request in flight on this backend has completed (blk_drain). */
  drain(): Promise<void>;
  /** bdrv_reopen; throws QemuError with QEMU's message. */
  reopen(req: ReopenRequest): Promise<void>;
  /** Drain and close the graph. Returns messages QEMU would print at close (qcow2 cache flush errors). */
  close(): Promise<void>;
}
