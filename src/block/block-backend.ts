// The BlockBackend qemu-io and sessions drive: byte-range checks against the device length,
// writethrough (FUA on every write) when the write cache is off, requests in flight, and the
// walk down to the node that handles debug commands.
import type { AllocationStatus, BlockBackendApi, ReopenRequest } from './block-backend-api';
import { BdrvChild } from './child';
import { BDRV_REQ_COPY_ON_READ, BDRV_REQ_FUA, type DriverInfo, type PreallocMode } from './driver';
import { BlockError, EIO, ENOMEDIUM, ENOTSUP, EPERM, QemuError } from './errors';
import * as io from './io';

const BDRV_MAX_LENGTH = 9223372035781033984n;
import type { BlockNode } from './node';
import { findBlkdebugEngines } from './drivers/blkdebug';
import { CACHE_MODES, closeNodes } from './open';
import { applyReopen, planReopen } from './reopen';
import { applyPermissions, backendPerms, BLK_PERM_WRITE, BLK_PERM_WRITE_UNCHANGED, type NodePerms } from './permissions';

export class BlockBackend implements BlockBackendApi {
  readonly rootChild: BdrvChild;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  /** Whether qemu-io uses the device read-only (-r, reopen -r): then a read-only root is fine. */
  private backendReadOnly: boolean;

  constructor(
    readonly root: BlockNode,
    /** false = writethrough: every write is FUA (emulated with a flush below). */
    private enableWriteCache: boolean,
    /** -C: copy-on-read; only matters once there is a backing file to copy from. */
    readonly copyOnRead: boolean,
  ) {
    this.rootChild = new BdrvChild('root', root, 'root', null);
    this.backendReadOnly = root.readOnly;
    this.perms = backendPerms(root.readOnly);
  }

  /** What the backend holds of its root (blk->perm, blk->shared_perm). */
  private perms: NodePerms;

  takeWritePermission(): void {
    if (this.perms.perm & BLK_PERM_WRITE) return;
    if (this.root.readOnly) throw new QemuError('Block node is read-only', EPERM);
    const next = { ...this.perms, perm: this.perms.perm | BLK_PERM_WRITE };
    applyPermissions(this.root, next);
    this.perms = next;
  }

  get graph() {
    return this.root.graph;
  }

  get readOnly(): boolean {
    return this.root.readOnly;
  }

  get formatName(): string {
    return this.root.driver.formatName;
  }

  get protocolName(): string | undefined {
    return this.root.driver.protocolName;
  }

  get driverPresent(): boolean {
    return !this.root.ejected;
  }

  /** blk_is_available: ENOMEDIUM once a driver below gave its image up. */
  private checkAvailable(): void {
    if (!io.bdrvIsInserted(this.root)) throw new BlockError(ENOMEDIUM);
  }

  /** blk_check_byte_request: a medium, and nothing may start or end beyond the device. */
  private check(offset: number, bytes: number): void {
    this.checkAvailable();
    if (bytes < 0 || offset < 0) throw new BlockError(EIO);
    const len = io.roundUp(this.root.totalBytes, 512);
    if (offset > len || len - offset < bytes) throw new BlockError(EIO);
  }

