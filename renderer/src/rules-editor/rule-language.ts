// Completion and hover for blkdebug rule files, as plain data: Monaco's providers only map these
// to its types (rule-monaco.ts). Everything comes from the catalogue in src/api.
import {
  BLKDEBUG_EVENT_DOCS,
  BLKDEBUG_IO_TYPES,
  BOOL_VALUES,
  COMMON_ERRNOS,
  ERRNO_NAMES,
  RULE_SECTIONS,
  type RuleSectionName,
} from '../../../src/api';
import { attributeDoc, cursorContext, headerOf, isSectionName, keysInSection, parseKeyValue } from './rule-context';

export type SuggestionKind = 'section' | 'attribute' | 'event' | 'errno' | 'value';

export interface Suggestion {
  label: string;
  /** Shown dimmed after the label on every row. */
  description?: string;
  /** Shown for the focused row. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  kind: SuggestionKind;
  insertText: string;
  /** insertText is a Monaco snippet ($1, $0). */
  snippet?: boolean;
  /** Open the suggestions again after inserting (e.g. the value of a key just inserted). */
  retrigger?: boolean;
  filterText?: string;
  sortText: string;
  /** Columns on the cursor's line to replace (end exclusive). */
  startColumn: number;
  endColumn: number;
}

const SECTION_NAMES = Object.keys(RULE_SECTIONS) as RuleSectionName[];
const EVENT_DOC = new Map(BLKDEBUG_EVENT_DOCS.map((e) => [e.name, e.doc]));
const pad = (n: number) => String(n).padStart(3, '0');

function sectionSuggestions(startColumn: number, endColumn: number, sort: string): Suggestion[] {
  return SECTION_NAMES.map((name, i) => ({
    label: `[${name}]`,
    kind: 'section',
    detail: 'rule section',
    documentation: RULE_SECTIONS[name].doc,
    // Plain text, no snippet: the next line the user types is theirs (a snippet's placeholder
    // and the reopened suggestions would take the Enter and the text after it).
    insertText: `[${name}]`,
    filterText: `[${name}]`,
    sortText: `${sort}${pad(i)}`,
    startColumn,
    endColumn,
  }));
}

function valueSuggestions(key: string, section: string | null, quoted: boolean, startColumn: number, endColumn: number): Suggestion[] {
  const kind = attributeDoc(key, section)?.attr.kind;
  const wrap = (v: string) => (quoted ? v : `"${v}"`);
  switch (kind) {
    case 'event':
      return BLKDEBUG_EVENT_DOCS.map((e, i) => ({
        label: e.name,
        description: e.doc,
        detail: e.doc,
        documentation: e.doc,
        kind: 'event',
        insertText: wrap(e.name),
        filterText: e.name,
        sortText: pad(i),
        startColumn,
        endColumn,
      }));
    case 'errno': {
      const common = COMMON_ERRNOS as readonly string[];
      return ERRNO_NAMES.map((e) => {
        const rank = common.indexOf(e.name);
        return {
          label: `${e.name} (${e.value})`,
          description: e.message,
          detail: e.message,
          documentation: `\`${e.name}\` = ${e.value}: ${e.message}`,
          kind: 'errno',
          insertText: wrap(String(e.value)),
          filterText: `${e.name} ${e.value}`,
          sortText: rank >= 0 ? `0${pad(rank)}` : `1${e.name}`,
          startColumn,
          endColumn,
        } satisfies Suggestion;
      });
    }
    case 'iotype':
      return BLKDEBUG_IO_TYPES.map((v, i) => ({ label: v, kind: 'value', insertText: wrap(v), sortText: pad(i), startColumn, endColumn }));
    case 'bool':
      return BOOL_VALUES.map((v, i) => ({ label: v, kind: 'value', insertText: wrap(v), sortText: pad(i), startColumn, endColumn }));
    default:
      return [];
  }
}

