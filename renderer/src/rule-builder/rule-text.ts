// The rule builder's view of a blkdebug rule file: sections as the engine parsed them (RuleLint),
// every `key = "value"` line in them as written (invalid values included), and the text edits
// that change one thing (a value, a line, a section) while every other byte stays as it was:
// comments, blank lines, indentation and odd spacing survive every operation.
import { RULE_SECTIONS, type RuleLint } from '../../../src/api';
import type { TextEdit } from '../rules/text-edits';

export type RuleGroup = 'inject-error' | 'set-state';

/** The order the builder writes keys in. */
export const KEY_ORDER = ['event', 'state', 'errno', 'new_state', 'sector', 'once', 'immediately', 'iotype'] as const;
export type RuleKey = (typeof KEY_ORDER)[number];

/** One `key ...` line inside a section, as written. Columns are 1-based, ends exclusive. */
export interface OptionLine {
  key: string;
  value: string;
  line: number;
  keyColumn: number;
  /** Where the value starts (just after the opening quote); with no quote, the key's end. */
  valueColumn: number;
  valueEndColumn: number;
  /** `key = "` was found (the value sits after a quote). */
  quoted: boolean;
  /** The value's closing quote was found. */
  closed: boolean;
}

export interface SectionModel {
  /** Position among the parsed sections. */
  index: number;
  group: string;
  id?: string;
  /** Header line. */
  line: number;
  /** Every key line between the header and the next section, in order. */
  options: OptionLine[];
  /** key → value as written (the last line of a key wins, as in QemuOpts). */
  values: Record<string, string>;
  /** First line of the block: attached comment lines directly above the header, else the header. */
  start: number;
  /** Last line of the block: the last option line (or the header). */
  end: number;
}

export interface LineInfo {
  lines: string[];
  eol: string;
}

const isBlank = (s: string) => s.trim() === '';
const isComment = (s: string) => s.trimStart().startsWith('#');
/** Line text without a trailing \r. */
const content = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

