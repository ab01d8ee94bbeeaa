// The qcow2 format driver: guest reads and writes mapped through L1/L2 tables onto the image
// file, with allocation, copy-on-write from a backing file, zero and compressed clusters, and
// the VM state area. Metadata changes run under one lock, as in QEMU; data I/O runs outside it.
import type { RawZlib } from '../../block-host';
import type { BdrvChild } from '../../child';
import {
  BDRV_BLOCK_DATA,
  BDRV_BLOCK_OFFSET_VALID,
  BDRV_BLOCK_ZERO,
  BDRV_REQ_INSPECT,
  BDRV_REQ_MAY_UNMAP,
  BDRV_REQ_NO_FALLBACK,
  type BlockDriver,
  type BlockStatus,
  type DriverInfo,
  type DriverInstance,
  type PreallocMode,
  type ReopenPrepared,
} from '../../driver';
import { BlockError, EINVAL, EIO, ENOTSUP, QemuError, strerror, toErrno } from '../../errors';
import { checkQcow2Image, Qcow2OpenError } from './check';
import { bdrvBlockStatusAbove, bdrvFlush } from '../../io';
import type { BlockNode, NodeFlags } from '../../node';
import type { OpenContext } from '../../open-context';
import type { QDict } from '../../qdict';
import { allocHostOffset, handleAllocSpace, handleL2Meta, mergeCow, type WriteTarget } from './allocate';
import { readCompressed, writeCompressedCluster } from './compressed';
import { clusterDiscard, clusterZeroize } from './discard';
import { dataFileInfo, openDataFile } from './data-file';
import { AUTOCLEAR_DATA_FILE_RAW, be32, COMPAT_LAZY_REFCOUNTS, INCOMPAT_CORRUPT, INCOMPAT_DATA_FILE, INCOMPAT_DIRTY, putBe64, QCOW_MAGIC, type QcowHeader } from './format';
import { getHostOffset, growL1Table, inspectHostOffset, type HostMapping } from './l1-l2';
import { openBacking } from './backing';
import { readImage } from './open';
import { bitmapInfoLines, loadDirtyBitmaps, reopenBitmapsRo, reopenBitmapsRw, storeDirtyBitmaps, truncateBitmapsCheck } from './bitmaps';
import { joinQcow2Options, QCOW2_RUNTIME_OPTIONS, resolveQcow2Options, takeQcow2Options } from './options';
import { refcountOf } from './refcount';
import { Qcow2State } from './state';
import { preallocateGrowth } from './preallocate';
import { shrinkImage } from './truncate';

class Qcow2Driver implements DriverInstance {
  readonly supportedWriteFlags = 0;
  readonly supportedZeroFlags: number;
  readonly limits: DriverInstance['limits'];

  constructor(
    readonly s: Qcow2State,
    private readonly node: BlockNode,
    private readonly zlib: RawZlib | undefined,
  ) {
    this.supportedZeroFlags = s.version >= 3 ? BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK : 0;
    this.limits = { pwriteZeroesAlignment: s.subclusterSize, pdiscardAlignment: s.clusterSize };
    s.readGuest = (offset, bytes, buf) => this.read(offset, bytes, buf);
    s.blockStatusAbove = (offset, bytes) => bdrvBlockStatusAbove(node, offset, bytes, false);
    s.onDead = () => (node.ejected = true);
  }

  get primaryChild(): BdrvChild {
    return this.s.file;
  }

  private async locked<T>(run: () => Promise<T>): Promise<T> {
    const wait = this.s.lock.lock();
    if (wait) await wait;
    try {
      return await run();
    } finally {
      this.s.lock.unlock();
    }
  }

  preadv(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    this.s.checkAlive();
    if (flags & BDRV_REQ_INSPECT) return this.inspectRead(offset, bytes, buf, flags);
    return this.read(offset, bytes, buf);
  }

