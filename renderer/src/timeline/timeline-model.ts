// The timeline's data: every request and debug/blkdebug event of the event log as drawable items
// (request bars from start to done, markers, flood summaries), kept columnar in a ring of typed
// arrays so drawing and hit testing walk plain numbers, never allocate, and stay fast under
// floods. Fed incrementally from the event log (sync), at most once per animation frame. Pure
// (no DOM): unit-tested.
import type { RequestOp, SessionEvent } from '../../../src/api';
import type { EventLog } from '../events/event-log';

export const Kind = {
  request: 0,
  debug: 1,
  ruleMatched: 2,
  errorInjected: 3,
  stateChanged: 4,
  suspended: 5,
  resumed: 6,
  mismatch: 7,
  requestSummary: 8,
  eventSummary: 9,
  blkdebugOther: 10,
} as const;
export type KindCode = (typeof Kind)[keyof typeof Kind];

export const KIND_NAMES: Record<KindCode, string> = {
  0: 'request',
  1: 'debug-event',
  2: 'rule-matched',
  3: 'error-injected',
  4: 'state-changed',
  5: 'request-suspended',
  6: 'request-resumed',
  7: 'verify-mismatch',
  8: 'requests-summarized',
  9: 'events-summarized',
  10: 'blkdebug',
};

/** Item flags. */
export const Flag = {
  error: 1,
  /** A request still in flight (its bar grows to "now"). */
  open: 2,
  /** Its end was not seen (folded into a summary, or the image closed): ended at the time it was known gone. */
  endGuessed: 4,
  /** Its start was not seen (folded): drawn from its completion only. */
  noStart: 8,
  /** A completed request longer than LONG_MS: listed in `long`, left out of maxDuration. */
  long: 16,
} as const;

/** Requests longer than this (ms) are kept in a list of their own, so window scans stay short. */
export const LONG_MS = 250;

export const OPS: readonly string[] = ['read', 'write', 'write-zeroes', 'write-compressed', 'discard', 'flush', 'block-status', 'truncate'];
export const NO_OP = 255;
const OP_CODE = new Map(OPS.map((o, i) => [o, i]));
export const opCode = (op: string | null | undefined): number => (op ? (OP_CODE.get(op) ?? NO_OP) : NO_OP);

/** Items kept (a power of two); the oldest are overwritten. */
export const DEFAULT_ITEM_CAPACITY = 1 << 19;

/** The drawable items, columnar, in a ring; an item's id is its index since the start (never reused). */
export class ItemStore {
  readonly t0: Float64Array;
  readonly t1: Float64Array;
  readonly count: Float64Array;
  readonly lane: Uint16Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly op: Uint8Array;
  /** The event the item shows (the request's done event once it completed). */
  readonly ev: Array<SessionEvent | undefined>;
  /** The event log's sequence number of that event (0: synthesised). */
  readonly seq: Float64Array;
  private readonly mask: number;
  /** Ids appended so far (the next id). */
  next = 0;

  constructor(readonly capacity: number = DEFAULT_ITEM_CAPACITY) {
    if (capacity & (capacity - 1)) throw new Error('ItemStore capacity must be a power of two');
    this.mask = capacity - 1;
    this.t0 = new Float64Array(capacity);
    this.t1 = new Float64Array(capacity);
    this.count = new Float64Array(capacity);
    this.lane = new Uint16Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.op = new Uint8Array(capacity);
    this.seq = new Float64Array(capacity);
    this.ev = new Array<SessionEvent | undefined>(capacity);
  }

  /** The oldest id still kept. */
  first(): number {
    return Math.max(0, this.next - this.capacity);
  }

  has(id: number): boolean {
    return id >= this.first() && id < this.next;
  }

  slot(id: number): number {
    return id & this.mask;
  }

  append(kind: KindCode, lane: number, t0: number, t1: number, flags: number, op: number, ev: SessionEvent | undefined, seq: number, count = 1): number {
    const id = this.next++;
    const s = id & this.mask;
    this.kind[s] = kind;
    this.lane[s] = lane;
    this.t0[s] = t0;
    this.t1[s] = t1;
    this.flags[s] = flags;
    this.op[s] = op;
    this.ev[s] = ev;
    this.seq[s] = seq;
    this.count[s] = count;
    return id;
  }

  /** The first id whose start time is >= t (ids are in arrival order, which is nearly time order). */
  lowerBound(t: number): number {
    let lo = this.first();
    let hi = this.next;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t0[mid & this.mask]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clear(): void {
    this.next = 0;
    this.ev.fill(undefined);
  }
}

/** Requests in flight: (lane, request id) → item id; numeric keys per lane (no string per event). */
export class OpenRequests {
  private readonly byLane: Array<Map<number, number>> = [];
  size = 0;