/** What to offer at (line, column) of the text. */
export function completionsAt(text: string, line: number, column: number): Suggestion[] {
  const lines = text.split('\n');
  const ctx = cursorContext(lines, line, column);
  switch (ctx.kind) {
    case 'header':
      return sectionSuggestions(ctx.startColumn, ctx.endColumn, '');
    case 'value':
      return valueSuggestions(ctx.key, ctx.section?.name ?? null, ctx.quoted, ctx.startColumn, ctx.endColumn);
    case 'line-start': {
      const out: Suggestion[] = [];
      const section = ctx.section && isSectionName(ctx.section.name) ? ctx.section : null;
      if (section) {
        const used = keysInSection(lines, section.line, line);
        RULE_SECTIONS[section.name as RuleSectionName].attributes.forEach((a, i) => {
          if (used.has(a.key)) return;
          out.push({
            label: a.key,
            kind: 'attribute',
            detail: a.required ? `${section.name}, required` : section.name,
            description: a.required ? 'required' : undefined,
            documentation: a.doc,
            insertText: ctx.hasAssignment ? a.key : `${a.key} = "$1"`,
            snippet: !ctx.hasAssignment,
            retrigger: !ctx.hasAssignment && a.kind !== 'state' && a.kind !== 'sector',
            sortText: `0${pad(i)}`,
            startColumn: ctx.startColumn,
            endColumn: ctx.endColumn,
          });
        });
      }
      // Section headers belong at the start of a line only.
      if (ctx.startColumn === 1 && !ctx.hasAssignment) out.push(...sectionSuggestions(1, ctx.endColumn, '1'));
      return out;
    }
    default:
      return [];
  }
}

export interface HoverInfo {
  /** Markdown paragraphs. */
  contents: string[];
  startColumn: number;
  endColumn: number;
}

function errnoHover(value: string): string | null {
  const n = Number(value);
  const byNumber = Number.isInteger(n) ? ERRNO_NAMES.find((e) => e.value === n) : undefined;
  const e = byNumber ?? ERRNO_NAMES.find((x) => x.name === value);
  if (e) return `**${e.name}** (${e.value}): ${e.message}`;
  if (n === 0 && value.trim() !== '') return '**0**: the request succeeds without doing the I/O.';
  return null;
}

/** Documentation for what is under (line, column): section names, keys, events, errnos. */
export function hoverAt(text: string, line: number, column: number): HoverInfo | null {
  const lines = text.split('\n');
  const lineText = lines[line - 1] ?? '';
  const header = headerOf(lineText);
  if (header !== null) {
    const open = lineText.indexOf('[') + 1;
    const close = lineText.indexOf(']') + 2;
    if (column < open || column >= close) return null;
    if (!isSectionName(header)) return null;
    return { contents: [`**[${header}]**`, RULE_SECTIONS[header].doc], startColumn: open, endColumn: close };
  }
  const kv = parseKeyValue(lineText);
  if (!kv) return null;
  const section = cursorContext(lines, line, 1).section?.name ?? null;
  if (column >= kv.keyColumn && column < kv.keyEndColumn) {
    const doc = attributeDoc(kv.key, section);
    if (!doc) return null;
    const required = doc.attr.required ? ' (required)' : '';
    return { contents: [`**${kv.key}**${required} · ${doc.section}`, doc.attr.doc], startColumn: kv.keyColumn, endColumn: kv.keyEndColumn };
  }
  if (column >= kv.valueColumn && column < kv.valueEndColumn) {
    const kind = attributeDoc(kv.key, section)?.attr.kind;
    const range = { startColumn: kv.valueColumn, endColumn: kv.valueEndColumn };
    if (kind === 'event') {
      const doc = EVENT_DOC.get(kv.value);
      return doc ? { contents: [`**${kv.value}** (blkdebug event)`, doc], ...range } : null;
    }
    if (kind === 'errno') {
      const doc = errnoHover(kv.value);
      return doc ? { contents: [doc], ...range } : null;
    }
  }
  return null;
}
