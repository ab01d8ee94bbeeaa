// The mismatches the view lists: what blkverify recorded (listed once, then live) and what a
// whole-image compare found (its progress, ranges and end), merged into one sorted list.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BlkstudioApi, ByteRange, VerifyMismatchDto } from '../../../src/api';
import { message, selector } from './use-block-cache';
import type { DiffEvent } from './use-event-feed';
import { diffEntry, mergeRanges, sortEntries, verifyEntry, type MismatchEntry, type PairChoice } from './sector-diff-model';

/** Compare ranges kept (the overview and navigation cover these; the status line has the total). */
export const MAX_DIFF_RANGES = 100_000;

export interface DiffState {
  diffId: number | null;
  status: 'starting' | 'running' | 'complete' | 'cancelled' | 'failed';
  done: number;
  total: number;
  mismatchedBytes: number;
  message?: string;
}

export interface Mismatches {
  entries: MismatchEntry[];
  diff: DiffState | null;
  diffRanges: ByteRange[];
  diffError: string | null;
  diffRunning: boolean;
  diffPct: number;
  startDiff(): Promise<void>;
  cancelDiff(): Promise<void>;
  /** Feed from the event log. */
  addMismatches(list: VerifyMismatchDto[]): void;
  addDiffEvents(events: DiffEvent[]): void;
}

export function useMismatches(api: BlkstudioApi, pair: PairChoice | null, pairKey: string, length: number, imageSeq: number): Mismatches {
  const [verify, setVerify] = useState<Map<string, VerifyMismatchDto>>(() => new Map());
  const [diffRanges, setDiffRanges] = useState<ByteRange[]>([]);
  const [diff, setDiff] = useState<DiffState | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  const diffRef = useRef<DiffState | null>(null);
  diffRef.current = diff;
  /** Chunks of a diff whose start has not been answered yet. */
  const orphanDiffEvents = useRef<DiffEvent[]>([]);
  const blkverifyNode = pair?.kind === 'blkverify' ? pair.node : null;

  const addMismatches = useCallback((list: VerifyMismatchDto[]) => {
    setVerify((old) => {
      const next = new Map(old);
      for (const m of list) next.set(`${m.node}:${m.id}`, m);
      return next;
    });
  }, []);

  useEffect(() => {
    setVerify(new Map());
    if (!blkverifyNode) return;
    let live = true;
    api.listMismatches({ node: blkverifyNode }).then(
      (list) => {
        if (live) addMismatches(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, blkverifyNode, imageSeq, addMismatches]);

  useEffect(() => {
    setDiffRanges([]);
    setDiff(null);
    orphanDiffEvents.current = [];
  }, [pairKey]);

  /** Apply a diff's events to its state; the ranges they bring are pushed to `ranges`. */
  const applyDiffEvent = useCallback((e: DiffEvent, ranges: ByteRange[]) => {
    if (e.type === 'diff-progress') {
      ranges.push(...e.ranges);
      setDiff((d) => (d && d.diffId === e.diffId ? { ...d, status: 'running', done: e.done, total: e.total } : d));
    } else {
      setDiff((d) => (d && d.diffId === e.diffId ? { ...d, status: e.status, done: e.done, total: e.total, mismatchedBytes: e.mismatchedBytes, message: e.message } : d));
    }
  }, []);

  const addRanges = (ranges: ByteRange[]) => {
    if (ranges.length > 0) setDiffRanges((old) => mergeRanges([...old, ...ranges]).slice(0, MAX_DIFF_RANGES));
  };

  const addDiffEvents = (events: DiffEvent[]) => {
    const current = diffRef.current;
    const ranges: ByteRange[] = [];
    for (const e of events) {
      if (current?.diffId === e.diffId) applyDiffEvent(e, ranges);
      else if (current && current.diffId === null) orphanDiffEvents.current.push(e);
    }
    addRanges(ranges);
  };

  const startDiff = async () => {
    if (!pair) return;
    setDiffError(null);
    setDiffRanges([]);
    orphanDiffEvents.current = [];
    const starting: DiffState = { diffId: null, status: 'starting', done: 0, total: length, mismatchedBytes: 0 };
    diffRef.current = starting;
    setDiff(starting);
    try {
      const started = await api.startDiff(selector(pair));
      const d: DiffState = { diffId: started.diffId, status: 'running', done: 0, total: started.total, mismatchedBytes: 0 };
      diffRef.current = d;
      setDiff(d);
      // Chunks that arrived before the reply.
      const ranges: ByteRange[] = [];
      for (const e of orphanDiffEvents.current) if (e.diffId === started.diffId) applyDiffEvent(e, ranges);
      orphanDiffEvents.current = [];
      addRanges(ranges);
    } catch (err) {
      setDiff(null);
      setDiffError(message(err));
    }
  };

  const cancelDiff = async () => {
    const id = diff?.diffId;
    if (id === null || id === undefined) return;
    try {
      await api.cancelDiff({ diffId: id });
    } catch (err) {
      setDiffError(message(err));
    }
  };

  const entries = useMemo(() => {
    const list: MismatchEntry[] = [];
    for (const m of verify.values()) if (m.node === blkverifyNode) list.push(verifyEntry(m));
    for (const r of diffRanges) list.push(diffEntry(r));
    return sortEntries(list);
  }, [verify, diffRanges, blkverifyNode]);

  const diffRunning = diff !== null && (diff.status === 'running' || diff.status === 'starting');
  const diffPct = diff && diff.total > 0 ? Math.floor((diff.done / diff.total) * 100) : diff?.status === 'complete' ? 100 : 0;
  return { entries, diff, diffRanges, diffError, diffRunning, diffPct, startDiff, cancelDiff, addMismatches, addDiffEvents };
}
