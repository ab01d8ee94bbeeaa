// An edge of the graph (QEMU's BdrvChild). Drivers hold these and call their methods; every call
// goes through the gateway in io.ts, never straight into the child's driver.
import type { BlockStatus, DriverInfo, EventRequest, PreallocMode } from './driver';
import type { BlkdebugEvent } from './events';
import * as io from './io';
import type { BlockNode } from './node';

export type ChildRole = 'file' | 'backing' | 'data' | 'filtered' | 'root';

export class BdrvChild {
  constructor(
    /** Child name as QEMU's options call it: "file", "backing", "image", "test", "raw" ... */
    readonly name: string,
    readonly node: BlockNode,
    readonly role: ChildRole,
    /** The node holding this edge; null for the BlockBackend's root edge. */
    readonly parent: BlockNode | null,
  ) {}

  /**
   * The child was opened with its parent and takes `name.*` options through it at reopen
   * (QEMU's inherits_from); the -s overlay's image is attached afterwards and does not.
   */
  inherited = true;

  preadv(offset: number, bytes: number, buf: Uint8Array, flags = 0): Promise<void> {
    return io.bdrvPreadv(this, offset, bytes, buf, flags);
  }

  pwritev(offset: number, bytes: number, buf: Uint8Array, flags = 0): Promise<void> {
    return io.bdrvPwritev(this, offset, bytes, buf, flags);
  }

  pwriteZeroes(offset: number, bytes: number, flags = 0): Promise<void> {
    return io.bdrvPwriteZeroes(this, offset, bytes, flags);
  }

  /** The BlockBackend's zero write: MAY_UNMAP kept whatever the node's discard mode (see io.ts). */
  zeroWrite(offset: number, bytes: number, flags = 0): Promise<void> {
    return io.bdrvZeroWrite(this, offset, bytes, flags);
  }

  pwriteCompressed(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    return io.bdrvPwriteCompressed(this, offset, bytes, buf);
  }

  pdiscard(offset: number, bytes: number): Promise<void> {
    return io.bdrvPdiscard(this, offset, bytes);
  }

  flush(): Promise<void> {
    return io.bdrvFlush(this.node);
  }

  blockStatus(offset: number, bytes: number, wantZero: boolean, flags = 0): Promise<BlockStatus> {
    return io.bdrvBlockStatus(this.node, offset, bytes, wantZero, flags);
  }

  getLength(): Promise<number> {
    return io.bdrvGetLength(this.node);
  }

  truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
    return io.bdrvTruncate(this, offset, exact, prealloc);
  }

  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return io.bdrvSaveVmstate(this.node, pos, bytes, buf);
  }

  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return io.bdrvLoadVmstate(this.node, pos, bytes, buf);
  }

  /**
   * BLKDBG_EVENT(child, event): announce a step to the node below (blkdebug consumes it).
   * Returns null when nobody listens, so hot paths can skip the await: `const e = ...; if (e) await e;`
   */
  debugEvent(event: BlkdebugEvent, req?: EventRequest): Promise<void> | null {
    return io.fireDebugEvent(this.node, event, req);
  }

  /** Whether debugEvent(event) would reach anybody: skip building a request description if not. */
  wants(event: BlkdebugEvent): boolean {
    return io.wantsDebugEvent(this.node, event);
  }

  getInfo(): Promise<DriverInfo | null> {
    return io.bdrvGetInfo(this.node);
  }
}
