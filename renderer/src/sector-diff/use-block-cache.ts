// The bytes of both sides, read in aligned blocks for the visible rows (and a few either side),
// kept in a bounded cache keyed by pair and block. Blocks a write touched are dropped and read
// again. A side whose read failed keeps its errno: its bytes are unknown, not zeroes.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BlkstudioApi } from '../../../src/api';
import { fromBase64 } from '../../../src/common/base64';
import { BLOCK_BYTES, BlockCache, CACHE_BLOCKS, PREFETCH_BLOCKS, blocksFor, type PairChoice } from './sector-diff-model';

export interface Block {
  offset: number;
  a: Uint8Array;
  b: Uint8Array;
  aErrno: number;
  bErrno: number;
}

/** What the engine calls each side (the base name of its file), from the last read. */
export interface SideLabels {
  a: string;
  b: string;
}

export const selector = (pair: PairChoice) => (pair.kind === 'blkverify' ? { node: pair.node } : { a: pair.a, b: pair.b });

export const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Read [offset, offset+bytes) of both sides (at most MAX_PAIR_BYTES). */
export async function readRange(api: BlkstudioApi, pair: PairChoice, offset: number, bytes: number): Promise<Block & { labels: SideLabels | null }> {
  const r = await api.readSectorPair({ ...selector(pair), offset, bytes });
  const labels = r.aLabel && r.bLabel ? { a: r.aLabel, b: r.bLabel } : null;
  return { offset, a: fromBase64(r.a), b: fromBase64(r.b), aErrno: r.aErrno, bErrno: r.bErrno, labels };
}

const blockKey = (pairKey: string, index: number) => `${pairKey}#${index}`;

export interface BlockCacheView {
  /** The cached block holding `offset`, if it is in. */
  blockAt(offset: number): Block | undefined;
  /** Every block of the view is in. */
  rowsReady: boolean;
  readError: string | null;
  labels: SideLabels | null;
  /** Drop the blocks written to (first and last block index of each write), or all. */
  dropWritten(written: readonly number[], all: boolean): void;
}

export function useBlockCache(api: BlkstudioApi, pair: PairChoice | null, pairKey: string, length: number, viewOffset: number, viewBytes: number): BlockCacheView {
  const cache = useRef(new BlockCache<Block>(CACHE_BLOCKS));
  const pending = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [readError, setReadError] = useState<string | null>(null);
  const [labels, setLabels] = useState<SideLabels | null>(null);

  useEffect(() => {
    cache.current.clear();
    pending.current.clear();
    setLabels(null);
  }, [pairKey]);

  useEffect(() => {
    if (!pair || length === 0) return;
    const key = pairKey;
    // The visible blocks first; once they are in, a few either side so scrolling finds its rows
    // ready (a jump never waits behind read-ahead).
    const wanted = blocksFor(viewOffset, viewBytes, length);
    const visibleIn = wanted.every((i) => cache.current.has(blockKey(key, i)));
    if (wanted.length > 0 && visibleIn) {
      const first = wanted[0];
      const last = wanted[wanted.length - 1];
      for (let i = 1; i <= PREFETCH_BLOCKS; i++) {
        if ((last + i) * BLOCK_BYTES < length) wanted.push(last + i);
        if (first - i >= 0) wanted.push(first - i);
      }
    }
    for (const index of wanted) {
      const k = blockKey(key, index);
      if (cache.current.has(k) || pending.current.has(k)) continue;
      pending.current.add(k);
      const offset = index * BLOCK_BYTES;
      readRange(api, pair, offset, Math.min(BLOCK_BYTES, length - offset)).then(
        (block) => {
          if (pending.current.delete(k)) cache.current.set(k, block);
          if (block.labels) setLabels((old) => (old && old.a === block.labels!.a && old.b === block.labels!.b ? old : block.labels));
          setReadError(null);
          setVersion((v) => v + 1);
        },
        (err: unknown) => {
          pending.current.delete(k);
          setReadError(message(err));
        },
      );
    }
  }, [api, pair, pairKey, length, viewOffset, viewBytes, version]);

  const rowsReady = useMemo(() => {
    if (!pair || viewBytes === 0) return false;
    return blocksFor(viewOffset, viewBytes, length).every((i) => cache.current.peek(blockKey(pairKey, i)) !== undefined);
    // version: the cache changed.
  }, [pair, pairKey, viewOffset, viewBytes, length, version]);

  const dropWritten = useCallback((written: readonly number[], all: boolean) => {
    if (all) {
      cache.current.clear();
      pending.current.clear();
    } else {
      const hit = (k: string) => {
        const i = Number(k.slice(k.lastIndexOf('#') + 1));
        for (let w = 0; w < written.length; w += 2) if (i >= written[w]! && i <= written[w + 1]!) return true;
        return false;
      };
      cache.current.deleteWhere(hit);
      // A read in flight may predate the write: its answer is dropped and the block read again.
      for (const k of [...pending.current]) if (hit(k)) pending.current.delete(k);
    }
    setVersion((v) => v + 1);
  }, []);

  return {
    blockAt: (offset) => cache.current.peek(blockKey(pairKey, Math.floor(offset / BLOCK_BYTES))),
    rowsReady,
    readError,
    labels,
    dropWritten,
  };
}