  /**
   * An inspection read: the guest's bytes as read() would return them, but mapped without the
   * lock (a request parked at a breakpoint may hold it) and without touching the caches
   * (inspectHostOffset), announcing no events, and every child read carrying the flag.
   */
  private async inspectRead(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    const s = this.s;
    for (let done = 0; done < bytes; ) {
      const at = offset + done;
      const m = await inspectHostOffset(s, at, bytes - done, flags);
      const n = m.bytes;
      const part = buf.subarray(done, done + n);
      switch (m.type) {
        case 'zero-plain':
        case 'zero-alloc':
          part.fill(0);
          break;
        case 'unallocated':
        case 'unallocated-alloc':
          if (s.backing) await s.backing.preadv(at, n, part, flags);
          else part.fill(0);
          break;
        case 'compressed':
          await readCompressed(s, this.zlib, m.hi, m.lo, at, n, part, flags);
          break;
        case 'normal':
          await s.dataFile.preadv(m.host, n, part, flags);
          break;
        case 'invalid':
          throw new BlockError(EIO);
      }
      done += n;
    }
  }

  /** qcow2_co_preadv_part: each run of one cluster type is read from where it lives. */
  private async read(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    const s = this.s;
    for (let done = 0; done < bytes; ) {
      const at = offset + done;
      const wait = s.lock.lock();
      if (wait) await wait;
      let m: HostMapping;
      try {
        m = await getHostOffset(s, at, bytes - done);
      } finally {
        s.lock.unlock();
      }
      const n = m.bytes;
      const part = n === bytes ? buf : buf.subarray(done, done + n);
      switch (m.type) {
        case 'zero-plain':
        case 'zero-alloc':
          part.fill(0);
          break;
        case 'unallocated':
        case 'unallocated-alloc':
          if (!s.backing) {
            part.fill(0);
          } else {
            if (s.file.wants('read_backing_aio')) await s.file.debugEvent('read_backing_aio', { op: 'read', offset: at, bytes: n });
            await s.backing.preadv(at, n, part);
          }
          break;
        case 'compressed':
          await readCompressed(s, this.zlib, m.hi, m.lo, at, n, part);
          break;
        case 'normal':
          if (s.file.wants('read_aio')) await s.file.debugEvent('read_aio', { op: 'read', offset: at, bytes: n });
          await s.dataFile.preadv(m.host, n, part);
          break;
      }
      done += n;
    }
  }

  /**
   * qcow2_co_pwritev_part: allocate a chunk (lock held), write its data, link it. As in QEMU,
   * whose chunk tasks run in parallel, a chunk is linked only after the next chunk has been
   * allocated and written: what reaches the disk when an allocation fails midway matches.
   */
  async pwritev(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    const s = this.s;
    s.checkAlive();
    let pending: { t: WriteTarget; error: unknown } | null = null;
    let failure: unknown = null;
    for (let done = 0; done < bytes && failure === null; ) {
      const at = offset + done;
      let t: WriteTarget | null = null;
      const wait = s.lock.lock();
      if (wait) await wait;
      try {
        t = await allocHostOffset(s, at, bytes - done);
        await s.preWriteOverlapCheck(0, t.host, t.bytes, true);
      } catch (e) {
        if (t) await handleL2Meta(s, t.metas, false).catch(() => undefined);
        failure = e;
      } finally {
        s.lock.unlock();
      }
      if (failure || !t) break;
      const error = await this.writeData(t, at, t.bytes === bytes ? buf : buf.subarray(done, done + t.bytes));
      if (pending) failure = await this.linkTask(pending.t, pending.error);
      pending = { t, error };
      done += t.bytes;
      // An in-place overwrite has nothing to link: it completes here.
      if (t.metas.length === 0) {
        pending = null;
        failure ??= error;
      }
    }
    if (pending) {
      const last = await this.linkTask(pending.t, pending.error);
      failure ??= last;
    }
    if (failure) throw failure;
  }