  private lane(lane: number): Map<number, number> {
    let m = this.byLane[lane];
    if (!m) this.byLane[lane] = m = new Map();
    return m;
  }

  get(lane: number, id: number): number | undefined {
    return this.byLane[lane]?.get(id);
  }

  has(lane: number, id: number): boolean {
    return this.byLane[lane]?.has(id) ?? false;
  }

  set(lane: number, id: number, item: number): void {
    const m = this.lane(lane);
    if (!m.has(id)) this.size++;
    m.set(id, item);
  }

  delete(lane: number, id: number): void {
    if (this.byLane[lane]?.delete(id)) this.size--;
  }

  /** Item ids. */
  *values(): IterableIterator<number> {
    for (const m of this.byLane) if (m) yield* m.values();
  }

  /** [lane, request id, item id] of each. */
  *entries(): IterableIterator<[number, number, number]> {
    for (let lane = 0; lane < this.byLane.length; lane++) {
      const m = this.byLane[lane];
      if (m) for (const [id, item] of m) yield [lane, id, item];
    }
  }

  clear(): void {
    this.byLane.length = 0;
    this.size = 0;
  }
}

/** The debug or blkdebug event name an event carries ('' for none). */
export function eventNameOf(e: SessionEvent | undefined): string {
  if (!e) return '';
  switch (e.type) {
    case 'debug-event':
    case 'rule-matched':
    case 'request-suspended':
    case 'events-summarized':
      return e.event;
    default:
      return '';
  }
}

export class TimelineModel {
  readonly store: ItemStore;
  /** Lane names in first-seen order (a lane's number is its index). */
  readonly lanes: string[] = [];
  private readonly laneOf = new Map<string, number>();
  /** Requests in flight. */
  readonly open = new OpenRequests();
  /** Debug/blkdebug event names seen (for the filter's suggestions). */
  readonly eventNames = new Set<string>();
  /** The last event-log sequence number read. */
  lastSeq = 0;
  /** Events the log overwrote before the timeline read them. */
  dropped = 0;
  /** The longest completed request up to LONG_MS: how far back a short bar overlapping a window can start. */
  maxDuration = 0;
  /** Ids of the completed requests longer than LONG_MS, oldest first. */
  readonly long: number[] = [];
  tMin = Number.POSITIVE_INFINITY;
  tMax = Number.NEGATIVE_INFINITY;
  /** The newest session time seen, and the wall time (performance.now()) it was seen at. */
  lastAt = Number.NaN;
  lastAtWall = 0;
  /** Bumps whenever items change. */
  version = 0;
  /** Bumps on clear() (cached drawings are void). */
  epoch = 0;
  /**
   * The earliest start time of an item added or changed since the drawing code last reset it
   * (+Infinity: none): cached drawings of times after it are stale.
   */
  changedFrom = Number.POSITIVE_INFINITY;
  /** Summaries waiting for their batch's time (they carry none; the batch's in-flight list does). */
  private readonly untimed: number[] = [];

  constructor(capacity?: number) {
    this.store = new ItemStore(capacity);
  }

  laneFor(node: string): number {
    let lane = this.laneOf.get(node);
    if (lane === undefined) {
      lane = this.lanes.length;
      this.lanes.push(node);
      this.laneOf.set(node, lane);
    }
    return lane;
  }

  laneIndex(node: string): number | undefined {
    return this.laneOf.get(node);
  }

  /** Read what the log holds beyond lastSeq; returns whether anything was added. */
  sync(log: EventLog, wallNow = 0): boolean {
    const last = log.last();
    if (last <= this.lastSeq) return false;
    const first = log.first();
    if (first > this.lastSeq + 1) {
      this.dropped += first - this.lastSeq - 1;
      this.lastSeq = first - 1;
    }
    for (let s = this.lastSeq + 1; s <= last; s++) {
      const e = log.event(s);
      if (e) this.ingest(e, s, wallNow);
    }
    this.lastSeq = last;
    this.version++;
    return true;
  }

  /** Start from the log's end (everything before is ignored). */
  clear(log?: EventLog): void {
    this.store.clear();
    this.open.clear();
    this.untimed.length = 0;
    this.long.length = 0;
    this.maxDuration = 0;
    this.tMin = Number.POSITIVE_INFINITY;
    this.tMax = Number.NEGATIVE_INFINITY;
    this.dropped = 0;
    if (log) this.lastSeq = log.last();
    this.version++;
    this.epoch++;
  }

  /** A request's end is known: long ones go to their list, short ones bound maxDuration. */
  private ended(id: number, s: number): void {
    const st = this.store;
    const d = st.t1[s]! - st.t0[s]!;
    if (d > LONG_MS) {
      st.flags[s]! |= Flag.long;
      this.long.push(id);
    } else if (d > this.maxDuration) this.maxDuration = d;
  }

