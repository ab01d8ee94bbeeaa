// The one loop behind diffChildren and qemu-img compare (img_compare): walk the span in steps
// of equal block status on both sides, skip what both sides report as zeroes, read only the
// side that has data where the other is zero, read both where both have data. Past the end of
// the shorter image only the longer one is asked and read (it must be zeroes). Each step's data
// lands in two buffers allocated once per walk.
import type { BytesEqual } from '../../common/first-difference';
import type { BdrvChild } from '../child';
import { BDRV_BLOCK_ALLOCATED, BDRV_BLOCK_ZERO } from '../driver';
import { toErrno } from '../errors';
import { chainBlockStatus, type ChainStatus } from './status-above';

/** qemu-img's IO_BUF_SIZE: the most one step reads from each side. */
export const COMPARE_STEP_BYTES = 2 * 1024 * 1024;

/** Which buffers a step filled: A, B or both (NONE: both sides are zeroes there). */
export const READ_NONE = 0;
export const READ_A = 1;
export const READ_B = 2;
export const READ_BOTH = 3;

export interface CompareStep {
  offset: number;
  bytes: number;
  /** Chain block status of each side at offset; -1 where the side was not asked (past its end). */
  statusA: number;
  statusB: number;
  read: number;
}

/** A block-status query failed ("Sector allocation test failed"). */
export class CompareStatusError extends Error {
  constructor(
    readonly side: 'a' | 'b',
    readonly errno: number,
  ) {
    super(`block status of side ${side} failed`);
  }
}

/** A read failed ("Error while reading offset N of F: ..."). */
export class CompareReadError extends Error {
  constructor(
    readonly side: 'a' | 'b',
    readonly offset: number,
    readonly errno: number,
  ) {
    super(`read of side ${side} at ${offset} failed`);
  }
}

/**
 * Step buffers whose start is page-aligned. A plain 2 MiB Uint8Array comes from malloc, 16 bytes
 * past a page boundary, and the kernel copies file data into such a buffer about 1.5x slower
 * (measured: 2 GiB of page-cache reads, 340 ms vs 225 ms). WebAssembly memory is page-aligned.
 */
function alignedBuffers(count: number, bytes: number): Uint8Array[] {
  const WASM_PAGE = 65536;
  const stride = Math.ceil(bytes / WASM_PAGE) * WASM_PAGE;
  let buffer: ArrayBuffer | null = null;
  try {
    // Looked up on globalThis: the engine's type environment has no WebAssembly declarations.
    const wasm = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;
    if (wasm) buffer = new wasm.Memory({ initial: (stride * count) / WASM_PAGE }).buffer;
  } catch {
    // No WebAssembly (or no memory for it): plain arrays work, only slower.
  }
  return Array.from({ length: count }, (_, i) => (buffer ? new Uint8Array(buffer, i * stride, bytes) : new Uint8Array(bytes)));
}

export class CompareWalk {
  readonly bufA: Uint8Array;
  readonly bufB: Uint8Array;
  /** What bufA/bufB hold after a step, and a step record reused for every step. */
  readonly step: CompareStep = { offset: 0, bytes: 0, statusA: 0, statusB: 0, read: READ_NONE };
  offset: number;

  constructor(
    private readonly a: BdrvChild,
    private readonly b: BdrvChild,
    readonly lenA: number,
    readonly lenB: number,
    start: number,
    /** Exclusive end of the span, at most max(lenA, lenB). */
    readonly end: number,
    /** Request flags of every status query and read: BDRV_REQ_INSPECT for a UI's diff, 0 for qemu-img compare. */
    private readonly flags = 0,
  ) {
    this.offset = start;
    [this.bufA, this.bufB] = alignedBuffers(2, COMPARE_STEP_BYTES);
    this.cachedA = new StatusCache(a, 'a', flags);
    this.cachedB = new StatusCache(b, 'b', flags);
  }

