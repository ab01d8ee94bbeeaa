// Where the cursor is in a blkdebug rule file (QEMU's ini dialect): which section it is in, and
// whether it is at a line start, on a key, or inside a key's value. Pure: completion and hover
// are built on this, and Monaco only maps the answers.
import { RULE_SECTIONS, type RuleSectionName } from '../../../src/api';

/** A `[group]` header: its 1-based line and the group name as written. */
export interface SectionRef {
  name: string;
  line: number;
}

export type CursorContext =
  /** Blank or partial word at the start of a line: a key or a section header may go here. */
  | { kind: 'line-start'; section: SectionRef | null; word: string; startColumn: number; endColumn: number; hasAssignment: boolean }
  /** Inside `[...` of a header line. */
  | { kind: 'header'; section: SectionRef | null; word: string; startColumn: number; endColumn: number }
  /** After `key =`: inside the quotes (quoted) or where the value starts (not yet quoted). */
  | { kind: 'value'; section: SectionRef | null; key: string; value: string; quoted: boolean; startColumn: number; endColumn: number }
  | { kind: 'none'; section: SectionRef | null };

const HEADER_RE = /^\s*\[\s*([^\]]*?)\s*\]/;
const KEY_VALUE_RE = /^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)("?)([^"]*)("?)/;

export function isSectionName(name: string): name is RuleSectionName {
  return Object.prototype.hasOwnProperty.call(RULE_SECTIONS, name);
}

/** The section header at `line` itself, if that line is one. */
export function headerOf(lineText: string): string | null {
  const m = HEADER_RE.exec(lineText);
  return m ? m[1]! : null;
}

/** The section the 1-based `line` belongs to: the closest header at or above it. */
export function sectionAt(lines: readonly string[], line: number): SectionRef | null {
  for (let l = Math.min(line, lines.length); l >= 1; l--) {
    const name = headerOf(lines[l - 1]!);
    if (name !== null) return { name, line: l };
  }
  return null;
}

/** Keys already set in the section whose header is at `headerLine` (the cursor's line excluded). */
export function keysInSection(lines: readonly string[], headerLine: number, exceptLine?: number): Set<string> {
  const keys = new Set<string>();
  for (let l = headerLine + 1; l <= lines.length; l++) {
    const text = lines[l - 1]!;
    if (headerOf(text) !== null) break;
    if (l === exceptLine) continue;
    const m = KEY_VALUE_RE.exec(text);
    if (m) keys.add(m[2]!);
  }
  return keys;
}

/** One `key = "value"` line split up, with 1-based columns (ends exclusive). */
export interface KeyValueLine {
  key: string;
  keyColumn: number;
  keyEndColumn: number;
  value: string;
  quoted: boolean;
  valueColumn: number;
  valueEndColumn: number;
}

export function parseKeyValue(lineText: string): KeyValueLine | null {
  const m = KEY_VALUE_RE.exec(lineText);
  if (!m) return null;
  const [, indent, key, eq, open, value] = m as unknown as [string, string, string, string, string, string];
  const keyColumn = indent.length + 1;
  const valueColumn = keyColumn + key.length + eq.length + open.length;
  return { key, keyColumn, keyEndColumn: keyColumn + key.length, value, quoted: open === '"', valueColumn, valueEndColumn: valueColumn + value.length };
}

/** What is being written at (line, column); column is Monaco's (cursor before that character). */
export function cursorContext(lines: readonly string[], line: number, column: number): CursorContext {
  const text = lines[line - 1] ?? '';
  const before = text.slice(0, column - 1);
  const after = text.slice(column - 1);
  // On a header line the cursor is not yet in that header's section.
  const inSection = headerOf(text) !== null ? sectionAt(lines, line - 1) : sectionAt(lines, line);

  if (/^\s*#/.test(before)) return { kind: 'none', section: inSection };

  const header = /^(\s*)\[([A-Za-z0-9_-]*)$/.exec(before);
  if (header) {
    const startColumn = header[1]!.length + 1;
    const rest = /^[A-Za-z0-9_-]*\]?/.exec(after)![0];
    return { kind: 'header', section: inSection, word: header[2]!, startColumn, endColumn: column + rest.length };
  }

  const word = /^(\s*)([A-Za-z0-9_-]*)$/.exec(before);
  if (word) {
    const restWord = /^[A-Za-z0-9_-]*/.exec(after)![0];
    const hasAssignment = /^[A-Za-z0-9_-]*\s*=/.test(after);
    const startColumn = word[1]!.length + 1;
    return { kind: 'line-start', section: inSection, word: word[2]!, startColumn, endColumn: column + restWord.length, hasAssignment };
  }

  const kv = parseKeyValue(text);
  if (kv) {
    const valueStart = kv.valueColumn;
    // Inside the quotes (or right after `=` when none are written yet).
    if (column >= valueStart && column <= kv.valueEndColumn) {
      return {
        kind: 'value',
        section: inSection,
        key: kv.key,
        value: text.slice(valueStart - 1, column - 1),
        quoted: kv.quoted,
        startColumn: valueStart,
        endColumn: kv.valueEndColumn,
      };
    }
  }
  return { kind: 'none', section: inSection };
}

/** The attribute documentation for `key`, preferring the given section's. */
export function attributeDoc(key: string, section: string | null) {
  if (section !== null && isSectionName(section)) {
    const attr = RULE_SECTIONS[section].attributes.find((a) => a.key === key);
    if (attr) return { section, attr };
  }
  for (const name of Object.keys(RULE_SECTIONS) as RuleSectionName[]) {
    const attr = RULE_SECTIONS[name].attributes.find((a) => a.key === key);
    if (attr) return { section: name, attr };
  }
  return null;
}