  /** The long requests still kept. */
  longIds(): number[] {
    const first = this.store.first();
    let drop = 0;
    while (drop < this.long.length && this.long[drop]! < first) drop++;
    if (drop) this.long.splice(0, drop);
    return this.long;
  }

  private touch(t: number): void {
    if (t < this.changedFrom) this.changedFrom = t;
  }

  private seen(at: number, wallNow: number): void {
    if (at < this.changedFrom) this.changedFrom = at;
    if (!(at <= this.lastAt)) {
      this.lastAt = at;
      this.lastAtWall = wallNow;
    }
    if (at < this.tMin) this.tMin = at;
    if (at > this.tMax) this.tMax = at;
    if (this.untimed.length) this.timeSummaries(at);
  }

  private timeSummaries(at: number): void {
    const st = this.store;
    for (const id of this.untimed) {
      if (!st.has(id)) continue;
      const s = st.slot(id);
      st.t1[s] = Math.max(st.t0[s]!, at);
      // A summary covers the time since the previous events, at most 100 ms.
      st.t0[s] = Math.max(st.t0[s]!, at - 100);
      this.touch(st.t0[s]!);
    }
    this.untimed.length = 0;
  }

  private marker(kind: KindCode, node: string, at: number, flags: number, op: number, e: SessionEvent, seq: number): number {
    return this.store.append(kind, this.laneFor(node), at, at, flags, op, e, seq);
  }

  /** One event (seq: its log sequence number). */
  ingest(e: SessionEvent, seq: number, wallNow = 0): void {
    const st = this.store;
    switch (e.type) {
      case 'request-start': {
        this.seen(e.at, wallNow);
        const lane = this.laneFor(e.node);
        const id = st.append(Kind.request, lane, e.at, Number.NaN, Flag.open, opCode(e.op), e, seq);
        this.open.set(lane, e.id, id);
        return;
      }
      case 'request-done': {
        this.seen(e.at, wallNow);
        const lane = this.laneFor(e.node);
        const id = this.open.get(lane, e.id);
        const err = e.errno !== 0 ? Flag.error : 0;
        if (id !== undefined) this.open.delete(lane, e.id);
        if (id !== undefined && st.has(id)) {
          const s = st.slot(id);
          st.t1[s] = e.at;
          st.flags[s] = (st.flags[s]! & ~Flag.open) | err;
          st.ev[s] = e;
          st.seq[s] = seq;
          this.touch(st.t0[s]!);
          this.ended(id, s);
        } else {
          st.append(Kind.request, lane, e.at, e.at, Flag.noStart | err, opCode(e.op), e, seq);
        }
        return;
      }
      case 'debug-event':
        this.seen(e.at, wallNow);
        this.eventNames.add(e.event);
        this.marker(Kind.debug, e.node, e.at, 0, NO_OP, e, seq);
        return;
      case 'rule-matched':
        this.seen(e.at, wallNow);
        this.eventNames.add(e.event);
        this.marker(Kind.ruleMatched, e.node, e.at, 0, NO_OP, e, seq);
        return;
      case 'error-injected':
        this.seen(e.at, wallNow);
        this.marker(Kind.errorInjected, e.node, e.at, Flag.error, opCode(e.iotype), e, seq);
        return;
      case 'state-changed':
        this.seen(e.at, wallNow);
        this.marker(Kind.stateChanged, e.node, e.at, 0, NO_OP, e, seq);
        return;
      case 'request-suspended':
        this.seen(e.at, wallNow);
        this.eventNames.add(e.event);
        this.marker(Kind.suspended, e.node, e.at, 0, opCode(e.request?.op), e, seq);
        return;
      case 'request-resumed':
        this.seen(e.at, wallNow);
        this.marker(Kind.resumed, e.node, e.at, 0, NO_OP, e, seq);
        return;
      case 'rules-replaced':
      case 'breakpoints-changed':
        this.seen(e.at, wallNow);
        this.marker(Kind.blkdebugOther, e.node, e.at, 0, NO_OP, e, seq);
        return;
      case 'verify-mismatch':
        this.seen(e.at, wallNow);
        this.marker(Kind.mismatch, e.mismatch.node, e.at, Flag.error, opCode(e.mismatch.op), e, seq);
        return;
      case 'requests-summarized':
      case 'events-summarized': {
        const t = Number.isNaN(this.lastAt) ? 0 : this.lastAt;
        const isReq = e.type === 'requests-summarized';
        if (!isReq) this.eventNames.add(e.event);
        const id = st.append(
          isReq ? Kind.requestSummary : Kind.eventSummary,
          this.laneFor(e.node),
          t,
          t,
          isReq && e.errors > 0 ? Flag.error : 0,
          isReq ? opCode(e.op) : NO_OP,
          e,
          seq,
          e.count,
        );
        this.untimed.push(id);
        this.touch(t);
        return;
      }
      case 'requests-in-flight':
        this.seen(e.at, wallNow);
        this.resync(e.at, e.requests, seq);
        return;
      case 'graph-changed':
        this.seen(e.at, wallNow);
        this.closeAll(e.at, new Set());
        return;
      default:
        return;
    }
  }

