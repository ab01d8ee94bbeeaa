// diffChildren: every mismatching range between two images, streamed as chunks with progress,
// for a UI that lists differences while a long scan runs (and may cancel it). Both it and
// readSectorPair are inspection (BDRV_REQ_INSPECT): they look at the images without firing a
// debug event, matching a blkdebug rule, parking at a breakpoint, tracing or warming a cache.
import type { BytesEqual } from '../../common/first-difference';
import type { BdrvChild } from '../child';
import { BDRV_REQ_INSPECT } from '../driver';
import { toErrno } from '../errors';
import { CompareWalk } from './compare-walk';
import { scanStep } from './mismatch-scan';

export interface DiffRange {
  offset: number;
  bytes: number;
}

export interface DiffChunk {
  /** Mismatching ranges found since the previous chunk, ascending, adjacent ones merged. */
  ranges: DiffRange[];
  /** Bytes of the span scanned so far. */
  done: number;
  /** Bytes of the span: max of the two lengths, clipped to [start, end). */
  total: number;
}

/** An AbortSignal satisfies it. */
export interface CancelToken {
  readonly aborted: boolean;
}

export interface DiffOptions {
  start?: number;
  end?: number;
  /** Checked between steps; once aborted the generator returns early (no throw). */
  signal?: CancelToken;
  /** Roughly how much to scan between yielded chunks (default 64 MiB); the last chunk always comes. */
  chunkBytes?: number;
  /** Mismatch granularity in bytes (default 512). */
  granularity?: number;
  /** A native byte equality (BlockHost.bytesEqual) to compare at memcmp speed. */
  bytesEqual?: BytesEqual;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

/** Every mismatching range between a and b (inspection reads through the gateway), as a stream of chunks with progress. */
export async function* diffChildren(a: BdrvChild, b: BdrvChild, opts: DiffOptions = {}): AsyncGenerator<DiffChunk, void, undefined> {
  const unit = opts.granularity ?? 512;
  if (!(Number.isSafeInteger(unit) && unit > 0)) throw new RangeError(`granularity must be a positive integer, not ${unit}`);
  const chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const lenA = await a.getLength();
  const lenB = await b.getLength();
  const end = Math.max(0, Math.min(opts.end ?? Infinity, Math.max(lenA, lenB)));
  const start = Math.max(0, Math.min(opts.start ?? 0, end));
  const total = end - start;
  const walk = new CompareWalk(a, b, lenA, lenB, start, end, BDRV_REQ_INSPECT);
  let ranges: DiffRange[] = [];
  let last: DiffRange | null = null;
  let sinceYield = 0;
  const add = (unitStart: number): boolean => {
    const from = Math.max(unitStart, start);
    const to = Math.min(unitStart + unit, end);
    if (last && last.offset + last.bytes >= from) last.bytes = Math.max(last.bytes, to - last.offset);
    else ranges.push((last = { offset: from, bytes: to - from }));
    return true;
  };
  while (!walk.done) {
    if (opts.signal?.aborted) return;
    const step = await walk.next();
    scanStep(step, walk.bufA, walk.bufB, unit, opts.bytesEqual, add);
    sinceYield += step.bytes;
    if (sinceYield >= chunkBytes && !walk.done) {
      sinceYield = 0;
      const out = ranges;
      ranges = [];
      last = null;
      yield { ranges: out, done: walk.offset - start, total };
    }
  }
  if (opts.signal?.aborted) return;
  yield { ranges, done: total, total };
}

/** Read the same range from both sides (inspection reads); an error on one side is reported as its errno, not thrown. */
export async function readSectorPair(
  a: BdrvChild,
  b: BdrvChild,
  offset: number,
  bytes: number,
): Promise<{ a: Uint8Array; b: Uint8Array; aErrno: number; bErrno: number }> {
  const bufA = new Uint8Array(bytes);
  const bufB = new Uint8Array(bytes);
  const readSide = async (c: BdrvChild, buf: Uint8Array): Promise<number> => {
    try {
      // Past a side's end it reads as zeroes, as the comparison treats it.
      const len = await c.getLength();
      const n = Math.max(0, Math.min(bytes, len - offset));
      if (n > 0) await c.preadv(offset, n, buf.subarray(0, n), BDRV_REQ_INSPECT);
      return 0;
    } catch (e) {
      return toErrno(e);
    }
  };
  const [aErrno, bErrno] = await Promise.all([readSide(a, bufA), readSide(b, bufB)]);
  return { a: bufA, b: bufB, aErrno, bErrno };
}