  /** qcow2_co_pwritev_task, first half: zero-fill or merge the COW, write the data. Returns the error. */
  private async writeData(t: WriteTarget, offset: number, data: Uint8Array): Promise<unknown> {
    const s = this.s;
    try {
      if (t.metas.length) await handleAllocSpace(s, t.metas);
      if (!mergeCow(offset, t.bytes, data, t.metas)) {
        if (s.file.wants('write_aio')) await s.file.debugEvent('write_aio', { op: 'write', offset, bytes: t.bytes });
        await s.dataFile.pwritev(t.host, t.bytes, data);
      }
      return null;
    } catch (e) {
      return e;
    }
  }

  /** qcow2_co_pwritev_task, second half: link the chunk's clusters (or give them back). Returns the error. */
  private async linkTask(t: WriteTarget, writeError: unknown): Promise<unknown> {
    let failure = writeError;
    await this.locked(async () => {
      try {
        await handleL2Meta(this.s, t.metas, failure === null);
      } catch (e) {
        failure ??= e;
      }
    });
    return failure;
  }

  /** qcow2_co_pwrite_zeroes: whole clusters become zero clusters; a partial one only if the rest reads as zero. */
  async pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    const s = this.s;
    s.checkAlive();
    const cs = s.subclusterSize;
    const end = this.node.totalBytes;
    const head = offset % cs;
    let tail = Math.ceil((offset + bytes) / cs) * cs - (offset + bytes);
    if (offset + bytes === Math.ceil(end / 512) * 512) tail = 0;
    if (head || tail) {
      if (!((await this.isZero(offset - head, head)) && (await this.isZero(offset + bytes, tail)))) throw new BlockError(ENOTSUP);
      await this.locked(async () => {
        const m = await getHostOffset(s, offset - head, cs);
        if (m.type !== 'unallocated' && m.type !== 'unallocated-alloc' && m.type !== 'zero-plain' && m.type !== 'zero-alloc') {
          throw new BlockError(ENOTSUP);
        }
        await clusterZeroize(s, offset - head, cs, flags);
      });
      return;
    }
    await this.locked(() => clusterZeroize(s, offset, bytes, flags));
  }

  /** is_zero: the range reads as zeroes through the whole backing chain. */
  private async isZero(offset: number, bytes: number): Promise<boolean> {
    const total = Math.ceil(this.node.totalBytes / 512) * 512;
    if (offset + bytes > total) bytes = total - offset;
    while (bytes > 0) {
      const st = await bdrvBlockStatusAbove(this.node, offset, bytes, true);
      if (!(st.status & BDRV_BLOCK_ZERO) || st.pnum <= 0) return false;
      offset += st.pnum;
      bytes -= st.pnum;
    }
    return true;
  }

  /**
   * qcow2_co_pdiscard: whole clusters, or the image's last partial cluster; anything else is
   * refused (ENOTSUP, which the block layer skips). A v2 image cannot mark a cluster zero, so
   * with a backing file discarding would expose the backing file's data: refused too.
   */
  pdiscard(offset: number, bytes: number): Promise<void> {
    const s = this.s;
    s.checkAlive();
    if (s.version < 3 && s.backing) return Promise.reject(new BlockError(ENOTSUP));
    const cs = s.clusterSize;
    if ((offset % cs || bytes % cs) && (offset % cs || offset + bytes !== Math.floor(s.size / 512) * 512)) {
      return Promise.reject(new BlockError(ENOTSUP));
    }
    return this.locked(() => clusterDiscard(s, offset, bytes, 'request', false));
  }

  /** qcow2_co_pwritev_compressed_part: whole clusters (or the image's last partial one). */
  async pwriteCompressed(offset: number, bytes: number, buf: Uint8Array): Promise<void> {
    const s = this.s;
    s.checkAlive();
    if (s.hasDataFile) throw new BlockError(ENOTSUP);
    if (bytes === 0) {
      // Align the end of the file to a sector boundary (bdrv_getlength already rounds up).
      await s.file.truncate(await s.file.getLength(), false, 'off');
      return;
    }
    const cs = s.clusterSize;
    if (offset % cs) throw new BlockError(EINVAL);
    if (bytes % cs && offset + bytes !== Math.ceil(this.node.totalBytes / 512) * 512) throw new BlockError(EINVAL);
    for (let done = 0; done < bytes; done += cs) {
      const n = Math.min(cs, bytes - done);
      await writeCompressedCluster(s, this.zlib, offset + done, n, buf.subarray(done, done + n), (o, b, d) => this.pwritev(o, b, d));
    }
  }

  flushToDisk(): Promise<void> {
    return Promise.resolve();
  }

  /** qcow2_co_flush_to_os: write the L2 and (unless lazy) refcount caches back. */
  flushToOs(): Promise<void> {
    const s = this.s;
    if (s.dead) return Promise.resolve();
    return this.locked(async () => {
      await s.l2Cache.write();
      if (s.needAccurateRefcounts) await s.refblockCache.write();
    });
  }

  private preallocationChecked = false;

  /** qcow2_co_block_status (the first call also runs QEMU's metadata preallocation probe). */
  async blockStatus(offset: number, bytes: number, _wantZero: boolean, flags: number): Promise<BlockStatus> {
    const s = this.s;
    s.checkAlive();
    // Inspection maps without lock or caches, and leaves the preallocation probe to the guest.
    const m = flags & BDRV_REQ_INSPECT ? await inspectHostOffset(s, offset, Math.min(bytes, 0x7fffffff), flags) : await this.locked(async () => {
      if (!this.preallocationChecked) {
        this.preallocationChecked = true;
        await detectMetadataPreallocation(s).catch(() => undefined);
      }
      return getHostOffset(s, offset, Math.min(bytes, 0x7fffffff));
    });
    let status = 0;
    let map: number | undefined;
    let file: BdrvChild | undefined;
    if (m.type === 'normal' || m.type === 'zero-alloc' || m.type === 'unallocated-alloc') {
      map = m.host;
      file = s.dataFile;
      status |= BDRV_BLOCK_OFFSET_VALID;
    }
    if (m.type === 'zero-plain' || m.type === 'zero-alloc') status |= BDRV_BLOCK_ZERO;
    else if (m.type !== 'unallocated' && m.type !== 'unallocated-alloc') status |= BDRV_BLOCK_DATA;
    return { status, pnum: m.bytes, map, file };
  }

  /** bs->total_sectors: the header's size rounded down to whole sectors. */
  getLength(): Promise<number> {
    return Promise.resolve(Math.floor(this.s.size / 512) * 512);
  }

  /** qcow2_co_truncate. */
  async truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
    const s = this.s;
    s.checkAlive();
    if (offset % 512) throw new QemuError('The new size must be a multiple of 512', EINVAL);
    await this.locked(async () => {
      await truncateBitmapsCheck(s, this.node.dirtyBitmaps);
      const old = s.size;
      const newL1 = Math.ceil(offset / 2 ** (s.clusterBits + s.l2Bits));
      if (offset < old) {
        if (prealloc !== 'off') throw new QemuError("Preallocation can't be used for shrinking an image", EINVAL);
        await shrinkImage(s, offset, newL1);
      } else {
        await growL1Table(s, newL1, true).catch((e) => {
          throw new QemuError(`Failed to grow the L1 table: ${strerror(toErrno(e))}`, toErrno(e));
        });
        // A raw data file must keep its 1:1 mapping: grown areas are always mapped.
        if (s.dataFileRaw && prealloc === 'off') prealloc = 'metadata';
        await preallocateGrowth(s, old, offset, prealloc);
      }
      if (prealloc === 'off' && s.hasDataFile) await s.dataFile.truncate(offset, exact, 'off');
      const data = new Uint8Array(8);
      putBe64(data, 0, offset);
      try {
        await s.file.pwritev(24, 8, data);
        await s.file.flush();
      } catch (e) {
        throw new QemuError(`Failed to update the image size: ${strerror(toErrno(e))}`, toErrno(e));
      }
      s.size = offset;
      s.header.size = offset;
      s.l1VmStateIndex = newL1;
    });
    // A backing file longer than the old size must not show through the new area.
    const backingLength = s.backing ? await s.backing.getLength() : 0;
    if (offset > this.node.totalBytes && backingLength > this.node.totalBytes) {
      const from = Math.ceil(this.node.totalBytes / s.clusterSize) * s.clusterSize;
      if (offset > from && s.version >= 3) await this.locked(() => clusterZeroize(s, from, offset - from, 0));
    }
  }

  private get vmStateOffset(): number {
    return this.s.l1VmStateIndex * 2 ** (this.s.clusterBits + this.s.l2Bits);
  }

  /** qcow2_co_save_vmstate: the VM state lives past the guest disk, in the same clusters machinery. */
  async saveVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    this.s.checkAlive();
    const ev = this.s.file.debugEvent('vmstate_save');
    if (ev) await ev;
    await this.pwritev(this.vmStateOffset + pos, bytes, buf);
  }

  async loadVmstate(pos: number, bytes: number, buf: Uint8Array): Promise<void> {
    this.s.checkAlive();
    const ev = this.s.file.debugEvent('vmstate_load');
    if (ev) await ev;
    await this.read(this.vmStateOffset + pos, bytes, buf);
  }

  async getInfo(): Promise<DriverInfo | null> {
    const s = this.s;
    const specific: Array<[string, string | string[]]> = [];
    const bitmaps = s.version >= 3 ? await bitmapInfoLines(s).catch(() => null) : null;
    if (s.version < 3) {
      specific.push(['compat', '0.10'], ['compression type', 'zlib'], ['refcount bits', String(1 << s.refcountOrder)]);
    } else {
      specific.push(
        ['compat', '1.1'],
        ['compression type', s.header.compressionType === 1 ? 'zstd' : 'zlib'],
        ['lazy refcounts', String((s.header.compatibleFeatures & 1) !== 0)],
        ...(bitmaps ? [['bitmaps', bitmaps] as [string, string[]]] : []),
        ['refcount bits', String(1 << s.refcountOrder)],
        ...dataFileInfo(s),
        ['corrupt', String((s.header.incompatibleFeatures & INCOMPAT_CORRUPT) !== 0)],
        ['extended l2', String(s.extL2)],
      );
    }
    return { clusterSize: s.clusterSize, vmStateOffset: this.vmStateOffset, specific };
  }

  joinOptions(options: QDict, old: QDict): void {
    joinQcow2Options(options, old);
  }

  /**
   * qcow2_reopen_prepare: check the options (all of them again, old ones kept), flush the old
   * caches, mark the image clean when lazy refcounts go off or it becomes read-only.
   */
  async reopenPrepare(options: QDict, flags: NodeFlags): Promise<ReopenPrepared> {
    const s = this.s;
    const given = takeQcow2Options(options);
    const geometry = {
      clusterSize: s.clusterSize,
      virtualSize: Math.floor(s.size / 512) * 512,
      l2EntryBytes: s.l2EntryBytes,
      version: s.version,
      lazyRefcountsBit: (s.header.compatibleFeatures & COMPAT_LAZY_REFCOUNTS) !== 0,
      cryptMethod: s.header.cryptMethod,
    };
    const writable = !s.readOnly && !s.dead;
    const failed = (what: string) => (e: unknown): never => {
      throw new QemuError(`${what}: ${strerror(toErrno(e))}`, toErrno(e));
    };
    const opts = await this.locked(() =>
      resolveQcow2Options(given, geometry, flags.unmap, s.useLazyRefcounts, {
        flushCaches: async () => {
          if (!writable) return;
          await s.l2Cache.flush().catch(failed('Failed to flush the L2 table cache'));
          await s.refblockCache.flush().catch(failed('Failed to flush the refcount block cache'));
        },
        disableLazyRefcounts: () => (writable ? s.markClean().catch(failed('Failed to disable lazy refcounts')) : Promise.resolve()),
      }),
    );
    if (flags.readOnly && writable) {
      // Everything must be on disk, and the image clean, before nothing may be written.
      await reopenBitmapsRo(s, this.node.dirtyBitmaps);
      await bdrvFlush(this.node);
      await this.locked(() => s.markClean());
    }
    return {
      commit: () => {
        s.replaceCaches(opts);
        s.setOptions(opts);
        s.readOnly = flags.readOnly;
      },
      // qcow2_reopen_commit_post: bitmaps of a node that may be written again are in_use again.
      commitPost: async () => {
        if (flags.readOnly || s.dead) return;
        await reopenBitmapsRw(s, this.node.dirtyBitmaps, this.node.filename).catch((e) => {
          s.stderr(`qemu-io: ${this.node.nodeName}: Failed to make dirty bitmaps writable: ${(e as Error).message}\n`);
        });
      },
    };
  }

  /** qcow2_close / qcow2_inactivate: write the caches back; errors are reported, not thrown. */
  async close(): Promise<void> {
    const s = this.s;
    if (s.dead || s.readOnly) return;
    let ok = true;
    try {
      await storeDirtyBitmaps(s, this.node.dirtyBitmaps, true, true);
    } catch (e) {
      ok = false;
      s.stderr(`qemu-io: Lost persistent bitmaps during inactivation of node '${this.node.nodeName}': ${(e as Error).message}\n`);
    }
    try {
      await s.l2Cache.flush();
    } catch (e) {
      ok = false;
      s.stderr(`qemu-io: Failed to flush the L2 table cache: ${strerror(toErrno(e))}\n`);
    }
    try {
      await s.refblockCache.flush();
    } catch (e) {
      ok = false;
      s.stderr(`qemu-io: Failed to flush the refcount block cache: ${strerror(toErrno(e))}\n`);
    }
    if (ok && s.header.incompatibleFeatures & INCOMPAT_DIRTY) {
      // qcow2_mark_clean: the counts are on disk now.
      s.header.incompatibleFeatures &= ~INCOMPAT_DIRTY;
      await s.updateHeader().catch(() => undefined);
    }
  }
}

