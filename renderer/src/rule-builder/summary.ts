// One-line summaries of rules for the builder's list, and the pickers' option lists (errnos by
// name, events with their docs).
import { BLKDEBUG_EVENT_DOCS, COMMON_ERRNOS, ERRNO_NAMES, type RuleSnapshot } from '../../../src/api';
import type { SectionModel } from './rule-text';

const TRUE_VALUES = new Set(['on', 'yes', 'true']);

/** QEMU's boolean spellings that mean on. */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.trim());
}

/** `EIO (5)` for a known errno number, else the value as written. */
export function errnoLabel(value: string): string {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (n === 0) return '0 (succeed)';
  const known = ERRNO_NAMES.find((e) => e.value === n);
  return known ? `${known.name} (${known.value})` : `errno ${value}`;
}

export interface ErrnoOption {
  value: string;
  label: string;
}

/** The errno picker: the common ones first, then every other errno in number order. */
export function errnoOptions(): { common: ErrnoOption[]; all: ErrnoOption[] } {
  const common = COMMON_ERRNOS.map((name) => ERRNO_NAMES.find((e) => e.name === name)!).filter(Boolean);
  const commonNames = new Set<string>(COMMON_ERRNOS);
  const opt = (e: { name: string; value: number }) => ({ value: String(e.value), label: `${e.name} (${e.value})` });
  return { common: common.map(opt), all: ERRNO_NAMES.filter((e) => !commonNames.has(e.name)).map(opt) };
}

/** Events whose name (first) or doc contains the query. */
export function filterEvents(query: string): Array<{ name: string; doc: string }> {
  const q = query.trim().toLowerCase();
  if (q === '') return [...BLKDEBUG_EVENT_DOCS];
  const byName = [...BLKDEBUG_EVENT_DOCS.filter((e) => e.name.startsWith(q)), ...BLKDEBUG_EVENT_DOCS.filter((e) => !e.name.startsWith(q) && e.name.includes(q))];
  const byDoc = BLKDEBUG_EVENT_DOCS.filter((e) => !e.name.includes(q) && e.doc.toLowerCase().includes(q));
  return [...byName, ...byDoc];
}

const show = (v: string | undefined) => (v === undefined || v === '' ? '?' : v);

/** `inject-error write_aio · state 2 · EIO (5)` / `set-state write_aio · 1 → 2`. */
export function sectionSummary(section: Pick<SectionModel, 'group' | 'values'>): string {
  const v = section.values;
  const event = show(v.event);
  if (section.group === 'set-state') {
    const from = v.state === undefined || v.state.trim() === '0' ? 'any' : show(v.state);
    return `set-state ${event} · ${from} → ${show(v.new_state)}`;
  }
  if (section.group === 'inject-error') {
    const parts = [`inject-error ${event}`];
    if (v.state !== undefined && v.state.trim() !== '0') parts.push(`state ${show(v.state)}`);
    parts.push(v.errno === undefined ? 'EIO (5)' : errnoLabel(v.errno));
    if (v.sector !== undefined) parts.push(`sector ${show(v.sector)}`);
    if (isOn(v.once)) parts.push('once');
    if (isOn(v.immediately)) parts.push('immediately');
    if (v.iotype !== undefined) parts.push(show(v.iotype));
    return parts.join(' · ');
  }
  return `${section.group} ${event}`;
}

export function breakpointSummary(rule: Pick<RuleSnapshot, 'event' | 'tag'>): string {
  return `break ${rule.event} · tag ${rule.tag ?? '?'}`;
}
