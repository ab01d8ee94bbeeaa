// A node of the block graph (QEMU's BlockDriverState): a driver instance plus the state the
// generic layer keeps for it (limits, write generations, requests in flight).
import { BLK_PERM_ALL, type NodePerms } from './permissions';
import type { BdrvChild } from './child';
import type { DirtyBitmap } from './dirty-bitmap';
import type { BlockDriver, BlockLimits, DriverInstance } from './driver';
import type { QDict } from './qdict';
import type { TraceHook } from './trace';

export interface NodeFlags {
  readOnly: boolean;
  /** cache.no-flush (cache=unsafe): flushes never reach the disk. */
  noFlush: boolean;
  /** cache.direct (O_DIRECT). */
  direct: boolean;
  /** discard=unmap: discard requests are passed down (BDRV_O_UNMAP). */
  unmap: boolean;
  /** BDRV_O_NATIVE_AIO (qemu-io -k, -i native): the file driver's default aio mode, inherited. */
  nativeAio?: boolean;
  /** force-share=on (qemu-io -U): children inherit it; the node shares every permission. */
  forceShare?: boolean;
}

/** A request the gateway is running on a node (bdrv tracked request). */
export interface TrackedRequest {
  offset: number;
  bytes: number;
  serialising: boolean;
  /** Callbacks of requests waiting for this one to finish (created only on conflict). */
  waiters: Array<() => void> | null;
}

export class BlockGraph {
  trace: TraceHook | null = null;
  private nextRequestId = 1;
  private nextNodeId = 1;
  readonly nodes = new Set<BlockNode>();

  requestId(): number {
    return this.nextRequestId++;
  }

  autoNodeName(): string {
    return `#block${String(this.nextNodeId++).padStart(3, '0')}`;
  }
}

export const DEFAULT_LIMITS: BlockLimits = {
  requestAlignment: 1,
  maxTransfer: 0,
  pwriteZeroesAlignment: 0,
  maxPwriteZeroes: 0,
  pdiscardAlignment: 0,
  maxPdiscard: 0,
};

export class BlockNode {
  /** Set once the driver's open succeeded. */
  drv!: DriverInstance;
  readonly children: BdrvChild[] = [];
  limits: BlockLimits = { ...DEFAULT_LIMITS };
  /** Cached length in bytes (bdrv total_sectors, kept exact here; getlength rounds up). */
  totalBytes = 0;
  /** Bumped when a write finishes; flush compares it with flushedGen (bdrv write_gen). */
  writeGen = 0;
  flushedGen = 0;
  /** The last flush queued on this node (null when none is running): the next one waits for it. */
  activeFlush: Promise<void> | null = null;
  readonly tracked = new Set<TrackedRequest>();
  inFlight = 0;
  private drainWaiters: Array<() => void> = [];
  /** The format was probed (raw then guards block 0 against turning into another format). */
  probed = false;
  /**
   * The driver gave the image up (QEMU's bs->drv = NULL after a fatal qcow2 corruption): the
   * node and every parent count as having no medium (bdrv_is_inserted).
   */
  ejected = false;
  /** bs->dirty_bitmaps: what completed writes, zero writes and discards mark (dirty-bitmap.ts). */
  readonly dirtyBitmaps: DirtyBitmap[] = [];
  /** The options the node was opened with (reopen may repeat them unchanged). */
  openOptions: QDict = new Map();
  /** What the node holds and shares (permissions.ts); nothing until the graph is complete. */
  perms: NodePerms = { perm: 0, shared: BLK_PERM_ALL };

  constructor(
    readonly graph: BlockGraph,
    readonly driver: BlockDriver,
    public nodeName: string,
    /** bs->filename: what error messages and the probing WARNING call this node. */
    public filename: string,
    public flags: NodeFlags,
  ) {
    graph.nodes.add(this);
  }

  get readOnly(): boolean {
    return this.flags.readOnly;
  }

  /** bdrv_primary_child: the child holding the data (filters and formats). */
  get primaryChild(): BdrvChild | null {
    return this.drv?.primaryChild ?? null;
  }

  childNamed(name: string): BdrvChild | undefined {
    return this.children.find((c) => c.name === name);
  }

  incInFlight(): void {
    this.inFlight++;
  }

  decInFlight(): void {
    if (--this.inFlight === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no request is in flight on this node. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}

/** Every node below (and including) root, each once, top-down (parents before children, depth first). */
export function nodesBelow(root: BlockNode): BlockNode[] {
  const out: BlockNode[] = [];
  const seen = new Set<BlockNode>();
  const visit = (n: BlockNode) => {
    if (seen.has(n)) return;
    seen.add(n);
    out.push(n);
    for (const c of n.children) visit(c.node);
  };
  visit(root);
  return out;
}
