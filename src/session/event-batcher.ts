// Batching and coalescing of the session's events: at most `maxBatchesPerSecond` batches reach
// the listeners, and when one batch would carry more than `maxDetailedEvents` request/debug
// events, those are folded into per-node counters. Events that matter (errors, injected errors,
// suspensions, state changes, inject/suspend rule hits, console output) are never folded.
import type { Clock, Timer, TimerHandle } from './env';
import { isCoalescable, type BatchListener, type EventBatch, type InFlightRequest, type RequestOp, type SessionEvent } from './events';

export interface BatcherOptions {
  /** Default 60. */
  maxBatchesPerSecond?: number;
  /** Coalescable events one batch may carry before it switches to counters. Default 500. */
  maxDetailedEvents?: number;
  /** How many in-flight requests a summarised batch lists. Default 100. */
  inFlightLimit?: number;
}

interface RequestCounter {
  type: 'requests-summarized';
  node: string;
  op: RequestOp;
  count: number;
  bytes: number;
  errors: number;
  started: number;
}

interface EventCounter {
  type: 'events-summarized';
  node: string;
  kind: 'debug-event' | 'rule-matched';
  event: string;
  count: number;
}

export class EventBatcher {
  private pending: SessionEvent[] = [];
  private detailed = 0;
  private summarizing = false;
  private readonly requestCounters = new Map<string, RequestCounter>();
  private readonly eventCounters = new Map<string, EventCounter>();
  private timer: TimerHandle | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private readonly listeners = new Set<BatchListener>();
  private readonly interval: number;
  private readonly maxDetailed: number;
  private readonly inFlightLimit: number;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timer,
    /** What is in flight now (listed after a summarised batch so a UI can resynchronise). */
    private readonly inFlight: () => { total: number; list: (limit: number) => InFlightRequest[] },
    options: BatcherOptions = {},
  ) {
    this.interval = 1000 / (options.maxBatchesPerSecond ?? 60);
    this.maxDetailed = options.maxDetailedEvents ?? 500;
    this.inFlightLimit = options.inFlightLimit ?? 100;
  }

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The seq of the last batch sent (0: none yet). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Whether anybody listens (nothing is buffered otherwise). */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  push(e: SessionEvent): void {
    if (this.listeners.size === 0) return;
    if (isCoalescable(e)) {
      if (this.summarizing) this.count(e);
      else {
        this.pending.push(e);
        if (++this.detailed > this.maxDetailed) this.startSummarizing();
      }
    } else {
      if (this.summarizing && e.type === 'request-done') this.count(e);
      this.pending.push(e);
    }
    this.schedule();
  }

  /** Send what is pending now (closing, tests). */
  flushNow(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    this.flush();
  }

  /** Drop the timer (the session is closed); nothing more is sent. */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.reset();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const delay = Math.max(0, this.lastFlush + this.interval - this.clock.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  /** Fold every coalescable event buffered so far into counters; count the rest from now on. */
  private startSummarizing(): void {
    this.summarizing = true;
    const kept: SessionEvent[] = [];
    for (const e of this.pending) {
      if (isCoalescable(e)) this.count(e);
      else {
        if (e.type === 'request-done') this.count(e);
        kept.push(e);
      }
    }
    this.pending = kept;
  }

  private count(e: SessionEvent): void {
    switch (e.type) {
      case 'request-start':
      case 'request-done': {
        const key = `${e.node}\0${e.op}`;
        let c = this.requestCounters.get(key);
        if (!c) {
          c = { type: 'requests-summarized', node: e.node, op: e.op, count: 0, bytes: 0, errors: 0, started: 0 };
          this.requestCounters.set(key, c);
        }
        if (e.type === 'request-start') c.started++;
        else {
          c.count++;
          c.bytes += e.bytes;
          if (e.errno !== 0) c.errors++;
        }
        break;
      }
      case 'debug-event':
      case 'rule-matched': {
        const key = `${e.type}\0${e.node}\0${e.event}`;
        let c = this.eventCounters.get(key);
        if (!c) {
          c = { type: 'events-summarized', node: e.node, kind: e.type, event: e.event, count: 0 };
          this.eventCounters.set(key, c);
        }
        c.count++;
        break;
      }
      default:
        break;
    }
  }

  private flush(): void {
    if (this.pending.length === 0 && !this.summarizing) return;
    const now = this.clock.now();
    const events = this.pending;
    const summarized = this.summarizing;
    if (summarized) {
      events.push(...this.requestCounters.values(), ...this.eventCounters.values());
      const inFlight = this.inFlight();
      events.push({ type: 'requests-in-flight', at: now, total: inFlight.total, requests: inFlight.list(this.inFlightLimit) });
    }
    this.reset();
    this.lastFlush = now;
    const batch: EventBatch = { seq: ++this.seq, at: now, events, summarized };
    for (const l of [...this.listeners]) {
      try {
        l(batch);
      } catch {
        // A listener's failure must not stop the others or the engine.
      }
    }
  }

  private reset(): void {
    this.pending = [];
    this.detailed = 0;
    this.summarizing = false;
    this.requestCounters.clear();
    this.eventCounters.clear();
  }
}
