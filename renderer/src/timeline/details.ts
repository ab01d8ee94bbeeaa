// What the details pane and the accessible list say about one timeline item. Pure.
import type { RuleSnapshot, SessionSnapshot } from '../../../src/api';
import { Flag, KIND_NAMES, NO_OP, OPS, type KindCode, type TimelineModel } from './timeline-model';

export interface ItemDetail {
  id: number;
  type: string;
  node: string;
  op: string | null;
  offset: number | null;
  bytes: number | null;
  errno: number | null;
  /** Session time (ms). */
  at: number;
  /** Requests: when it ended (null: in flight). */
  end: number | null;
  inFlight: boolean;
  ruleId: number | null;
  event: string | null;
  tag: string | null;
  count: number | null;
  /** Free text (state transition, mismatch message, summary figures). */
  note: string | null;
  error: boolean;
}

export function itemDetail(model: TimelineModel, id: number): ItemDetail | null {
  const st = model.store;
  if (!st.has(id)) return null;
  const s = st.slot(id);
  const kind = st.kind[s] as KindCode;
  const flags = st.flags[s]!;
  const e = st.ev[s];
  const opc = st.op[s]!;
  const d: ItemDetail = {
    id,
    type: KIND_NAMES[kind],
    node: model.lanes[st.lane[s]!] ?? '',
    op: opc === NO_OP ? null : OPS[opc]!,
    offset: null,
    bytes: null,
    errno: null,
    at: st.t0[s]!,
    end: Number.isNaN(st.t1[s]!) ? null : st.t1[s]!,
    inFlight: !!(flags & Flag.open),
    ruleId: null,
    event: null,
    tag: null,
    count: null,
    note: null,
    error: !!(flags & Flag.error),
  };
  if (!e) return d;
  switch (e.type) {
    case 'request-start':
      Object.assign(d, { offset: e.offset, bytes: e.bytes });
      if (flags & Flag.endGuessed) d.note = 'completion folded into a flood summary';
      break;
    case 'request-done':
      Object.assign(d, { offset: e.offset, bytes: e.bytes, errno: e.errno });
      if (flags & Flag.noStart) d.note = 'start folded into a flood summary';
      break;
    case 'debug-event':
      d.event = e.event;
      break;
    case 'rule-matched':
      Object.assign(d, { ruleId: e.ruleId, event: e.event, note: e.ruleKind });
      break;
    case 'error-injected':
      Object.assign(d, { ruleId: e.ruleId, errno: e.errno, offset: e.offset, bytes: e.bytes });
      break;
    case 'state-changed':
      d.note = `state ${e.from} → ${e.to}`;
      break;
    case 'request-suspended':
      Object.assign(d, { tag: e.tag, event: e.event, offset: e.request?.offset ?? null, bytes: e.request?.bytes ?? null });
      break;
    case 'request-resumed':
      d.tag = e.tag;
      break;
    case 'rules-replaced':
      d.type = e.type;
      d.note = `${e.count} rule${e.count === 1 ? '' : 's'}`;
      break;
    case 'breakpoints-changed':
      d.type = e.type;
      d.tag = e.tag;
      break;
    case 'verify-mismatch':
      Object.assign(d, { offset: e.mismatch.offset, bytes: e.mismatch.bytes, errno: e.mismatch.testErrno || e.mismatch.rawErrno || null, note: e.mismatch.message });
      break;
    case 'requests-summarized':
      Object.assign(d, { count: e.count, bytes: e.bytes, note: `${e.count} completed (${e.errors} failed), ${e.started} started, folded by the flood` });
      break;
    case 'events-summarized':
      Object.assign(d, { count: e.count, event: e.event, note: `${e.count} × ${e.kind} ${e.event}, folded by the flood` });
      break;
    default:
      break;
  }
  return d;
}

/** The rule a rule-matched / error-injected item names, from the snapshot. */
export function ruleOf(snapshot: SessionSnapshot | null, node: string, ruleId: number): RuleSnapshot | null {
  const bd = snapshot?.blkdebug.find((b) => b.node === node);
  return bd?.rules.find((r) => r.id === ruleId) ?? null;
}

/** `errno 5 (EIO)` style names for the common ones. */
const ERRNO: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 12: 'ENOMEM', 13: 'EACCES', 16: 'EBUSY', 22: 'EINVAL', 28: 'ENOSPC', 95: 'ENOTSUP', 110: 'ETIMEDOUT', 122: 'EDQUOT' };
export const errnoName = (n: number): string => (ERRNO[n] ? `${n} (${ERRNO[n]})` : String(n));
