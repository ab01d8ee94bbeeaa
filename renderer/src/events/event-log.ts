// Every session event the window has received, newest last, in a ring of fixed capacity: the
// history the timeline draws and the sector diff asks "who last wrote this sector?". Written by
// use-session's batch handler; views subscribe to `version` (bumped once per batch) and read
// what they need, so a flood of events costs one store update per batch, not one per event.
import { create } from 'zustand';
import type { SessionEvent } from '../../../src/api';

export interface LoggedEvent {
  /** 1, 2, 3 ... in arrival order, never reused. */
  seq: number;
  event: SessionEvent;
}

/** A completed write (or write-zeroes/discard) as the diff view lists it. */
export interface WriteRecord {
  seq: number;
  at: number;
  node: string;
  op: string;
  offset: number;
  bytes: number;
  errno: number;
}

const WRITE_OPS = new Set(['write', 'write-zeroes', 'write-compressed', 'discard']);

/**
 * A ring of events, with the extents of completed writes kept columnar beside it (typed arrays),
 * so "who last wrote here?" scans plain numbers, not event objects.
 */
export class EventLog {
  private readonly ring: Array<SessionEvent | undefined>;
  /** Per slot: a completed write's [start, end) byte range; NaN start: not a completed write. */
  private readonly writeStart: Float64Array;
  private readonly writeEnd: Float64Array;
  private next = 1;

  constructor(readonly capacity: number) {
    this.ring = new Array<SessionEvent | undefined>(capacity);
    this.writeStart = new Float64Array(capacity).fill(Number.NaN);
    this.writeEnd = new Float64Array(capacity);
  }

  push(events: readonly SessionEvent[]): void {
    const cap = this.capacity;
    for (const event of events) {
      const slot = this.next++ % cap;
      this.ring[slot] = event;
      if (event.type === 'request-done' && WRITE_OPS.has(event.op)) {
        this.writeStart[slot] = event.offset;
        this.writeEnd[slot] = event.offset + event.bytes;
      } else this.writeStart[slot] = Number.NaN;
    }
  }

  /** Sequence number of the oldest event still kept (first() > last(): empty). */
  first(): number {
    return Math.max(1, this.next - this.capacity);
  }

  last(): number {
    return this.next - 1;
  }

  get size(): number {
    return this.last() - this.first() + 1;
  }

  /** The event with sequence number `seq` (undefined: not kept), without allocating. */
  event(seq: number): SessionEvent | undefined {
    if (seq < this.first() || seq > this.last()) return undefined;
    return this.ring[seq % this.capacity];
  }

  get(seq: number): LoggedEvent | undefined {
    const event = this.event(seq);
    return event ? { seq, event } : undefined;
  }

  /** Events with seq in [from, to], oldest first. */
  range(from: number, to: number): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let s = Math.max(from, this.first()); s <= Math.min(to, this.last()); s++) {
      const e = this.ring[s % this.capacity];
      if (e) out.push({ seq: s, event: e });
    }
    return out;
  }

  /** The newest completed writes overlapping [offset, offset+bytes) on any node (or `node`), newest first. */
  lastWritesTo(offset: number, bytes: number, limit = 10, node?: string): WriteRecord[] {
    const out: WriteRecord[] = [];
    const end = offset + bytes;
    const cap = this.capacity;
    const first = this.first();
    for (let s = this.last(); s >= first && out.length < limit; s--) {
      const slot = s % cap;
      // NaN compares false: events that are not completed writes fall through here.
      if (!(this.writeStart[slot]! < end && offset < this.writeEnd[slot]!)) continue;
      const e = this.ring[slot];
      if (!e || e.type !== 'request-done') continue;
      if (node !== undefined && e.node !== node) continue;
      out.push({ seq: s, at: e.at, node: e.node, op: e.op, offset: e.offset, bytes: e.bytes, errno: e.errno });
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.writeStart.fill(Number.NaN);
    this.next = 1;
  }
}

/** Events kept per window (about 100 MB at most). */
export const EVENT_LOG_CAPACITY = 500_000;

export const eventLog = new EventLog(EVENT_LOG_CAPACITY);

/** Bumped after each batch is logged: subscribe to re-read the log. */
export const useEventLogVersion = create<{ version: number; bump(): void }>()((set) => ({
  version: 0,
  bump: () => set((s) => ({ version: s.version + 1 })),
}));

/** Log a batch's events (called by the batch handler). */
export function logEvents(events: readonly SessionEvent[]): void {
  eventLog.push(events);
  useEventLogVersion.getState().bump();
}
