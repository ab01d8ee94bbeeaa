// What each event batch brings the sector diff, read from the event log outside React's render:
// the view re-renders only when a batch brought mismatches, compare chunks or writes (a flood of
// reads costs no render).
import { useEffect, useRef } from 'react';
import type { SessionEvent, VerifyMismatchDto } from '../../../src/api';
import { eventLog, useEventLogVersion } from '../events/event-log';
import { BLOCK_BYTES } from './sector-diff-model';

const WRITE_OPS = new Set(['write', 'write-zeroes', 'write-compressed', 'discard']);

export type DiffEvent = Extract<SessionEvent, { type: 'diff-progress' | 'diff-done' }>;

export interface EventFeedHandlers {
  mismatches(list: VerifyMismatchDto[]): void;
  diff(events: DiffEvent[]): void;
  /** Blocks written (first and last block index of each write), or `all` when the log only summarised them. */
  writes(written: number[], all: boolean): void;
}

export function useEventFeed(handlers: EventFeedHandlers): void {
  const lastSeq = useRef(eventLog.last());
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  useEffect(
    () =>
      useEventLogVersion.subscribe(() => {
        const from = Math.max(lastSeq.current + 1, eventLog.first());
        const to = eventLog.last();
        lastSeq.current = to;
        if (to < from) return;
        const mismatches: VerifyMismatchDto[] = [];
        const diffs: DiffEvent[] = [];
        const written: number[] = [];
        let wroteUnknown = false;
        for (let seq = from; seq <= to; seq++) {
          const e = eventLog.event(seq);
          if (!e) continue;
          if (e.type === 'verify-mismatch') mismatches.push(e.mismatch);
          else if (e.type === 'diff-progress' || e.type === 'diff-done') diffs.push(e);
          else if (e.type === 'request-done' && WRITE_OPS.has(e.op)) {
            written.push(Math.floor(e.offset / BLOCK_BYTES), Math.floor((e.offset + Math.max(1, e.bytes) - 1) / BLOCK_BYTES));
          } else if (e.type === 'requests-summarized' && WRITE_OPS.has(e.op)) {
            wroteUnknown = true;
          }
        }
        const h = handlersRef.current;
        if (diffs.length > 0) h.diff(diffs);
        if (mismatches.length > 0) h.mismatches(mismatches);
        if (wroteUnknown || written.length > 0) h.writes(written, wroteUnknown);
      }),
    [],
  );
}
