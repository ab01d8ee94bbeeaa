// The session's recent events, as its batches delivered them (after coalescing), in a ring of
// fixed capacity: what a window that connects later (a reload, a second window) fetches so its
// timeline and "last writes" show the same history. Console output lives in the transcript, and
// the progress of diffs and jobs belongs to whoever started them, so those are not kept; nor are
// the buffers of blkverify mismatches (listMismatches and readMismatch have them).
import { EVENT_HISTORY_PAGE, type EventHistoryPage, type EventHistoryRequest } from '../api/dto';
import type { EventBatch, SessionEvent } from './events';

export const EVENT_HISTORY_CAPACITY = 50_000;

const NOT_KEPT = new Set<SessionEvent['type']>(['console', 'console-command', 'diff-progress', 'diff-done', 'job-progress', 'job-done']);

/** Whether the history keeps an event of this type. */
export const keptInHistory = (e: SessionEvent): boolean => !NOT_KEPT.has(e.type);

export class EventHistory {
  private readonly ring: Array<SessionEvent | undefined>;
  /** Index the next event gets (1, 2, 3 ...; never reused, also across clear()). */
  private next = 1;
  /** The oldest index still kept. */
  private oldest = 1;
  private batchSeq = 0;

  constructor(readonly capacity: number = EVENT_HISTORY_CAPACITY) {
    if (!(capacity >= 1)) throw new RangeError('EventHistory capacity must be at least 1');
    this.ring = new Array<SessionEvent | undefined>(capacity);
  }

  /** Record a batch as it was delivered. */
  record(batch: EventBatch): void {
    for (const e of batch.events) {
      if (!keptInHistory(e)) continue;
      // A mismatch's buffers (up to 8 KiB of base64) stay with blkverify (readMismatch), not here.
      this.ring[this.next % this.capacity] = e.type === 'verify-mismatch' && e.mismatch.window ? { ...e, mismatch: { ...e.mismatch, window: null } } : e;
      this.next++;
    }
    this.oldest = Math.max(this.oldest, this.next - this.capacity);
    this.batchSeq = batch.seq;
  }

  /** The index of the newest event kept (0: none ever). */
  get last(): number {
    return this.next - 1;
  }

  /** The index of the oldest event kept (> last: empty). */
  get first(): number {
    return this.oldest;
  }

  get size(): number {
    return this.next - this.oldest;
  }

  page(req: EventHistoryRequest = {}): EventHistoryPage {
    const after = Math.max(0, Math.min(req.after ?? 0, this.last));
    const limit = Math.max(1, Math.min(req.limit ?? EVENT_HISTORY_PAGE, EVENT_HISTORY_PAGE));
    const from = Math.max(after + 1, this.oldest);
    const to = Math.min(this.last, from + limit - 1);
    const events: SessionEvent[] = [];
    for (let i = from; i <= to; i++) events.push(this.ring[i % this.capacity]!);
    return { events, from, to: events.length ? to : after, last: this.last, dropped: from - after - 1, batchSeq: this.batchSeq };
  }

  /** Forget every event kept (indexes go on from where they were). */
  clear(): void {
    this.ring.fill(undefined);
    this.oldest = this.next;
  }
}