  private readonly cachedA: StatusCache;
  private readonly cachedB: StatusCache;

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Classify and read the next step; the caller inspects `step` and the buffers. */
  async next(): Promise<CompareStep> {
    const off = this.offset;
    const common = Math.min(this.lenA, this.lenB, this.end);
    const s = this.step;
    s.offset = off;
    if (off < common) {
      const stA = await this.cachedA.get(off, Math.min(this.lenA, this.end) - off);
      const stB = await this.cachedB.get(off, Math.min(this.lenB, this.end) - off);
      let bytes = Math.min(stA.pnum, stB.pnum, common - off);
      const zeroA = (stA.status & BDRV_BLOCK_ZERO) !== 0;
      const zeroB = (stB.status & BDRV_BLOCK_ZERO) !== 0;
      s.statusA = stA.status;
      s.statusB = stB.status;
      if (zeroA && zeroB) {
        s.read = READ_NONE;
      } else {
        bytes = Math.min(bytes, COMPARE_STEP_BYTES);
        s.read = zeroA ? READ_B : zeroB ? READ_A : READ_BOTH;
        await this.load(s.read, off, bytes);
      }
      s.bytes = bytes;
    } else {
      // Past the shorter image: the longer one against zeroes.
      const longA = this.lenA > this.lenB;
      const st = await (longA ? this.cachedA : this.cachedB).get(off, this.end - off);
      s.statusA = longA ? st.status : -1;
      s.statusB = longA ? -1 : st.status;
      let bytes = Math.min(st.pnum, this.end - off);
      if (st.status & BDRV_BLOCK_ALLOCATED && !(st.status & BDRV_BLOCK_ZERO)) {
        bytes = Math.min(bytes, COMPARE_STEP_BYTES);
        s.read = longA ? READ_A : READ_B;
        await this.load(s.read, off, bytes);
      } else {
        s.read = READ_NONE;
      }
      s.bytes = bytes;
    }
    this.offset = off + s.bytes;
    return s;
  }

  private async load(which: number, offset: number, bytes: number): Promise<void> {
    // Both sides at once: on a host with a thread pool the two reads overlap.
    const f = this.flags;
    if (which === READ_BOTH) await Promise.all([read(this.a, 'a', offset, bytes, this.bufA, f), read(this.b, 'b', offset, bytes, this.bufB, f)]);
    else if (which === READ_A) await read(this.a, 'a', offset, bytes, this.bufA, f);
    else await read(this.b, 'b', offset, bytes, this.bufB, f);
  }
}

/**
 * One side's last block-status answer. A data extent is walked in 2 MiB steps; asking again
 * from inside it gives the same status up to the same end (qemu-img asks each time), and
 * asking is not free: qcow2 counts the contiguous clusters up to the extent's end every time.
 */
class StatusCache {
  private start = 0;
  private end = 0;
  private status = 0;
  private readonly st: ChainStatus = { status: 0, pnum: 0 };

  constructor(
    private readonly child: BdrvChild,
    private readonly side: 'a' | 'b',
    private readonly flags: number,
  ) {}

  async get(offset: number, bytes: number): Promise<ChainStatus> {
    if (offset < this.start || offset >= this.end) {
      const fresh = await status(this.child, this.side, offset, bytes, this.flags);
      this.start = offset;
      this.end = offset + fresh.pnum;
      this.status = fresh.status;
    }
    this.st.status = this.status;
    this.st.pnum = Math.min(this.end - offset, bytes);
    return this.st;
  }
}

async function status(c: BdrvChild, side: 'a' | 'b', offset: number, bytes: number, flags: number): Promise<ChainStatus> {
  try {
    const st = await chainBlockStatus(c.node, offset, bytes, flags);
    // A driver answering pnum 0 inside the image would loop forever: treat it as a sector.
    if (st.pnum <= 0) st.pnum = Math.min(512, bytes);
    return st;
  } catch (e) {
    throw new CompareStatusError(side, toErrno(e));
  }
}

async function read(c: BdrvChild, side: 'a' | 'b', offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
  try {
    await c.preadv(offset, bytes, bytes === buf.length ? buf : buf.subarray(0, bytes), flags);
  } catch (e) {
    throw new CompareReadError(side, offset, toErrno(e));
  }
}

/** Zeroes to compare a one-sided step against (never written). */
let zeroes: Uint8Array | null = null;
export function zeroBuffer(): Uint8Array {
  zeroes ??= alignedBuffers(1, COMPARE_STEP_BYTES)[0];
  return zeroes;
}

export type { BytesEqual };
