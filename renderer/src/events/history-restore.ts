// A window that connects to a running session (a reload, a second window) first fetches what the
// session remembers: its recent events, page by page, and how far they go (the last batch they
// hold). Batches the stream delivers meanwhile are held back and then replayed without the ones
// the history already had, so nothing shows twice and nothing is missed. Pure (the api is given).
import type { BlkstudioApi, EventBatch, SessionEvent } from '../../../src/api';

export interface FetchedHistory {
  events: SessionEvent[];
  /** Batches up to this seq are in `events`. */
  batchSeq: number;
}

/** Every event the session's history holds, oldest first. */
export async function fetchEventHistory(api: Pick<BlkstudioApi, 'eventHistory'>): Promise<FetchedHistory> {
  const events: SessionEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await api.eventHistory({ after });
    for (const e of page.events) events.push(e);
    if (page.events.length === 0 || page.to >= page.last) return { events, batchSeq: page.batchSeq };
    after = page.to;
  }
}

/**
 * The history as a window replays it: blkverify mismatches recorded before the newest image was
 * opened are left out, since the mismatch lists key them by node and id, which restart with a
 * new image (the timeline still has every other event of the earlier image).
 */
export function replayable(events: readonly SessionEvent[]): SessionEvent[] {
  let opened = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'graph-changed' && e.open) {
      opened = i;
      break;
    }
  }
  return opened <= 0 ? [...events] : events.filter((e, i) => i >= opened || e.type !== 'verify-mismatch');
}

/** Holds the stream's batches back until the restored state is in, then lets them through. */
export class BatchGate {
  private held: EventBatch[] | null = [];

  /** A batch from the stream: returns it when it should be handled now (null: held). */
  offer(batch: EventBatch): EventBatch | null {
    if (!this.held) return batch;
    this.held.push(batch);
    return null;
  }

  /** From now on batches pass; returns the ones held so far, in order. */
  open(): EventBatch[] {
    const held = this.held ?? [];
    this.held = null;
    return held;
  }

  get isOpen(): boolean {
    return this.held === null;
  }
}