/**
 * qcow2_detect_metadata_preallocation: counts referenced clusters of the file. Only its side
 * effects matter here (it reports refcount structures that are corrupt), as QEMU's answer only
 * tunes block status for preallocated images.
 */
/**
 * How an inspection (the app's image check) reads a qcow2 node's image file: with the inspection
 * flag, and with what a flush would write laid over it (dirty L2 slices; dirty refcount blocks
 * unless refcounts are lazy), so the check sees the image as it stands without a flush that
 * would fire l2_update or refblock_update_part. null when the node is not an open qcow2 node.
 */
export function inspectImageReader(node: BlockNode): ((offset: number, bytes: number) => Promise<Uint8Array>) | null {
  const drv: unknown = node.drv;
  if (!(drv instanceof Qcow2Driver)) return null;
  const s = drv.s;
  return async (offset, bytes) => {
    const buf = new Uint8Array(bytes);
    await s.file.preadv(offset, bytes, buf, BDRV_REQ_INSPECT);
    overlayDirty(s.l2Cache, offset, buf);
    if (s.needAccurateRefcounts) overlayDirty(s.refblockCache, offset, buf);
    return buf;
  };
}

function overlayDirty(cache: Qcow2State['l2Cache'], offset: number, buf: Uint8Array): void {
  const end = offset + buf.length;
  for (let i = 0; i < cache.size; i++) {
    const at = cache.offsets[i];
    if (!cache.dirty[i] || !at || at >= end || at + cache.tableSize <= offset) continue;
    const from = Math.max(at, offset);
    const to = Math.min(at + cache.tableSize, end);
    buf.set(cache.tables[i].subarray(from - at, to - at), from - offset);
  }
}