  /** After a summarised batch: what is listed as in flight is open, what is not has ended. */
  private resync(at: number, requests: ReadonlyArray<{ id: number; node: string; op: RequestOp; offset: number; bytes: number; started: number }>, seq: number): void {
    const listed = new Set<number>();
    for (const r of requests) {
      const lane = this.laneFor(r.node);
      const known = this.open.get(lane, r.id);
      if (known !== undefined) {
        listed.add(known);
        continue;
      }
      const start: SessionEvent = { type: 'request-start', at: r.started, id: r.id, node: r.node, op: r.op, offset: r.offset, bytes: r.bytes };
      const id = this.store.append(Kind.request, lane, r.started, Number.NaN, Flag.open, opCode(r.op), start, seq);
      this.touch(r.started);
      this.open.set(lane, r.id, id);
      listed.add(id);
    }
    this.closeAll(at, listed);
  }

  /** End every open request but the items in `except`. */
  private closeAll(at: number, except: Set<number>): void {
    const st = this.store;
    for (const [lane, reqId, id] of [...this.open.entries()]) {
      if (except.has(id)) continue;
      this.open.delete(lane, reqId);
      if (!st.has(id)) continue;
      const s = st.slot(id);
      st.t1[s] = Math.max(at, st.t0[s]!);
      st.flags[s] = (st.flags[s]! & ~Flag.open) | Flag.endGuessed;
      this.touch(st.t0[s]!);
      this.ended(id, s);
    }
  }

  /** The session time now (for growing in-flight bars): the newest time seen, aged by the wall clock. */
  now(wallNow: number): number {
    if (Number.isNaN(this.lastAt)) return 0;
    return this.open.size > 0 ? this.lastAt + Math.max(0, wallNow - this.lastAtWall) : this.lastAt;
  }

  /** The end time an item is drawn to. */
  endOf(id: number, now: number): number {
    const s = this.store.slot(id);
    const t1 = this.store.t1[s]!;
    return Number.isNaN(t1) ? Math.max(now, this.store.t0[s]!) : t1;
  }

  /**
   * Ids of items that may overlap [from, to] (start <= to + slack and end >= from), oldest
   * first, including in-flight requests that started earlier. Calls fn until it returns false.
   */
  forEachInWindow(from: number, to: number, now: number, fn: (id: number) => boolean | void): void {
    const st = this.store;
    const begin = st.lowerBound(from - this.maxDuration - 1);
    // Arrival order is nearly time order: look a little past `to` for stragglers.
    const stop = to + 50;
    for (let id = begin; id < st.next; id++) {
      const s = st.slot(id);
      const t0 = st.t0[s]!;
      if (t0 > stop) break;
      if (t0 > to || st.flags[s]! & Flag.long) continue;
      const t1 = st.t1[s]!;
      if ((Number.isNaN(t1) ? now : t1) < from) continue;
      if (fn(id) === false) return;
    }
    // Long requests, from their own list.
    for (const id of this.longIds()) {
      const s = st.slot(id);
      if (st.t0[s]! > to || st.t1[s]! < from) continue;
      if (fn(id) === false) return;
    }
    // In-flight requests that started before the scanned range.
    for (const id of this.open.values()) {
      if (id >= begin || !st.has(id)) continue;
      if (st.t0[st.slot(id)]! > to) continue;
      if (fn(id) === false) return;
    }
  }
}

/** The newest `n` items overlapping [from, to] that pass `pass`, newest first. */
export function latestInWindow(model: TimelineModel, from: number, to: number, now: number, n: number, pass: (id: number) => boolean): number[] {
  const st = model.store;
  const out: number[] = [];
  const floor = from - model.maxDuration - 1;
  for (let id = st.lowerBound(to + 50) - 1; id >= st.first() && out.length < n; id--) {
    const s = st.slot(id);
    const t0 = st.t0[s]!;
    if (t0 < floor) break;
    if (t0 > to || st.flags[s]! & Flag.long) continue;
    if (model.endOf(id, now) < from) continue;
    if (pass(id)) out.push(id);
  }
  // Long requests overlapping the window, newest first, where there is room.
  const long = model.longIds();
  for (let i = long.length - 1; i >= 0 && out.length < n; i--) {
    const id = long[i]!;
    const s = st.slot(id);
    if (st.t0[s]! <= to && st.t1[s]! >= from && pass(id)) out.push(id);
  }
  return out;
}
