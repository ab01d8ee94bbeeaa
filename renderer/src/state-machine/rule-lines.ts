// Where each engine rule is written in the editor's text. A rule's source.line is the header
// line in the text that was applied; the editor may hold another rendering of the same rules
// (exportRules after an outside change lists inject-error sections first) or a text being edited.
// So a rule maps to the section at its source line when that section says the same thing, else to
// the first free section that does, else (edited values) to a section of its kind at its line.
import type { RuleSectionPosition, RuleSnapshot } from '../../../src/api';

const DEFAULT_IOTYPES = ['read', 'write', 'write-zeroes', 'discard', 'flush'];
const EIO = 5;

function num(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim();
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : Number(v);
  return Number.isFinite(n) ? n : null;
}

function bool(value: string | undefined): boolean | null {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === 'on' || v === 'yes' || v === 'true') return true;
  if (v === 'off' || v === 'no' || v === 'false') return false;
  return null;
}

/** What a rule does, as a comparable string (null: suspend rules, which have no section). */
export function ruleSignature(rule: RuleSnapshot): string | null {
  if (rule.kind === 'set-state') return ['set-state', rule.event, rule.state, rule.newState ?? 0].join('|');
  if (rule.kind !== 'inject-error') return null;
  const offset = rule.offset ?? -1;
  const types = [...(rule.iotypes ?? DEFAULT_IOTYPES)].sort().join('+');
  return ['inject-error', rule.event, rule.state, rule.errno ?? EIO, offset < 0 ? -1 : Math.floor(offset / 512), !!rule.once, !!rule.immediately, types].join('|');
}

/** The same for a section of the editor's text (null: not a rule section, or unreadable). */
export function sectionSignature(section: RuleSectionPosition): string | null {
  const get = (key: string) => {
    let value: string | undefined;
    for (const o of section.options) if (o.key === key) value = o.value;
    return value;
  };
  const event = get('event')?.trim();
  const state = num(get('state'), 0);
  if (!event || state === null) return null;
  if (section.group === 'set-state') {
    const to = num(get('new_state'), 0);
    return to === null ? null : ['set-state', event, state, to].join('|');
  }
  if (section.group !== 'inject-error') return null;
  const errno = num(get('errno'), EIO);
  const sector = num(get('sector'), -1);
  const once = bool(get('once'));
  const immediately = bool(get('immediately'));
  const iotype = get('iotype')?.trim();
  if (errno === null || sector === null || once === null || immediately === null) return null;
  const types = iotype ? iotype : [...DEFAULT_IOTYPES].sort().join('+');
  return ['inject-error', event, state, errno, sector < 0 ? -1 : sector, once, immediately, types].join('|');
}

/**
 * Rule id → header line in the editor's text (absent: not found there). Without a parse of the
 * editor's text (`sections` null) every rule keeps its source line.
 */
export function editorLines(rules: readonly RuleSnapshot[], sections: readonly RuleSectionPosition[] | null): Map<number, number> {
  const lines = new Map<number, number>();
  if (!sections) {
    for (const r of rules) if (r.source.line !== undefined) lines.set(r.id, r.source.line);
    return lines;
  }
  const sigs = sections.map((s) => ({ line: s.line, group: s.group, sig: sectionSignature(s) }));
  const atLine = new Map(sigs.map((s) => [s.line, s]));
  const taken = new Set<number>();
  const pending: RuleSnapshot[] = [];
  const ordered = [...rules].sort((a, b) => (a.source.line ?? Infinity) - (b.source.line ?? Infinity) || a.id - b.id);
  const mine = ordered.filter((r) => r.kind !== 'suspend');

  // 1. The section at the rule's own line says the same thing.
  for (const r of mine) {
    const s = r.source.line !== undefined ? atLine.get(r.source.line) : undefined;
    if (s && s.sig !== null && s.sig === ruleSignature(r) && !taken.has(s.line)) {
      lines.set(r.id, s.line);
      taken.add(s.line);
    } else pending.push(r);
  }
  // 2. The first free section elsewhere that says the same thing.
  const rest: RuleSnapshot[] = [];
  for (const r of pending) {
    const sig = ruleSignature(r);
    const s = sigs.find((x) => x.sig !== null && x.sig === sig && !taken.has(x.line));
    if (s) {
      lines.set(r.id, s.line);
      taken.add(s.line);
    } else rest.push(r);
  }
  // 3. Being edited: a free section of the same kind at the rule's line.
  for (const r of rest) {
    const s = r.source.line !== undefined ? atLine.get(r.source.line) : undefined;
    if (s && s.group === r.kind && !taken.has(s.line)) {
      lines.set(r.id, s.line);
      taken.add(s.line);
    }
  }
  return lines;
}