async function detectMetadataPreallocation(s: Qcow2State): Promise<void> {
  const end = Math.ceil((await s.file.getLength()) / s.clusterSize);
  for (let i = 0; i < end; i++) await refcountOf(s, i);
}

/** qcow2_co_check_locked with BDRV_FIX_ERRORS | BDRV_FIX_LEAKS, then the dirty bit cleared. */
async function repairDirtyImage(file: BdrvChild, stderr: (text: string) => void): Promise<void> {
  const read = async (offset: number, bytes: number) => {
    const buf = new Uint8Array(bytes);
    await file.preadv(offset, bytes, buf);
    return buf;
  };
  const write = (offset: number, data: Uint8Array) => file.pwritev(offset, data.length, data);
  let errno = 0;
  try {
    const res = await checkQcow2Image(read, await file.getLength(), { fixLeaks: true, fixErrors: true, write, inOpen: true });
    for (const line of res.messages) stderr(line);
    if (res.failedErrno) errno = res.failedErrno;
    else if (res.checkErrors) errno = EIO;
  } catch (e) {
    // The header passed readImage: what the check's open refuses is a bad bitmap directory or
    // table, which QEMU's check counts as a corruption (EINVAL).
    errno = e instanceof Qcow2OpenError ? EINVAL : toErrno(e) || EIO;
  }
  if (errno) throw new QemuError(`Could not repair dirty image: ${strerror(errno)}`, errno);
  const header = await read(72, 8);
  if (header[7] & INCOMPAT_DIRTY) {
    header[7] &= ~INCOMPAT_DIRTY;
    await file.pwritev(72, 8, header);
  }
  await file.flush();
}

