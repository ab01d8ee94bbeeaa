// The temporary overlay of snapshot mode (qemu-io -s): writes land in a scratch file, the image
// underneath is only read. Like QEMU's temporary qcow2 overlay it works in 64 KiB clusters:
// a cluster is unallocated (read from the image), data (in the scratch file) or zero. To
// qemu-io it is that qcow2 image: `info` describes it, reopen checks qcow2's options.
import type { HostFile } from '../../block-host';
import type { BdrvChild } from '../../child';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance, PreallocMode, ReopenPrepared } from '../../driver';
import { BDRV_BLOCK_DATA, BDRV_BLOCK_OFFSET_VALID, BDRV_BLOCK_ZERO } from '../../driver';
import { nothingToDo, unsupported } from '../../driver-helpers';
import { BlockError, ENOENT, ENOTSUP, QemuError } from '../../errors';
import type { NodeFlags } from '../../node';
import type { QDict } from '../../qdict';

const CLUSTER = 65536;

/** qcow2's option rules, handed in by the opener (a driver does not import another driver). */
export interface OverlayOptionRules {
  /** Take and check qcow2's runtime options for an image of this geometry (throws QEMU's message). */
  check(options: QDict, geometry: { clusterSize: number; virtualSize: number; l2EntryBytes: number; version: number; lazyRefcountsBit: boolean; cryptMethod: number }, unmap: boolean): Promise<void>;
  join(options: QDict, old: QDict): void;
}
/** Guest bytes one L1 entry of a 64 KiB-cluster qcow2 image covers (where its VM state starts). */
const L1_SPAN = 2 ** 29;
const UNALLOCATED = 0;
const DATA = 1;
const ZERO = 2;

export class SnapshotOverlay implements DriverInstance {
  readonly supportedWriteFlags = 0;
  readonly supportedZeroFlags = 0;
  /** Like qcow2's, the overlay's data lives in its own file, not in the image below. */
  readonly primaryChild = null;
  private state: Uint8Array;
  /** A reopen went through: QEMU's file node then needs the scratch file by name for any other. */
  private reopened = false;

  constructor(
    /** The image under the overlay (its backing file): read, never written. */
    private readonly base: BdrvChild,
    private readonly scratch: HostFile,
    private size: number,
    /** The scratch file's name (unlinked at once, as QEMU's is by the time anyone reopens it). */
    private readonly scratchPath: string,
    /** The overlay node's flags at open (its file's open mode). */
    private readonly fileFlags: NodeFlags,
    private readonly rules: OverlayOptionRules,
  ) {
    this.state = new Uint8Array(Math.ceil(size / CLUSTER));
  }

  private async readBase(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    const baseLen = await this.base.getLength();
    const n = Math.max(0, Math.min(bytes, baseLen - offset));
    if (n > 0) await this.base.preadv(offset, n, n === bytes ? buf : buf.subarray(0, n), flags);
    if (n < bytes) buf.fill(0, n);
  }

  /** `flags` (an inspection read's BDRV_REQ_INSPECT) go on to the base image. */
  async preadv(offset: number, bytes: number, buf: Uint8Array, flags = 0): Promise<void> {
    for (let done = 0; done < bytes; ) {
      const cluster = Math.floor((offset + done) / CLUSTER);
      const st = this.state[cluster] ?? UNALLOCATED;
      // Extend over following clusters in the same state.
      let end = (cluster + 1) * CLUSTER;
      while (end < offset + bytes && (this.state[end / CLUSTER] ?? UNALLOCATED) === st) end += CLUSTER;
      const n = Math.min(end, offset + bytes) - (offset + done);
      const part = buf.subarray(done, done + n);
      if (st === DATA) {
        const got = await this.scratch.pread(part, offset + done);
        if (got < n) part.fill(0, got);
      } else if (st === ZERO) {
        part.fill(0);
      } else {
        await this.readBase(offset + done, n, part, flags);
      }
      done += n;
    }
  }

  /** Copy-on-write: a partly written cluster first gets the rest of its old contents. */
  async pwritev(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    for (let done = 0; done < bytes; ) {
      const pos = offset + done;
      const cluster = Math.floor(pos / CLUSTER);
      const cStart = cluster * CLUSTER;
      const n = Math.min(cStart + CLUSTER, offset + bytes) - pos;
      if (this.state[cluster] !== DATA && (pos !== cStart || n !== CLUSTER)) {
        const whole = new Uint8Array(CLUSTER);
        await this.preadv(cStart, CLUSTER, whole);
        whole.set(buf.subarray(done, done + n), pos - cStart);
        await this.scratch.pwrite(whole, cStart);
      } else {
        await this.scratch.pwrite(buf.subarray(done, done + n), pos);
      }
      this.state[cluster] = DATA;
      done += n;
    }
  }

  /** Whole clusters become zero clusters; the gateway writes zeroes for the rest. */
  async pwriteZeroes(offset: number, bytes: number): Promise<void> {
    if (offset % CLUSTER !== 0 || bytes % CLUSTER !== 0) throw new BlockError(ENOTSUP);
    this.state.fill(ZERO, offset / CLUSTER, (offset + bytes) / CLUSTER);
  }

