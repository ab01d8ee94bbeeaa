import { optionNumberError, parseQemuBool, parseQemuNumber } from '../../qdict';

export { parseQemuBool, parseQemuNumber };

// blkdebug rule files in QEMU's ini dialect (util/qemu-config.c): `[group]` headers and
// `key = "value"` lines. Parsing keeps line and column of everything so an editor can underline
// the exact spot, and reports QEMU's own message for the first error.

/** A problem in a rule file; `message` is QEMU's text where QEMU has one. */
export interface ConfigDiagnostic {
  message: string;
  /** 1-based line and column; endColumn is exclusive. */
  line: number;
  column: number;
  endColumn: number;
}

export interface ConfigOption {
  key: string;
  value: string;
  line: number;
  /** Columns of the key and of the value (inside the quotes). */
  keyColumn: number;
  valueColumn: number;
}

export interface ConfigSection {
  group: string;
  id?: string;
  line: number;
  options: ConfigOption[];
}

/** What each group accepts and how QemuOpts types each key. */
export type OptionType = 'string' | 'number' | 'bool';
export type GroupSchema = Record<string, Record<string, OptionType>>;

export interface ParsedConfig {
  sections: ConfigSection[];
  /** Syntax errors in file order; QEMU stops at the first. */
  diagnostics: ConfigDiagnostic[];
}

/** Longest token sscanf's %63s / %1023[^"] keep; longer input is cut there, as in QEMU. */
const MAX_NAME = 63;
const MAX_VALUE = 1023;
/** fgets(line, 1024): longer physical lines are read as several logical lines. */
const MAX_LINE = 1023;

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Split text into the lines fgets(buf, 1024) would return, with their line numbers. */
function fgetsLines(text: string): Array<{ text: string; line: number; column: number }> {
  const out: Array<{ text: string; line: number; column: number }> = [];
  let lineNo = 1;
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl + 1;
    for (let start = i, col = 1; start < end; start += MAX_LINE, col += MAX_LINE) {
      // The line is a C string: whatever follows a NUL byte is not seen.
      const piece = text.slice(start, Math.min(end, start + MAX_LINE));
      const nul = piece.indexOf('\0');
      out.push({ text: nul < 0 ? piece : piece.slice(0, nul), line: lineNo, column: col });
    }
    lineNo++;
    i = end;
  }
  return out;
}

/** sscanf "%Ns": skip whitespace, take up to N non-whitespace characters. */
function scanToken(s: string, pos: number, max: number): { token: string; start: number; end: number } | null {
  while (isSpace(s[pos])) pos++;
  const start = pos;
  while (pos < s.length && !isSpace(s[pos]) && pos - start < max) pos++;
  return pos > start ? { token: s.slice(start, pos), start, end: pos } : null;
}

/** sscanf literal matching: whitespace in the format skips any whitespace, other chars must match. */
function scanLiteral(s: string, pos: number, lit: string): number {
  for (const c of lit) {
    if (c === ' ') {
      while (isSpace(s[pos])) pos++;
    } else if (s[pos] === c) {
      pos++;
    } else {
      return -1;
    }
  }
  return pos;
}

/** QDict's bucket for a key (tdb_hash % QDICT_BUCKET_MAX): the order QEMU walks a section in. */
function qdictBucket(key: string): number {
  let value = Math.imul(0x238f13af, key.length) >>> 0;
  for (let i = 0; i < key.length; i++) value = (value + (key.charCodeAt(i) << ((i * 5) % 24))) >>> 0;
  return ((Math.imul(1103515243, value) + 12345) >>> 0) % 512;
}

/** A section's keys as QEMU 7.2 holds them until the section ends: a QDict, the last value wins. */
interface PendingSection {
  /** "There is no option group" / "Duplicate ID": reported when the section is applied. */
  groupError: ConfigDiagnostic | null;
  /** Per key, in first-insertion order: the problem with its last value, if any. */
  keys: Map<string, ConfigDiagnostic | null>;
}

/** The problems of a section in QEMU's order: its group, then its keys as qemu_opts_from_qdict walks them. */
function sectionDiagnostics(pending: PendingSection): ConfigDiagnostic[] {
  if (pending.groupError) return [pending.groupError];
  // Bucket by bucket; inside a bucket the newest key comes first (QLIST_INSERT_HEAD).
  const keys = [...pending.keys.entries()].map(([key, diag], order) => ({ bucket: qdictBucket(key), order, diag }));
  keys.sort((a, b) => a.bucket - b.bucket || b.order - a.order);
  return keys.flatMap((k) => (k.diag ? [k.diag] : []));
}

