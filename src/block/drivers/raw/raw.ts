// The `raw` format driver: the guest sees the file's bytes, optionally a window of them
// (offset/size). A probed raw image refuses writes that would make block 0 look like another
// format, as QEMU does, so a guest cannot turn a raw disk into, say, a qcow2 header.
import type { BdrvChild } from '../../child';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance, PreallocMode } from '../../driver';
import { forwardedInfo } from '../../forwarded-info';
import {
  BDRV_BLOCK_OFFSET_VALID,
  BDRV_BLOCK_RAW,
  BDRV_REQ_FUA,
  BDRV_REQ_INSPECT,
  BDRV_REQ_MAY_UNMAP,
  BDRV_REQ_NO_FALLBACK,
} from '../../driver';
import { BlockError, ENOTSUP, EPERM, QemuError } from '../../errors';
import { nothingToDo, unsupported } from '../../driver-helpers';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';

/** Bytes of block 0 a probe looks at (BLOCK_PROBE_BUF_SIZE). */
export const PROBE_BUF_SIZE = 512;

export type ProbeFn = (buf: Uint8Array) => string | null;

class RawDriver implements DriverInstance {
  readonly supportedWriteFlags: number;
  readonly supportedZeroFlags: number;
  limits: DriverInstance['limits'];

  constructor(
    readonly primaryChild: BdrvChild,
    private readonly node: BlockNode,
    private offset: number,
    private size: number | null,
    /** Guard for probed images: which other format block 0 would look like (null = raw). */
    private readonly probeOther: ProbeFn | null,
  ) {
    const fileDrv = primaryChild.node.drv;
    this.supportedWriteFlags = BDRV_REQ_FUA & fileDrv.supportedWriteFlags;
    this.supportedZeroFlags = (BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) & fileDrv.supportedZeroFlags;
    // Probed images need whole-sector writes so block 0 can be checked as a whole.
    this.limits = { requestAlignment: node.probed ? 512 : 1 };
  }

  private get file(): BdrvChild {
    return this.primaryChild;
  }


  async preadv(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    // An inspection read announces nothing (and passes the flag down).
    if (!(flags & BDRV_REQ_INSPECT) && this.file.wants('read_aio')) await this.file.debugEvent('read_aio', { op: 'read', offset, bytes });
    return this.file.preadv(offset + this.offset, bytes, buf, flags);
  }

  async pwritev(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    if (this.probeOther && offset < PROBE_BUF_SIZE && bytes > 0 && this.probeOther(buf.subarray(0, PROBE_BUF_SIZE)) !== null) {
      throw new BlockError(EPERM);
    }
    if (this.file.wants('write_aio')) await this.file.debugEvent('write_aio', { op: 'write', offset, bytes });
    return this.file.pwritev(offset + this.offset, bytes, buf, flags);
  }

  pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    return this.file.pwriteZeroes(offset + this.offset, bytes, flags);
  }

  pdiscard(offset: number, bytes: number): Promise<void> {
    return this.file.pdiscard(offset + this.offset, bytes);
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  /** Nothing cached here; the gateway flushes the file child. */
  flushToDisk(): Promise<void> {
    return nothingToDo();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  /** The data lives 1:1 in the file: let the gateway ask the file (BDRV_BLOCK_RAW). */
  blockStatus(offset: number, bytes: number): Promise<BlockStatus> {
    return Promise.resolve({ status: BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID, pnum: bytes, map: offset + this.offset, file: this.file });
  }

  async getLength(): Promise<number> {
    if (this.size !== null) return this.size;
    const len = (await this.file.getLength()) - this.offset;
    return Math.max(0, len);
  }

  async truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
    if (this.size !== null) throw new QemuError('Cannot resize fixed-size raw disks', ENOTSUP);
    if (Number.MAX_SAFE_INTEGER - offset < this.offset) throw new QemuError('Disk size too large for the chosen offset');
    await this.file.truncate(offset + this.offset, exact, prealloc);
  }

  /** raw has no VM state of its own; QEMU asks the file, which has none either. */
  saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.file.saveVmstate(pos, bytes, buf);
  }

  loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    return this.file.loadVmstate(pos, bytes, buf);
  }

  /** raw reports its file's info (raw_get_info): none when the file has none (null-co). */
  getInfo(): Promise<DriverInfo | null> {
    return forwardedInfo(this.file);
  }

  readonly reopenableOptions = ['offset', 'size'] as const;

  async reopenOptions(options: QDict): Promise<void> {
    const opts = new OptionReader(options);
    const offset = opts.takeSize('offset') ?? this.offset;
    const size = opts.has('size') ? opts.takeSize('size') : (this.size ?? undefined);
    await checkWindow(this.file, offset, size);
    this.offset = offset;
    this.size = size ?? null;
  }

  close(): Promise<void> {
    return nothingToDo();
  }

  get nodeName(): string {
    return this.node.nodeName;
  }
}

/** raw_apply_options: the offset/size window must lie inside the file. */
async function checkWindow(file: BdrvChild, offset: number, size: number | undefined): Promise<void> {
  const realSize = await file.getLength();
  if (offset > realSize) {
    throw new QemuError(`Offset (${offset}) cannot be greater than size of the containing file (${realSize})`);
  }
  if (size !== undefined && realSize - offset < size) {
    throw new QemuError(
      `The sum of offset (${offset}) and size (${size}) has to be smaller or equal to the  actual size of the containing file (${realSize})`,
    );
  }
  if (size !== undefined && size % 512 !== 0) throw new QemuError('Specified size is not multiple of 512');
}

/** raw's open needs to know the other formats' probes to guard block 0 of a probed image. */
export function makeRawDriver(probeOtherFormats: ProbeFn): BlockDriver {
  return {
    formatName: 'raw',
    isFilter: false,
    isFormat: true,
    runtimeOptions: ['offset', 'size'],
    probe: () => 1,
    async open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
      const file = await ctx.openChild(node, options, 'file', 'filtered');
      const opts = new OptionReader(options);
      const offset = opts.takeSize('offset') ?? 0;
      const size = opts.takeSize('size');
      await checkWindow(file, offset, size);
      return new RawDriver(file, node, offset, size ?? null, node.probed ? probeOtherFormats : null);
    },
  };
}