  /** Discarded clusters read as zeroes (the image below must not shine through). */
  async pdiscard(offset: number, bytes: number): Promise<void> {
    const first = Math.ceil(offset / CLUSTER);
    const last = Math.floor((offset + bytes) / CLUSTER);
    if (last > first) this.state.fill(ZERO, first, last);
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  /** The scratch file is thrown away at exit: nothing to make durable. */
  flushToDisk(): Promise<void> {
    return nothingToDo();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  /** Only the overlay's own clusters count as allocated. */
  async blockStatus(offset: number, bytes: number): Promise<BlockStatus> {
    const cluster = Math.floor(offset / CLUSTER);
    const st = this.state[cluster] ?? UNALLOCATED;
    let end = (cluster + 1) * CLUSTER;
    while (end < offset + bytes && (this.state[end / CLUSTER] ?? UNALLOCATED) === st) end += CLUSTER;
    const pnum = Math.min(end, offset + bytes) - offset;
    const status = st === DATA ? BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID : st === ZERO ? BDRV_BLOCK_ZERO : 0;
    return { status, pnum, map: st === DATA ? offset : undefined };
  }

  getLength(): Promise<number> {
    return Promise.resolve(this.size);
  }

  async truncate(offset: number, _exact: boolean, prealloc: PreallocMode): Promise<void> {
    if (prealloc !== 'off') throw new BlockError(ENOTSUP);
    const next = new Uint8Array(Math.ceil(offset / CLUSTER));
    next.set(this.state.subarray(0, next.length));
    // Growing: where the image below has data, the new area must still read as zeroes (zero
    // clusters, as qcow2 does); past the image's end unallocated clusters read as zeroes anyway.
    if (offset > this.size) {
      const baseEnd = Math.ceil((await this.base.getLength()) / CLUSTER);
      const from = Math.ceil(this.size / CLUSTER);
      if (baseEnd > from) next.fill(ZERO, from, Math.min(baseEnd, next.length));
    }
    this.state = next;
    this.size = offset;
  }

  saveVmstate(): Promise<void> {
    return unsupported();
  }

  loadVmstate(): Promise<void> {
    return unsupported();
  }

  /** What qemu-io prints for QEMU's overlay: a fresh qcow2 image made with the default options. */
  getInfo(): Promise<DriverInfo | null> {
    return Promise.resolve({
      clusterSize: CLUSTER,
      vmStateOffset: Math.ceil(this.size / L1_SPAN) * L1_SPAN,
      specific: [
        ['compat', '1.1'],
        ['compression type', 'zlib'],
        ['lazy refcounts', 'false'],
        ['refcount bits', '16'],
        ['corrupt', 'false'],
        ['extended l2', 'false'],
      ],
    });
  }

  joinOptions(options: QDict, old: QDict): void {
    this.rules.join(options, old);
  }

  /**
   * QEMU's overlay checks its qcow2 options like any qcow2 image; then its file node is reopened.
   * qemu-io 7.2 keeps the descriptor only the first time and only in the same open mode; a new
   * mode (read-only, O_DIRECT) or any later reopen needs the scratch file by name, which is gone.
   */
  async reopenPrepare(options: QDict, flags: NodeFlags): Promise<ReopenPrepared> {
    const geometry = { clusterSize: CLUSTER, virtualSize: Math.floor(this.size / 512) * 512, l2EntryBytes: 8, version: 3, lazyRefcountsBit: false, cryptMethod: 0 };
    await this.rules.check(options, geometry, flags.unmap);
    // The file child's own options, checked with its own names.
    const fileOptions = [...options].filter(([key]) => key.startsWith('file.'));
    for (const [key] of fileOptions) options.delete(key);
    return {
      checkStorage: () => {
        for (const [key, value] of fileOptions) {
          const unchanged = (key === 'file.driver' && value === 'file') || (key === 'file.filename' && value === this.scratchPath);
          if (!unchanged) throw new QemuError(`Cannot change the option '${key.slice(5)}'`);
        }
        if (this.reopened || flags.readOnly !== this.fileFlags.readOnly || flags.direct !== this.fileFlags.direct) {
          throw new QemuError(`Could not open '${this.scratchPath}': No such file or directory`, ENOENT);
        }
      },
      commit: () => {
        this.reopened = true;
      },
    };
  }

  close(): Promise<void> {
    return this.scratch.close();
  }
}

/** The overlay as a driver descriptor; it is never opened by name, only by snapshot mode. */
export const snapshotOverlayDriver: BlockDriver = {
  // QEMU's overlay is a qcow2 image, and `info` says so.
  formatName: 'qcow2',
  isFilter: false,
  isFormat: true,
  // The opener gives the node qcow2's list.
  runtimeOptions: [],
  open(): Promise<DriverInstance> {
    return Promise.reject(new QemuError("Unknown driver 'snapshot'"));
  },
};