/**
 * Parse the syntax of a rule file. `schema` names the groups and their typed keys. As in QEMU
 * 7.2 (qemu_config_foreach), a line that is no `key = "value"` fails at once, while a section's
 * group, keys and values are checked when the section ends, in QDict order.
 */
export function parseConfigFile(text: string, schema: GroupSchema): ParsedConfig {
  const sections: ConfigSection[] = [];
  const diagnostics: ConfigDiagnostic[] = [];
  let current: ConfigSection | null = null;
  // After a bad group header its options are not reported again (QEMU stops at the first error).
  let inBadGroup = false;
  let pending: PendingSection | null = null;
  const diag = (message: string, line: number, column: number, endColumn: number): ConfigDiagnostic => ({
    message,
    line,
    column,
    endColumn: Math.max(endColumn, column + 1),
  });
  const fail = (message: string, line: number, column: number, endColumn: number) => {
    diagnostics.push(diag(message, line, column, endColumn));
  };
  const flush = () => {
    if (pending) diagnostics.push(...sectionDiagnostics(pending));
    pending = null;
  };

  for (const { text: line, line: lineNo, column: base } of fgetsLines(text)) {
    if (line[0] === '\n' || line[0] === '#') continue;
    const lineEnd = base + line.replace(/\r?\n$/, '').length;

    // [group "id"] or [group]: sscanf counts assignments, so closing quotes/brackets are optional.
    if (line[0] === '[') {
      const withId = /^\[(\S{1,63})\s*"([^"]{1,63})/.exec(line);
      const plain = withId ? null : /^\[([^\]]{1,63})/.exec(line);
      const m = withId ?? plain;
      if (m) {
        const group = m[1];
        flush();
        pending = { groupError: null, keys: new Map() };
        if (!(group in schema)) {
          pending.groupError = diag(`There is no option group '${group}'`, lineNo, base + 1, base + 1 + group.length);
          current = null;
          inBadGroup = true;
          continue;
        }
        if (withId && sections.some((sec) => sec.group === group && sec.id === withId[2])) {
          pending.groupError = diag(`Duplicate ID '${withId[2]}' for ${group}`, lineNo, base + 1, base + line.trimEnd().length);
          current = null;
          inBadGroup = true;
          continue;
        }
        current = { group, line: lineNo, options: [] };
        inBadGroup = false;
        if (withId) current.id = withId[2];
        sections.push(current);
        continue;
      }
    }

    // key = "value"   (spaces around '=' may be any whitespace, quotes required)
    const key = scanToken(line, 0, MAX_NAME);
    if (!key) {
      fail('parse error', lineNo, base, lineEnd);
      continue;
    }
    // The value is everything up to the next quote (newline included, closing quote optional);
    // a line that does not have that shape counts as `key = ""` (QEMU's fallback sscanf).
    let value = '';
    let valueColumn = base + key.end;
    const afterEq = scanLiteral(line, key.end, ' = "');
    if (afterEq >= 0) {
      let j = afterEq;
      while (j < line.length && line[j] !== '"' && j - afterEq < MAX_VALUE) j++;
      if (j > afterEq) {
        value = line.slice(afterEq, j);
        valueColumn = base + afterEq;
      }
    }
    if (!current) {
      if (!inBadGroup) fail('no group defined', lineNo, base + key.start, base + key.end);
      continue;
    }
    const keys = schema[current.group];
    const type = keys[key.token];
    const known = pending!.keys;
    if (type === undefined) {
      known.set(key.token, diag(`Invalid parameter '${key.token}'`, lineNo, base + key.start, base + key.end));
      continue;
    }
    const typeError = checkType(key.token, value, type);
    known.set(key.token, typeError ? diag(typeError, lineNo, valueColumn, valueColumn + value.length) : null);
    if (typeError) continue;
    current.options.push({ key: key.token, value, line: lineNo, keyColumn: base + key.start, valueColumn });
  }
  flush();
  return { sections, diagnostics };
}

/** parse_option_number / parse_option_bool as qemu_opt_set applies them. */
export function checkType(key: string, value: string, type: OptionType): string | null {
  if (type === 'number') return optionNumberError(key, value);
  if (type === 'bool' && parseQemuBool(value) === undefined) return `Parameter '${key}' expects 'on' or 'off'`;
  return null;
}