async function openQcow2(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
  const file = await ctx.openChild(node, options, 'file', 'file', { protocolOnly: true });
  const stderr = (text: string) => ctx.warn(text);
  const optionsCopy = new Map(options);
  let dataFile: BdrvChild | null = null;
  // Opened once (a dirty image is read twice), where qcow2_do_open opens it.
  const open = (opts: QDict) => async (h: QcowHeader, name: string | null) => {
    dataFile ??= await openDataFile(node, opts, ctx, file, (h.incompatibleFeatures & INCOMPAT_DATA_FILE) !== 0, (h.autoclearFeatures & AUTOCLEAR_DATA_FILE_RAW) !== 0, name);
  };
  let img = await readImage(file, options, node.readOnly, node.flags.unmap, stderr, open(options));
  if (!node.readOnly && img.header.incompatibleFeatures & INCOMPAT_DIRTY) {
    // A lazy-refcount image that was not closed cleanly: rebuild its refcounts first (as QEMU does).
    await repairDirtyImage(file, stderr);
    img = await readImage(file, optionsCopy, node.readOnly, node.flags.unmap, stderr, open(optionsCopy));
    for (const key of [...options.keys()]) if (!optionsCopy.has(key)) options.delete(key);
  }
  const s = new Qcow2State(file, null, img.header, img.l1, img.reftable, node.readOnly, stderr, img.options);
  s.dataFile = dataFile ?? file;
  s.imageDataFile = img.imageDataFile;
  s.backingFile = img.backingFile;
  s.backingFormat = img.backingFormat;
  s.unknownExtensions = img.unknownExtensions;
  if (img.bitmaps) {
    s.nbBitmaps = img.bitmaps.nbBitmaps;
    s.bitmapDirectoryOffset = img.bitmaps.directoryOffset;
    s.bitmapDirectorySize = img.bitmaps.directorySize;
  }
  s.backing = await openBacking(node, options, ctx, file, img.backingFile, img.backingFormat);
  // The in_use flags reach the directory (with the header) before anything else is written.
  const headerUpdated = await loadDirtyBitmaps(s, node.dirtyBitmaps, !node.readOnly);
  if (img.updateHeader && !headerUpdated) {
    await s.updateHeader().catch((e) => {
      throw new QemuError(`Could not update qcow2 header: ${strerror(toErrno(e))}`, toErrno(e));
    });
  }
  return new Qcow2Driver(s, node, ctx.host.zlib);
}

export const qcow2Driver: BlockDriver = {
  formatName: 'qcow2',
  isFilter: false,
  isFormat: true,
  runtimeOptions: QCOW2_RUNTIME_OPTIONS,
  probe: (buf) => (be32(buf, 0) === QCOW_MAGIC && be32(buf, 4) >= 2 ? 100 : 0),
  open: openQcow2,
};