  private async track<T>(run: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await run();
    } finally {
      if (--this.inFlight === 0 && this.idleWaiters.length > 0) {
        const w = this.idleWaiters;
        this.idleWaiters = [];
        for (const f of w) f();
      }
    }
  }

  pread(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.track(async () => {
      this.check(offset, bytes);
      await this.rootChild.preadv(offset, bytes, buf, this.copyOnRead ? BDRV_REQ_COPY_ON_READ : 0);
    });
  }

  pwrite(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    return this.track(async () => {
      this.check(offset, bytes);
      await this.rootChild.pwritev(offset, bytes, buf, this.enableWriteCache ? flags : flags | BDRV_REQ_FUA);
    });
  }

  pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    return this.track(async () => {
      this.check(offset, bytes);
      await this.rootChild.zeroWrite(offset, bytes, this.enableWriteCache ? flags : flags | BDRV_REQ_FUA);
    });
  }

  pwriteCompressed(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.track(async () => {
      this.check(offset, bytes);
      await this.rootChild.pwriteCompressed(offset, bytes, buf);
    });
  }

  pdiscard(offset: number, bytes: number): Promise<void> {
    return this.track(async () => {
      this.check(offset, bytes);
      await this.rootChild.pdiscard(offset, bytes);
    });
  }

  flush(): Promise<void> {
    return this.track(async () => {
      this.checkAvailable();
      await io.bdrvFlush(this.root);
    });
  }

  async getLength(): Promise<number> {
    this.checkAvailable();
    return io.bdrvGetLength(this.root);
  }

  truncate(offset: number | bigint, exact: boolean, prealloc: PreallocMode): Promise<void> {
    if (!io.bdrvIsInserted(this.root)) return Promise.reject(new QemuError('No medium inserted', ENOMEDIUM));
    // bdrv_check_request: nothing past BDRV_MAX_LENGTH (INT64_MAX rounded down to 1 GiB).
    if (BigInt(offset) > BDRV_MAX_LENGTH) {
      return Promise.reject(new QemuError(`offset(${offset}) exceeds maximum(${BDRV_MAX_LENGTH})`));
    }
    return this.track(() => this.rootChild.truncate(Number(offset), exact, prealloc));
  }

  /** blk_save_vmstate: with writethrough caching the state is flushed like any write. */
  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.track(async () => {
      await io.bdrvSaveVmstate(this.root, pos, bytes, buf);
      if (!this.enableWriteCache) await io.bdrvFlush(this.root);
    });
  }

  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.track(() => io.bdrvLoadVmstate(this.root, pos, bytes, buf));
  }

  isAllocated(offset: number, bytes: number): Promise<AllocationStatus> {
    return this.track(() => io.bdrvIsAllocated(this.root, offset, bytes));
  }

  getInfo(): Promise<DriverInfo | null> {
    return io.bdrvGetInfo(this.root);
  }

  /** bdrv_find_debug_node: down the primary children to the first node with debug hooks. */
  private debugNode(): BlockNode | null {
    for (let n: BlockNode | undefined = this.root; n; n = n.primaryChild?.node) {
      if (n.drv.debug) return n;
    }
    return null;
  }

  debugBreakpoint(event: string, tag: string): number {
    return this.debugCall((d) => d.breakpoint(event, tag));
  }

  async debugRemoveBreakpoint(tag: string): Promise<number> {
    const node = this.debugNode();
    if (!node?.drv.debug) return -ENOTSUP;
    try {
      await node.drv.debug.removeBreakpoint(tag);
      return 0;
    } catch (e) {
      return debugErrno(e);
    }
  }

  debugResume(tag: string): number {
    return this.debugCall((d) => d.resume(tag));
  }

  debugIsSuspended(tag: string): boolean {
    return this.debugNode()?.drv.debug?.isSuspended(tag) ?? false;
  }

  debugSuspended(): Array<{ tag: string; event: string }> {
    return findBlkdebugEngines(this.root).flatMap(({ engine }) => engine.suspendedRequests().map((r) => ({ tag: r.tag, event: r.event })));
  }

  private debugCall(call: (d: NonNullable<BlockNode['drv']['debug']>) => void): number {
    const node = this.debugNode();
    if (!node?.drv.debug) return -ENOTSUP;
    try {
      call(node.drv.debug);
      return 0;
    } catch (e) {
      return debugErrno(e);
    }
  }

  /** blk_drain: wait for every request this backend started. */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** bdrv_reopen of the whole subtree: read-only / read-write, cache mode, option changes. */
  async reopen(req: ReopenRequest): Promise<void> {
    await this.drain();
    // -r/-w change what the backend itself needs; `-o read-only=on` alone does not.
    const backendReadOnly = req.readOnly ?? this.backendReadOnly;
    const options = { ...(req.options ?? {}) };
    if (req.readOnly !== undefined) options['read-only'] = req.readOnly ? 'on' : 'off';
    const plans = await planReopen(this.root, options, req.cache, CACHE_MODES, backendReadOnly);
    // qemu-io's reopen -r drops the backend's write permission; -w leaves it to the next write.
    const perms = backendReadOnly ? { ...this.perms, perm: this.perms.perm & ~(BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED) } : this.perms;
    const newFlags = new Map(plans.map((p) => [p.node, p.flags]));
    applyPermissions(this.root, perms, (n) => newFlags.get(n) ?? n.flags);
    this.perms = perms;
    await applyReopen(plans);
    this.backendReadOnly = backendReadOnly;
    if (req.cache !== undefined) this.enableWriteCache = CACHE_MODES[req.cache].writeback;
  }

  /** Drain, flush and close every node (bdrv_close_all). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    try {
      await io.bdrvFlush(this.root);
    } catch {
      // A failing flush at close is reported by the drivers that care (qcow2); close anyway.
    }
    await closeNodes(subtree(this.root).reverse());
  }
}

/** The node and everything below it, parents first. */
function subtree(root: BlockNode): BlockNode[] {
  const out: BlockNode[] = [];
  const visit = (n: BlockNode) => {
    if (out.includes(n)) return;
    out.push(n);
    for (const c of n.children) visit(c.node);
  };
  visit(root);
  return out;
}

/** A debug command's failure as a negative errno (EIO for anything unexpected). */
function debugErrno(e: unknown): number {
  return e instanceof BlockError || e instanceof QemuError ? -e.errno : -EIO;
}
