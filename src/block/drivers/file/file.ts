// The `file` protocol driver (QEMU's file-posix): a host file, positional I/O through BlockHost.
import type { BlockHost, HostFile } from '../../block-host';
import { FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE } from '../../block-host';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance, PreallocMode } from '../../driver';
import { BDRV_BLOCK_DATA, BDRV_BLOCK_OFFSET_VALID, BDRV_BLOCK_ZERO, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK } from '../../driver';
import { BlockError, EINVAL, ENOTSUP, QemuError, strerror, toErrno } from '../../errors';
import { nothingToDo, unsupported } from '../../driver-helpers';
import type { BlockNode } from '../../node';
import { LockBytes } from './lock-bytes';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';

const AIO_MODES = ['threads', 'native', 'io_uring'] as const;
const LOCKING = ['auto', 'on', 'off'] as const;
const ENXIO = 6;
const EBUSY = 16;
const ENOSYS = 38;
const ENODEV = 19;
const ENOTTY = 25;
/** allocate_first_block: how much of a file grown from empty gets written (MAX_BLOCKSIZE). */
const FIRST_BLOCK = 4096;
/** Largest zero buffer the driver writes at once. */
const ZERO_CHUNK = 1 << 20;

let zeroChunk: Uint8Array | null = null;

class FileDriver implements DriverInstance {
  readonly supportedWriteFlags = 0;
  // What this file system turned out to support (file-posix's has_write_zeroes & co.).
  private hasWriteZeroes = true;
  private hasDiscard = true;
  private hasFallocate = true;
  /** file.locking: the node's permissions published in lock bytes (null: locking off or impossible here). */
  private readonly locks: LockBytes | null;
  // Zeroes are written here, never by a fallback above: NO_FALLBACK requests succeed too.
  readonly supportedZeroFlags = BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK;
  readonly primaryChild = null;
  limits: DriverInstance['limits'];

