// The `file` protocol driver (QEMU's file-posix): a host file, positional I/O through BlockHost.
import type { BlockHost, HostFile } from '../../block-host';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance, PreallocMode } from '../../driver';
import { BDRV_BLOCK_DATA, BDRV_BLOCK_OFFSET_VALID, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK } from '../../driver';
import { ENOTSUP, QemuError, strerror, toErrno } from '../../errors';
import { nothingToDo, unsupported } from '../../driver-helpers';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';

const AIO_MODES = ['threads', 'native', 'io_uring'] as const;
const LOCKING = ['auto', 'on', 'off'] as const;
/** Largest zero buffer the driver writes at once. */
const ZERO_CHUNK = 1 << 20;

let zeroChunk: Uint8Array | null = null;

class FileDriver implements DriverInstance {
  readonly supportedWriteFlags = 0;
  // Zeroes are written here, never by a fallback above: NO_FALLBACK requests succeed too.
  readonly supportedZeroFlags = BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK;
  readonly primaryChild = null;
  limits: DriverInstance['limits'];

  constructor(
    private file: HostFile,
    private readonly host: BlockHost,
    private readonly node: BlockNode,
  ) {
    // O_DIRECT needs sector-aligned requests; buffered I/O takes any byte.
    this.limits = { requestAlignment: node.flags.direct ? 512 : 1 };
  }

  async preadv(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    const n = await this.file.pread(buf, offset);
    // A short read at the end of the file reads as zeroes, as file-posix does.
    if (n < bytes) buf.fill(0, n);
  }

  pwritev(offset: number, _bytes: number, buf: Uint8Array): Promise<void> {
    return this.file.pwrite(buf, offset);
  }

  /**
   * Node has no fallocate(), so zeroing is done here by writing zeroes, or, when the range runs
   * to the end of the file and unmapping is allowed, by cutting the file and growing it back,
   * which leaves a hole.
   */
  async pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    const size = await this.file.size();
    if (flags & BDRV_REQ_MAY_UNMAP && offset + bytes >= size && offset < size) {
      await this.file.truncate(offset);
      await this.file.truncate(Math.max(size, offset + bytes));
      return;
    }
    zeroChunk ??= new Uint8Array(ZERO_CHUNK);
    for (let done = 0; done < bytes; ) {
      const n = Math.min(bytes - done, ZERO_CHUNK);
      await this.file.pwrite(zeroChunk.subarray(0, n), offset + done);
      done += n;
    }
  }

  /** Discard punches a hole in QEMU: the range reads back as zeroes afterwards. */
  async pdiscard(offset: number, bytes: number): Promise<void> {
    const size = await this.file.size();
    const end = Math.min(offset + bytes, size);
    if (end <= offset) return;
    await this.pwriteZeroes(offset, end - offset, BDRV_REQ_MAY_UNMAP);
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  flushToDisk(): Promise<void> {
    return this.file.fdatasync();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  /** Without SEEK_DATA in Node every byte counts as data (what file-posix says without want_zero). */
  blockStatus(offset: number, bytes: number): Promise<BlockStatus> {
    return Promise.resolve({ status: BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID, pnum: bytes, map: offset });
  }

  getLength(): Promise<number> {
    return this.file.size();
  }

  async truncate(offset: number, _exact: boolean, prealloc: PreallocMode): Promise<void> {
    if (prealloc === 'metadata') throw new QemuError(`Unsupported preallocation mode: ${prealloc}`, ENOTSUP);
    const size = await this.file.size();
    if (prealloc !== 'off' && offset < size) throw new QemuError('Cannot use preallocation for shrinking files', ENOTSUP);
    try {
      if (prealloc === 'full' && offset > size) {
        await this.file.truncate(size);
        await this.pwriteZeroesRange(size, offset - size);
      }
      await this.file.truncate(offset);
    } catch (e) {
      if (e instanceof QemuError) throw e;
      const errno = toErrno(e);
      throw new QemuError(`Could not resize file: ${strerror(errno)}`, errno);
    }
  }

  private async pwriteZeroesRange(offset: number, bytes: number): Promise<void> {
    zeroChunk ??= new Uint8Array(ZERO_CHUNK);
    for (let done = 0; done < bytes; ) {
      const n = Math.min(bytes - done, ZERO_CHUNK);
      await this.file.pwrite(zeroChunk.subarray(0, n), offset + done);
      done += n;
    }
  }

  saveVmstate(): Promise<void> {
    return unsupported();
  }

  loadVmstate(): Promise<void> {
    return unsupported();
  }

  getInfo(): Promise<DriverInfo | null> {
    return Promise.resolve({ clusterSize: 0, vmStateOffset: 0 });
  }

  /** Reopening read-write needs a new descriptor; read-only can keep the old one. */
  async reopen(readOnly: boolean): Promise<void> {
    if (readOnly || !this.node.flags.readOnly) return;
    const file = await openHostFile(this.host, this.node.filename, false, this.node.flags.direct);
    await this.file.close();
    this.file = file;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

async function openHostFile(host: BlockHost, filename: string, readOnly: boolean, direct: boolean): Promise<HostFile> {
  try {
    return await host.openFile(filename, { readOnly, direct });
  } catch (e) {
    const errno = toErrno(e);
    throw new QemuError(`Could not open '${filename}': ${strerror(errno)}`, errno);
  }
}

export const fileDriver: BlockDriver = {
  formatName: 'file',
  protocolName: 'file',
  isFilter: false,
  isFormat: false,
  runtimeOptions: ['filename', 'aio', 'aio-max-batch', 'locking', 'pr-manager', 'drop-cache', 'x-check-cache-dropped'],
  parseFilename(filename: string, options: QDict): void {
    // "file:" is stripped; everything after it is the path, colons included.
    options.set('filename', filename.startsWith('file:') ? filename.slice(5) : filename);
  },
  async open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
    const opts = new OptionReader(options);
    const filename = opts.takeString('filename');
    const aio = opts.takeEnum('aio', AIO_MODES);
    opts.takeNumber('aio-max-batch');
    opts.takeEnum('locking', LOCKING);
    opts.takeString('pr-manager');
    opts.takeBool('drop-cache');
    opts.takeBool('x-check-cache-dropped');
    if (filename === undefined || filename === '') throw new QemuError("The 'file' block driver requires a file name");
    if (aio === 'native' && !node.flags.direct) {
      throw new QemuError('aio=native was specified, but it requires cache.direct=on, which was not specified.');
    }
    node.filename = filename;
    const file = await openHostFile(ctx.host, filename, node.flags.readOnly, node.flags.direct);
    return new FileDriver(file, ctx.host, node);
  },
};
