// The qcow2 metadata caches (QEMU's Qcow2Cache): a fixed number of table-sized entries for L2
// slices or refcount blocks, replaced least-recently-used, written back when dirty. The write
// back order matters to crash consistency and to blkdebug (each write-back fires l2_update or
// refblock_update_part), so eviction, dependencies and flushes follow QEMU's rules exactly.
import type { BdrvChild } from '../../child';
import { BlockError, EIO, ENOSPC } from '../../errors';

export type CacheKind = 'l2' | 'refblock';

/** What a cache needs from the driver around it. */
export interface CacheHost {
  readonly file: BdrvChild;
  /** qcow2_pre_write_overlap_check for a table write (throws on overlap). */
  checkTableWrite(kind: CacheKind, offset: number, bytes: number): Promise<void>;
  /** qcow2_signal_corruption for a fatal problem; resolves to the error to throw. */
  corruption(message: string): Promise<BlockError>;
}

export class Qcow2Cache {
  readonly offsets: Float64Array;
  readonly dirty: Uint8Array;
  readonly refs: Int32Array;
  readonly lru: Float64Array;
  /** One view per entry, made once (no allocation per lookup). */
  readonly tables: Uint8Array[];
  private lruCounter = 0;
  /** Another cache that must be written before this one (qcow2_cache_set_dependency). */
  depends: Qcow2Cache | null = null;
  /** The file must be flushed before this cache is written (qcow2_cache_depends_on_flush). */
  dependsOnFlush = false;

  constructor(
    private readonly host: CacheHost,
    readonly kind: CacheKind,
    readonly size: number,
    readonly tableSize: number,
  ) {
    this.offsets = new Float64Array(size);
    this.dirty = new Uint8Array(size);
    this.refs = new Int32Array(size);
    this.lru = new Float64Array(size);
    const memory = new Uint8Array(size * tableSize);
    this.tables = Array.from({ length: size }, (_, i) => memory.subarray(i * tableSize, (i + 1) * tableSize));
  }

  private get name(): string {
    return this.kind === 'l2' ? 'L2 table' : 'refcount block';
  }

  /** qcow2_cache_get: the entry index holding the table at `offset`, read from disk on a miss. */
  get(offset: number): Promise<number> {
    return this.doGet(offset, true);
  }

  /** A cache hit without a promise (the hot path of every mapped read and write); -1 on a miss. */
  lookup(offset: number): number {
    if (offset % this.tableSize !== 0) return -1;
    const size = this.size;
    const start = ((offset / this.tableSize) * 4) % size;
    let i = start;
    do {
      if (this.offsets[i] === offset) {
        this.refs[i]++;
        return i;
      }
      if (++i === size) i = 0;
    } while (i !== start);
    return -1;
  }

  /**
   * The entry holding the table at `offset`, or -1, for a look that must leave the cache as it
   * is (an inspection read): no reference taken, so no LRU step when it would be put back.
   */
  peek(offset: number): number {
    if (offset % this.tableSize !== 0) return -1;
    const size = this.size;
    const start = ((offset / this.tableSize) * 4) % size;
    let i = start;
    do {
      if (this.offsets[i] === offset) return i;
      if (++i === size) i = 0;
    } while (i !== start);
    return -1;
  }

  /** qcow2_cache_get_empty: an entry for a table that is about to be overwritten entirely. */
  getEmpty(offset: number): Promise<number> {
    return this.doGet(offset, false);
  }

  private async doGet(offset: number, readFromDisk: boolean): Promise<number> {
    if (offset % this.tableSize !== 0) {
      throw await this.host.corruption(`Cannot get entry from ${this.name} cache: offset ${hex(offset)} is unaligned`);
    }
    const size = this.size;
    const lookup = ((offset / this.tableSize) * 4) % size;
    let i = lookup;
    let minLru = Infinity;
    let minIndex = -1;
    do {
      if (this.offsets[i] === offset) {
        this.refs[i]++;
        return i;
      }
      if (this.refs[i] === 0 && this.lru[i] < minLru) {
        minLru = this.lru[i];
        minIndex = i;
      }
      if (++i === size) i = 0;
    } while (i !== lookup);
    if (minIndex < 0) throw new BlockError(EIO, 'qcow2 cache exhausted');
    i = minIndex;
    await this.entryFlush(i);
    this.offsets[i] = 0;
    if (readFromDisk) {
      if (this.kind === 'l2') {
        const ev = this.host.file.debugEvent('l2_load');
        if (ev) await ev;
      }
      await this.host.file.preadv(offset, this.tableSize, this.tables[i]);
    }
    this.offsets[i] = offset;
    this.refs[i]++;
    return i;
  }

  put(i: number): void {
    if (--this.refs[i] === 0) this.lru[i] = ++this.lruCounter;
  }

  markDirty(i: number): void {
    this.dirty[i] = 1;
  }

  /** qcow2_cache_is_table_offset: the entry caching `offset`, or -1. */
  find(offset: number): number {
    for (let i = 0; i < this.size; i++) if (this.offsets[i] === offset) return i;
    return -1;
  }

  /** qcow2_cache_discard: forget an unreferenced entry without writing it. */
  discard(i: number): void {
    this.offsets[i] = 0;
    this.lru[i] = 0;
    this.dirty[i] = 0;
  }

  /** qcow2_cache_entry_flush: write one dirty entry back, after what it depends on. */
  async entryFlush(i: number): Promise<void> {
    if (!this.dirty[i] || !this.offsets[i]) return;
    if (this.depends) {
      await this.flushDependency();
    } else if (this.dependsOnFlush) {
      await this.host.file.flush();
      this.dependsOnFlush = false;
    }
    const offset = this.offsets[i];
    await this.host.checkTableWrite(this.kind, offset, this.tableSize);
    const ev = this.host.file.debugEvent(this.kind === 'l2' ? 'l2_update' : 'refblock_update_part');
    if (ev) await ev;
    await this.host.file.pwritev(offset, this.tableSize, this.tables[i]);
    this.dirty[i] = 0;
  }

  /** qcow2_cache_write: every dirty entry; keeps going after errors, reports one (ENOSPC wins). */
  async write(): Promise<void> {
    let result: unknown = null;
    for (let i = 0; i < this.size; i++) {
      try {
        await this.entryFlush(i);
      } catch (e) {
        if (!(result instanceof BlockError && result.errno === ENOSPC)) result = e;
      }
    }
    if (result) throw result;
  }

  /** qcow2_cache_flush: write back, then flush the file. */
  async flush(): Promise<void> {
    await this.write();
    await this.host.file.flush();
  }

  private async flushDependency(): Promise<void> {
    await this.depends!.flush();
    this.depends = null;
    this.dependsOnFlush = false;
  }

  /** qcow2_cache_set_dependency: `dependency` must be written before this cache. */
  async setDependency(dependency: Qcow2Cache): Promise<void> {
    if (dependency.depends) await dependency.flushDependency();
    if (this.depends && this.depends !== dependency) await this.flushDependency();
    this.depends = dependency;
  }

  /** Drop every entry (after a failed open or on close once written back). */
  clear(): void {
    this.offsets.fill(0);
    this.dirty.fill(0);
    this.refs.fill(0);
    this.lru.fill(0);
  }

  hasDirty(): boolean {
    for (let i = 0; i < this.size; i++) if (this.dirty[i] && this.offsets[i]) return true;
    return false;
  }
}

/** printf's %#x: "0" for zero, else 0x-prefixed lowercase hex. */
export function hex(n: number): string {
  return n === 0 ? '0' : `0x${n.toString(16)}`;
}