  constructor(
    private file: HostFile,
    private readonly host: BlockHost,
    private readonly node: BlockNode,
    locking: (typeof LOCKING)[number],
  ) {
    this.locks = locking === 'off' ? null : LockBytes.on(file, node.filename);
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
   * file-posix's write-zeroes: with unmap allowed, punch a hole first; then fallocate's
   * ZERO_RANGE, a punched hole filled again, or (past the end) plain fallocate. Where none of
   * that works (or the host has no fallocate), write zeroes, as the block layer's fallback does.
   */
  async pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    if (this.file.fallocate) {
      if (flags & BDRV_REQ_MAY_UNMAP) {
        const r = await this.fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes);
        if (r === 0) return;
        if (r !== -ENOTSUP && r !== -EINVAL && r !== -EBUSY) throw new BlockError(-r);
      }
      const r = await this.writeZeroesNative(offset, bytes);
      if (r === 0) return;
      if (r !== -ENOTSUP) throw new BlockError(-r);
    } else if (flags & BDRV_REQ_MAY_UNMAP) {
      // Without fallocate, a range running to the end of the file still becomes a hole: cut
      // the file and grow it back.
      const size = await this.file.size();
      if (offset + bytes >= size && offset < size) {
        await this.file.truncate(offset);
        await this.file.truncate(Math.max(size, offset + bytes));
        return;
      }
    }
    await this.pwriteZeroesRange(offset, bytes);
  }

  /** handle_aiocb_write_zeroes: 0, or -errno (-ENOTSUP: nothing here could do it). */
  private async writeZeroesNative(offset: number, bytes: number): Promise<number> {
    if (this.hasWriteZeroes) {
      const r = await this.fallocate(FALLOC_FL_ZERO_RANGE, offset, bytes);
      if (r === -ENOTSUP) this.hasWriteZeroes = false;
      // Some file systems refuse unaligned ranges with EINVAL: try the others then.
      else if (r !== -EINVAL) return r;
    }
    if (this.hasDiscard && this.hasFallocate) {
      const r = await this.fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes);
      if (r === 0) {
        const again = await this.fallocate(0, offset, bytes);
        if (again !== -ENOTSUP) return again;
        this.hasFallocate = false;
      } else if (r === -ENOTSUP) {
        this.hasDiscard = false;
      } else if (r !== -EINVAL) {
        return r;
      }
    }
    if (this.hasFallocate && offset >= (await this.file.size())) {
      const r = await this.fallocate(0, offset, bytes);
      if (r !== -ENOTSUP) return r;
      this.hasFallocate = false;
    }
    return -ENOTSUP;
  }

  /** do_fallocate + translate_err: the errnos that mean "not here" all become ENOTSUP. */
  private async fallocate(mode: number, offset: number, bytes: number): Promise<number> {
    const r = await this.file.fallocate!(mode, offset, bytes);
    return r === -ENODEV || r === -ENOSYS || r === -ENOTTY ? -ENOTSUP : r;
  }

  /**
   * Discard punches a hole (the range reads back as zeroes). Where the file system cannot,
   * QEMU leaves the data as it is; a host without fallocate at all writes zeroes instead, so
   * discarded data never survives on one host and not on another.
   */
  async pdiscard(offset: number, bytes: number): Promise<void> {
    if (this.file.fallocate) {
      if (!this.hasDiscard) return;
      const r = await this.fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes);
      if (r === -ENOTSUP) this.hasDiscard = false;
      else if (r < 0) throw new BlockError(-r);
      return;
    }
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

  /**
   * raw_co_block_status: without want_zero (or without SEEK_DATA on this host) every byte is
   * data; otherwise holes read as zero, found with SEEK_DATA / SEEK_HOLE (find_allocation).
   */
  blockStatus(offset: number, bytes: number, wantZero: boolean): Promise<BlockStatus> {
    const data = BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    if (!wantZero || !this.file.seek) return Promise.resolve({ status: data, pnum: bytes, map: offset });
    const found = findAllocation(this.file, offset);
    let status: number;
    let pnum: number;
    if (found === -ENXIO) {
      // A trailing hole (or a file cut behind our back).
      status = BDRV_BLOCK_ZERO;
      pnum = bytes;
    } else if (typeof found === 'number') {
      // Nothing learned: no holes then.
      status = BDRV_BLOCK_DATA;
      pnum = bytes;
    } else if (found.data === offset) {
      status = BDRV_BLOCK_DATA;
      const align = this.limits?.requestAlignment ?? 1;
      pnum = Math.ceil((found.hole - offset) / align) * align;
    } else {
      status = BDRV_BLOCK_ZERO;
      pnum = found.data - offset;
    }
    return Promise.resolve({ status: status | BDRV_BLOCK_OFFSET_VALID, pnum, map: offset });
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
      // allocate_first_block: QEMU writes the first block of a file grown from empty, so
      // that O_DIRECT alignment probing later finds allocated blocks (qemu-img map shows it).
      if (size === 0 && offset > 0 && prealloc === 'off') {
        await this.pwriteZeroesRange(0, offset < FIRST_BLOCK ? 512 : FIRST_BLOCK);
      }
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

  /** raw_handle_perm_lock (the lock bytes are in lock-bytes.ts). */
  setPerm(perm: number, shared: number): void {
    this.locks?.set(perm, shared);
  }

  /** Reopening read-write needs a new descriptor (holding the same lock bytes); read-only can keep the old one. */
  async reopen(readOnly: boolean): Promise<void> {
    if (readOnly || !this.node.flags.readOnly) return;
    const file = await openHostFile(this.host, this.node.filename, false, this.node.flags.direct);
    try {
      this.locks?.moveTo(file);
    } catch (e) {
      await file.close();
      throw e;
    }
    await this.file.close();
    this.file = file;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** find_allocation: where data and the next hole start at offset, or the -errno of lseek. */
function findAllocation(file: HostFile, start: number): { data: number; hole: number } | number {
  const data = file.seek!(start, 'data');
  if (data < 0) return data;
  if (data < start) return -5;
  if (data > start) return { data, hole: start };
  const hole = file.seek!(start, 'hole');
  if (hole < 0) return hole;
  if (hole < start) return -5;
  // A hole dug at start between the two calls: nothing learned.
  if (hole === start) return -EBUSY;
  return { data: start, hole };
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
    const locking = opts.takeEnum('locking', LOCKING) ?? 'auto';
    opts.takeString('pr-manager');
    opts.takeBool('drop-cache');
    opts.takeBool('x-check-cache-dropped');
    if (filename === undefined || filename === '') throw new QemuError("The 'file' block driver requires a file name");
    // The file node refuses it when it opens, before any format is probed or opened above it.
    if ((aio ?? (node.flags.nativeAio ? 'native' : 'threads')) === 'native' && !node.flags.direct) {
      throw new QemuError('aio=native was specified, but it requires cache.direct=on, which was not specified.');
    }
    node.filename = filename;
    const file = await openHostFile(ctx.host, filename, node.flags.readOnly, node.flags.direct);
    return new FileDriver(file, ctx.host, node, locking);
  },
};
