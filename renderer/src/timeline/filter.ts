// The timeline's filters: node, operation, kind of event, event name and "Errors only". Pure.
import { Flag, Kind, KIND_NAMES, NO_OP, OPS, eventNameOf, type KindCode, type TimelineModel } from './timeline-model';

export type KindFilter = 'all' | 'request' | 'debug-event' | 'rule-matched' | 'error-injected' | 'state-changed' | 'suspend' | 'verify-mismatch' | 'summary';

export const KIND_FILTERS: ReadonlyArray<{ value: KindFilter; label: string }> = [
  { value: 'all', label: 'All events' },
  { value: 'request', label: 'Requests' },
  { value: 'debug-event', label: 'Debug events' },
  { value: 'rule-matched', label: 'Rule matched' },
  { value: 'error-injected', label: 'Error injected' },
  { value: 'state-changed', label: 'State changed' },
  { value: 'suspend', label: 'Suspended / resumed' },
  { value: 'verify-mismatch', label: 'Verify mismatch' },
  { value: 'summary', label: 'Flood summaries' },
];

export interface TimelineFilter {
  /** Lane (node name); null: every node. */
  node: string | null;
  /** Operation (read, write ...); null: any. Items without an operation are hidden when set. */
  op: string | null;
  kind: KindFilter;
  /** A debug/blkdebug event name (write_aio ...); '' : any. Items without one are hidden when set. */
  event: string;
  errorsOnly: boolean;
}

export const NO_FILTER: TimelineFilter = { node: null, op: null, kind: 'all', event: '', errorsOnly: false };

export function isFiltering(f: TimelineFilter): boolean {
  return f.node !== null || f.op !== null || f.kind !== 'all' || f.event !== '' || f.errorsOnly;
}

export function kindMatches(kind: KindCode, filter: KindFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'suspend':
      return kind === Kind.suspended || kind === Kind.resumed;
    case 'summary':
      return kind === Kind.requestSummary || kind === Kind.eventSummary;
    default:
      return KIND_NAMES[kind] === filter;
  }
}

/** Whether one item's fields pass (the columnar test below uses the same rules). */
export function passes(item: { kind: KindCode; flags: number; op: number; node: string; event: string }, f: TimelineFilter): boolean {
  if (f.errorsOnly && !(item.flags & Flag.error)) return false;
  if (f.node !== null && item.node !== f.node) return false;
  if (f.op !== null && (item.op === NO_OP || OPS[item.op] !== f.op)) return false;
  if (f.kind !== 'all' && !kindMatches(item.kind, f.kind)) return false;
  if (f.event !== '' && item.event !== f.event) return false;
  return true;
}

/** A predicate over item ids of `model` for filter `f` (cheap tests first; no allocation). */
export function itemFilter(model: TimelineModel, f: TimelineFilter): (id: number) => boolean {
  const st = model.store;
  const lane = f.node === null ? -1 : (model.laneIndex(f.node) ?? -2);
  const op = f.op === null ? -1 : OPS.indexOf(f.op);
  if (!isFiltering(f)) return () => true;
  return (id) => {
    const s = st.slot(id);
    if (f.errorsOnly && !(st.flags[s]! & Flag.error)) return false;
    if (lane !== -1 && st.lane[s] !== lane) return false;
    if (op !== -1 && st.op[s] !== op) return false;
    if (f.kind !== 'all' && !kindMatches(st.kind[s] as KindCode, f.kind)) return false;
    if (f.event !== '' && eventNameOf(st.ev[s]) !== f.event) return false;
    return true;
  };
}

/** What the status line counts: items kept, requests in flight and lanes, as the filter shows them. */
export interface TimelineCounts {
  items: number;
  inFlight: number;
  lanes: number;
  /** The same without the filter. */
  allItems: number;
  allInFlight: number;
  allLanes: number;
}

/** Counts of the items (and in-flight requests, lanes) that pass the filter. */
export function countItems(model: TimelineModel, f: TimelineFilter): TimelineCounts {
  const st = model.store;
  const allItems = st.next - st.first();
  const allInFlight = model.open.size;
  const allLanes = model.lanes.length;
  if (!isFiltering(f)) return { items: allItems, inFlight: allInFlight, lanes: allLanes, allItems, allInFlight, allLanes };
  const pass = itemFilter(model, f);
  let items = 0;
  const lanes = new Set<number>();
  for (let id = st.first(); id < st.next; id++) {
    if (!pass(id)) continue;
    items++;
    lanes.add(st.lane[st.slot(id)]!);
  }
  let inFlight = 0;
  for (const id of model.open.values()) if (st.has(id) && pass(id)) inFlight++;
  return { items, inFlight, lanes: lanes.size, allItems, allInFlight, allLanes };
}

/** The status line's counts: `12 of 340 items · 0 of 2 in flight · 1 of 3 lanes` while filtering. */
export function countsText(c: TimelineCounts, filtering: boolean): string {
  const plural = (n: number, word: string) => `${word}${n === 1 ? '' : 's'}`;
  if (!filtering) return `${c.allItems} ${plural(c.allItems, 'item')} · ${c.allInFlight} in flight · ${c.allLanes} ${plural(c.allLanes, 'lane')}`;
  return `${c.items} of ${c.allItems} ${plural(c.allItems, 'item')} · ${c.inFlight} of ${c.allInFlight} in flight · ${c.lanes} of ${c.allLanes} ${plural(c.allLanes, 'lane')}`;
}
