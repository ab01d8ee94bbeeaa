// What the suspended-requests view shows, derived from a session snapshot: the parked requests
// of every blkdebug node (most recent first) and every breakpoint set, armed or spent.
// Pure functions, unit-tested without a DOM.
import type { SessionSnapshot } from '../../../src/api';

export interface ParkedRow {
  /** Stable across snapshots (the request's park time on the session clock). */
  key: string;
  node: string;
  tag: string;
  event: string;
  op: string | null;
  offset: number | null;
  bytes: number | null;
  /** How long it had been parked when the snapshot was taken. */
  parkedMs: number;
}

/** armed: set and waiting for its event; fired: it parked a request and QEMU removed it; removed: remove_break dropped it first. */
export type BreakpointState = 'armed' | 'fired' | 'removed';

/** One breakpoint of the session (a node, event and tag), however often it was set again. */
export interface BreakpointRow {
  key: string;
  node: string;
  tag: string;
  event: string;
  /** How many times it fired (each time parking a request), over every time it was set. */
  hits: number;
  state: BreakpointState;
  /** A request is parked under this tag right now. */
  parked: boolean;
}

/** Every parked request of every blkdebug node, most recently parked first. */
export function parkedRows(snapshot: SessionSnapshot | null): ParkedRow[] {
  if (!snapshot) return [];
  const rows: ParkedRow[] = [];
  const seen = new Map<string, number>();
  for (const b of snapshot.blkdebug) {
    for (const s of b.suspended) {
      const base = `${b.node}\u0000${s.tag}\u0000${s.event}\u0000${Math.round(snapshot.at - s.parkedMs)}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      rows.push({ key: n === 0 ? base : `${base}\u0000${n}`, node: b.node, tag: s.tag, event: s.event, op: s.op, offset: s.offset, bytes: s.bytes, parkedMs: s.parkedMs });
    }
  }
  // Stable: each node's own list is already most recent first.
  return rows.sort((a, b) => a.parkedMs - b.parkedMs);
}

/**
 * Every breakpoint set on each blkdebug node while its image is open, in the order first set:
 * the live ones (suspend rules) and those QEMU removed (fired, or dropped by remove_break), as
 * the session's snapshot keeps them. Setting the same event and tag again (re-arming) is the
 * same row, armed again, its hits carried on.
 */
export function breakpointRows(snapshot: SessionSnapshot | null): BreakpointRow[] {
  if (!snapshot) return [];
  const rows: BreakpointRow[] = [];
  for (const b of snapshot.blkdebug) {
    const own: Array<BreakpointRow & { first: number; last: number }> = [];
    const byKey = new Map<string, BreakpointRow & { first: number; last: number }>();
    const parked = new Set(b.suspended.map((s) => s.tag));
    const add = (r: { id: number; event: string; tag?: string; hits: number }, state: BreakpointState) => {
      if (r.tag === undefined) return;
      const key = `${b.node}\u0000${r.event}\u0000${r.tag}`;
      let row = byKey.get(key);
      if (!row) {
        row = { key, node: b.node, tag: r.tag, event: r.event, hits: 0, state, parked: parked.has(r.tag), first: r.id, last: -1 };
        byKey.set(key, row);
        own.push(row);
      }
      row.hits += r.hits;
      row.first = Math.min(row.first, r.id);
      // A live rule wins; among spent records the latest (highest id) says what happened last.
      if (state === 'armed') {
        row.state = 'armed';
        row.last = Infinity;
      } else if (r.id > row.last) {
        row.state = state;
        row.last = r.id;
      }
    };
    for (const s of b.spent ?? []) if (s.kind === 'suspend') add(s, s.spentBy === 'removed' ? 'removed' : 'fired');
    for (const r of b.rules) if (r.kind === 'suspend') add(r, 'armed');
    for (const { first: _first, last: _last, ...row } of own.sort((x, y) => x.first - y.first)) rows.push(row);
  }
  return rows;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** `4 KiB`, `1.5 MiB` (at most two decimals); null below 1 KiB, where the byte count says it all. */
export function humanSize(bytes: number): string | null {
  if (!Number.isFinite(bytes) || Math.abs(bytes) < 1024) return null;
  let value = bytes;
  let unit = -1;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** `4096 (4 KiB)`; `512`; an em dash when the engine did not know (no request in progress). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  const hint = humanSize(bytes);
  return hint ? `${bytes} (${hint})` : String(bytes);
}

/** The parked time right now: the snapshot's figure aged by the time since it arrived. */
export function liveParkedMs(parkedMs: number, snapshotReceivedAt: number, now: number): number {
  return parkedMs + Math.max(0, now - snapshotReceivedAt);
}

/** `0.4 s`, `12.3 s`, `2 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${(Math.floor(s * 10) / 10).toFixed(1)} s`;
  const total = Math.floor(s);
  if (total < 3600) return `${Math.floor(total / 60)} m ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} m`;
}