export function splitLines(text: string): LineInfo {
  return { lines: text.split('\n'), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** Scan one line as QEMU reads `key = "value"` (the key is sscanf's %s: any non-blank run). */
export function scanOptionLine(raw: string, line: number): OptionLine | null {
  const s = content(raw);
  const m = /^(\s*)(\S+)/.exec(s);
  if (!m || s.startsWith('#') || s.startsWith('[')) return null;
  const key = m[2]!;
  const keyColumn = m[1]!.length + 1;
  const keyEnd = keyColumn + key.length;
  const eq = /^\s*=\s*"/.exec(s.slice(keyEnd - 1));
  if (!eq) return { key, value: '', line, keyColumn, valueColumn: keyEnd, valueEndColumn: keyEnd, quoted: false, closed: false };
  const valueColumn = keyEnd + eq[0].length;
  const close = s.indexOf('"', valueColumn - 1);
  const valueEnd = close < 0 ? s.length : close;
  return {
    key,
    value: s.slice(valueColumn - 1, valueEnd),
    line,
    keyColumn,
    valueColumn,
    valueEndColumn: valueEnd + 1,
    quoted: true,
    closed: close >= 0,
  };
}

/** The sections of `text` as the engine parsed them (`lint`), with their lines as written. */
export function buildModel(text: string, lint: RuleLint): SectionModel[] {
  const { lines } = splitLines(text);
  const headers = new Set(lint.sections.map((s) => s.line));
  const isBoundary = (n: number) => headers.has(n) || (lines[n - 1] ?? '').startsWith('[');
  return lint.sections.map((sec, index) => {
    const options: OptionLine[] = [];
    let end = sec.line;
    for (let n = sec.line + 1; n <= lines.length && !isBoundary(n); n++) {
      const raw = lines[n - 1]!;
      if (isBlank(raw) || isComment(raw)) continue;
      end = n;
      const scanned = scanOptionLine(raw, n);
      if (!scanned) continue;
      // The engine's positions where it has them (a valid, non-empty value).
      const known = sec.options.find((o) => o.line === n && o.key === scanned.key && o.value !== '');
      options.push(known ? { ...scanned, value: known.value, valueColumn: known.valueColumn, valueEndColumn: known.valueEndColumn } : scanned);
    }
    let start = sec.line;
    while (start > 1 && isComment(lines[start - 2]!) && !isBoundary(start - 1)) start--;
    const values: Record<string, string> = {};
    for (const o of options) values[o.key] = o.value;
    return { index, group: sec.group, ...(sec.id === undefined ? {} : { id: sec.id }), line: sec.line, options, values, start, end };
  });
}

/** The section whose block (attached comments through the next section) holds `line`. */
export function sectionAt(model: readonly SectionModel[], line: number | null): SectionModel | null {
  if (line === null) return null;
  const exact = model.find((s) => s.line === line);
  if (exact) return exact;
  let found: SectionModel | null = null;
  for (const s of model) if (s.start <= line) found = s;
  return found && line <= Math.max(found.end, found.line) ? found : null;
}

// ---- editing ------------------------------------------------------------------------------------

/** Whole lines [from, to] removed with their line breaks (the text's last line takes the break before it). */
function deleteLines(info: LineInfo, from: number, to: number): TextEdit {
  const { lines } = info;
  if (to < lines.length) return { startLine: from, startColumn: 1, endLine: to + 1, endColumn: 1, text: '' };
  if (from > 1) return { startLine: from - 1, startColumn: lines[from - 2]!.length + 1 - (lines[from - 2]!.endsWith('\r') ? 1 : 0), endLine: to, endColumn: lines[to - 1]!.length + 1, text: '' };
  return { startLine: 1, startColumn: 1, endLine: to, endColumn: lines[to - 1]!.length + 1, text: '' };
}

/** How option lines are written here: indentation and what sits between key and quote. */
interface LineStyle {
  indent: string;
  separator: string;
  /** Column of '=' when sibling lines align it; null: not aligned. */
  alignEq: number | null;
  afterEq: string;
}

function styleOf(text: string, model: readonly SectionModel[], section: SectionModel | null): LineStyle {
  const { lines } = splitLines(text);
  const pick = (s: SectionModel) => s.options.filter((o) => o.quoted);
  const siblings = section && pick(section).length > 0 ? pick(section) : (model.map(pick).find((o) => o.length > 0) ?? []);
  if (siblings.length === 0) return { indent: '', separator: ' = ', alignEq: null, afterEq: ' ' };
  const parts = siblings.map((o) => {
    const s = content(lines[o.line - 1]!);
    const sep = s.slice(o.keyColumn - 1 + o.key.length, o.valueColumn - 2);
    const eqCol = o.keyColumn + o.key.length + sep.indexOf('=');
    return { indent: s.slice(0, o.keyColumn - 1), sep, eqCol, afterEq: sep.slice(sep.indexOf('=') + 1) };
  });
  const last = parts[parts.length - 1]!;
  // Aligned: every sibling's '=' in one column, padded with more than one blank somewhere.
  const aligned = parts.length >= 2 && parts.every((p) => p.eqCol === parts[0]!.eqCol) && parts.some((p) => /\s\s=/.test(p.sep) || /^\s{2,}=/.test(p.sep));
  return { indent: last.indent, separator: last.sep, alignEq: aligned ? parts[0]!.eqCol : null, afterEq: last.afterEq };
}

/** The style most option lines of the file use (for a new section). */
function fileStyle(text: string, model: readonly SectionModel[]): LineStyle {
  const { lines } = splitLines(text);
  const indents = new Map<string, number>();
  const seps = new Map<string, number>();
  const vote = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const o of model.flatMap((s) => s.options.filter((x) => x.quoted))) {
    const s = content(lines[o.line - 1]!);
    vote(indents, s.slice(0, o.keyColumn - 1));
    vote(seps, s.slice(o.keyColumn - 1 + o.key.length, o.valueColumn - 2));
  }
  const top = (m: Map<string, number>, d: string) => [...m].sort((a, b) => b[1] - a[1])[0]?.[0] ?? d;
  const separator = top(seps, ' = ');
  return { indent: top(indents, ''), separator, alignEq: null, afterEq: separator.slice(separator.indexOf('=') + 1) };
}

function formatLine(style: LineStyle, key: string, value: string): string {
  if (style.alignEq !== null) {
    const before = style.alignEq - 1 - style.indent.length - key.length;
    if (before >= 1) return `${style.indent}${key}${' '.repeat(before)}=${style.afterEq}"${value}"`;
  }
  return `${style.indent}${key}${style.separator}"${value}"`;
}

/** Quotes and line breaks cannot be written inside a value. */
export function cleanValue(value: string): string {
  return value.replace(/["\r\n]/g, '');
}

function findSection(model: readonly SectionModel[], headerLine: number): SectionModel {
  const s = model.find((m) => m.line === headerLine);
  if (!s) throw new Error(`no section at line ${headerLine}`);
  return s;
}

/**
 * Set `key` in the section whose header is at `headerLine`: only the value between the quotes
 * changes when the key is written; otherwise a line is added after the section's last option
 * line, written like its siblings.
 */
export function setAttribute(text: string, lint: RuleLint, headerLine: number, key: string, value: string): TextEdit[] {
  const model = buildModel(text, lint);
  const section = findSection(model, headerLine);
  const v = cleanValue(value);
  const existing = section.options.filter((o) => o.key === key).pop();
  if (existing) {
    if (existing.value === v && existing.quoted && existing.closed) return [];
    if (existing.quoted) {
      return [{ startLine: existing.line, startColumn: existing.valueColumn, endLine: existing.line, endColumn: existing.valueEndColumn, text: existing.closed ? v : `${v}"` }];
    }
    // `key = value` or a bare `key`: keep its own `=` spacing if it has one, quote the value.
    const { lines } = splitLines(text);
    const s = content(lines[existing.line - 1]!);
    const eq = /^\s*=\s*/.exec(s.slice(existing.valueColumn - 1));
    const start = existing.valueColumn + (eq ? eq[0].length : 0);
    const sep = eq ? '' : styleOf(text, model, section).separator;
    return [{ startLine: existing.line, startColumn: start, endLine: existing.line, endColumn: s.length + 1, text: `${sep}"${v}"` }];
  }
  const info = splitLines(text);
  const endText = content(info.lines[section.end - 1]!);
  const line = formatLine(styleOf(text, model, section), key, v);
  return [{ startLine: section.end, startColumn: endText.length + 1, endLine: section.end, endColumn: endText.length + 1, text: `${info.eol}${line}` }];
}

/** Remove every line of `key` in the section (whole lines). */
export function removeAttribute(text: string, lint: RuleLint, headerLine: number, key: string): TextEdit[] {
  const model = buildModel(text, lint);
  const section = findSection(model, headerLine);
  const info = splitLines(text);
  const lines = section.options.filter((o) => o.key === key).map((o) => o.line);
  const edits: TextEdit[] = [];
  // Runs of consecutive lines become one edit (no touching edits).
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    edits.push(deleteLines(info, lines[i]!, lines[j]!));
    i = j + 1;
  }
  return edits;
}

/** Set when value is non-empty, else remove. */
export function writeAttribute(text: string, lint: RuleLint, headerLine: number, key: string, value: string): TextEdit[] {
  return value === '' ? removeAttribute(text, lint, headerLine, key) : setAttribute(text, lint, headerLine, key, value);
}

/** The keys a group accepts. */
export function groupKeys(group: string): string[] {
  return group in RULE_SECTIONS ? RULE_SECTIONS[group as RuleGroup].attributes.map((a) => a.key) : [];
}

/** A section's text (no trailing line break), keys in KEY_ORDER; empty values are left out. */
export function sectionText(group: RuleGroup, values: Partial<Record<string, string>>, style: Omit<LineStyle, 'alignEq'> & { alignEq?: number | null } = { indent: '', separator: ' = ', afterEq: ' ' }, eol = '\n'): string {
  const keys = groupKeys(group);
  const out = [`[${group}]`];
  for (const key of KEY_ORDER) {
    const v = values[key];
    if (keys.includes(key) && v !== undefined && cleanValue(v) !== '') out.push(formatLine({ alignEq: null, ...style }, key, cleanValue(v)));
  }
  return out.join(eol);
}

/** Append a section at the end, one blank line after what is there. Returns its header line. */
export function addSection(text: string, lint: RuleLint | null, group: RuleGroup, values: Partial<Record<string, string>>): { edits: TextEdit[]; headerLine: number } {
  const info = splitLines(text);
  const style = lint ? fileStyle(text, buildModel(text, lint)) : undefined;
  const body = sectionText(group, values, style, info.eol);
  const { lines, eol } = info;
  const n = lines.length;
  const last = lines[n - 1]!;
  let prefix: string;
  if (text.trim() === '') prefix = '';
  else if (last === '' && n >= 2 && isBlank(lines[n - 2]!)) prefix = '';
  else if (last === '') prefix = eol;
  else prefix = eol + eol;
  const at = text.trim() === '' ? { line: 1, column: 1, endLine: n, endColumn: last.length + 1 } : { line: n, column: last.length + 1, endLine: n, endColumn: last.length + 1 };
  // A whitespace-only text is replaced; otherwise the section goes after the last character.
  const headerLine = text.trim() === '' ? 1 : n + (prefix.split('\n').length - 1);
  return {
    edits: [{ startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn, text: `${prefix}${body}${eol}` }],
    headerLine,
  };
}

/** Delete a section: attached comments, header through last option line, one blank separator. */
export function deleteSection(text: string, lint: RuleLint, headerLine: number): TextEdit[] {
  const model = buildModel(text, lint);
  const section = findSection(model, headerLine);
  const info = splitLines(text);
  const { lines } = info;
  let from = section.start;
  let to = section.end;
  // Lines after the block that are not the text's final (empty) line.
  const hasAfter = lines.slice(to).some((l) => !isBlank(l));
  const realLine = (n: number) => n >= 1 && n <= lines.length && !(n === lines.length && lines[n - 1] === '');
  if (hasAfter && realLine(to + 1) && isBlank(lines[to]!)) to++;
  else if (from > 1 && isBlank(lines[from - 2]!)) from--;
  else if (realLine(to + 1) && isBlank(lines[to]!)) to++;
  return [deleteLines(info, from, to)];
}

/**
 * Swap the section at `headerLine` with its neighbour (each with its attached comments); what
 * lies between them stays. Returns the moved section's new header line, or null at an end.
 */
export function moveSection(text: string, lint: RuleLint, headerLine: number, direction: 'up' | 'down'): { edits: TextEdit[]; headerLine: number } | null {
  const model = buildModel(text, lint);
  const section = findSection(model, headerLine);
  const other = model[section.index + (direction === 'up' ? -1 : 1)];
  if (!other) return null;
  const [a, b] = direction === 'up' ? [other, section] : [section, other];
  const { lines } = splitLines(text);
  const join = (from: number, to: number) => lines.slice(from - 1, to).join('\n');
  const blockA = join(a.start, a.end);
  const blockB = join(b.start, b.end);
  // Lines strictly between the blocks (with the line breaks around them).
  const between = b.start - a.end > 1 ? `\n${join(a.end + 1, b.start - 1)}\n` : '\n';
  const lastLine = lines[b.end - 1]!;
  const edit: TextEdit = { startLine: a.start, startColumn: 1, endLine: b.end, endColumn: lastLine.length + 1, text: `${blockB}${between}${blockA}` };
  const bLines = b.end - b.start + 1;
  const betweenLines = b.start - a.end - 1;
  const newHeader = direction === 'up'
    ? a.start + (section.line - b.start) // section is b, now first
    : a.start + bLines + betweenLines + (section.line - a.start); // section is a, now second
  return { edits: [edit], headerLine: newHeader };
}

/** Turn a section into another group: rename the header, drop the keys the new group lacks. */
export function changeGroup(text: string, lint: RuleLint, headerLine: number, group: RuleGroup): TextEdit[] {
  const model = buildModel(text, lint);
  const section = findSection(model, headerLine);
  if (section.group === group) return [];
  const info = splitLines(text);
  const header = info.lines[headerLine - 1]!;
  const at = header.indexOf(section.group);
  const edits: TextEdit[] = [{ startLine: headerLine, startColumn: at + 1, endLine: headerLine, endColumn: at + 1 + section.group.length, text: group }];
  const keep = groupKeys(group);
  const drop = section.options.filter((o) => !keep.includes(o.key) && groupKeys(section.group).includes(o.key)).map((o) => o.line);
  for (let i = 0; i < drop.length; ) {
    let j = i;
    while (j + 1 < drop.length && drop[j + 1] === drop[j]! + 1) j++;
    edits.push(deleteLines(info, drop[i]!, drop[j]!));
    i = j + 1;
  }
  return edits;
}
