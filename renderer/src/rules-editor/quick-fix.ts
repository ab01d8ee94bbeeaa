// "Did you mean ...?" for the engine's rule diagnostics: a misspelt event, key, section, errno
// name, I/O type or on/off. Pure: the engine's messages stay QEMU's; the editor adds the
// suggestion to its marker and offers it as a quick fix (rule-monaco.ts).
import { BLKDEBUG_EVENT_NAMES, BLKDEBUG_IO_TYPES, ERRNO_NAMES, RULE_SECTIONS, type RuleDiagnostic, type RuleSectionName } from '../../../src/api';
import { didYouMean } from '../../../src/common/did-you-mean';
import { attributeDoc, isSectionName, parseKeyValue, sectionAt } from './rule-context';

export interface QuickFix {
  /** The quick fix's title: `did you mean write_aio?`. */
  title: string;
  /** Appended to the diagnostic's message in the editor: `did you mean 'write_aio'?`. */
  hint: string;
  /** The text to put in place of [startColumn, endColumn) on `line`, which holds `word`. */
  text: string;
  word: string;
  line: number;
  startColumn: number;
  endColumn: number;
}

const SECTION_NAMES = Object.keys(RULE_SECTIONS) as RuleSectionName[];
const ALL_KEYS = [...new Set(SECTION_NAMES.flatMap((s) => RULE_SECTIONS[s].attributes.map((a) => a.key)))];

const INVALID_VALUE = /^invalid parameter value: (.*)$/;
const INVALID_KEY = /^Invalid parameter '(.*)'$/;
const NO_GROUP = /^There is no option group '(.*)'$/;
const EXPECTS_NUMBER = /^Parameter '(.*)' expects a number$/;
const EXPECTS_BOOL = /^Parameter '(.*)' expects 'on' or 'off'$/;

function replaceWord(d: RuleDiagnostic, word: string, suggestion: string | undefined): QuickFix | null {
  if (suggestion === undefined) return null;
  return { title: `did you mean ${suggestion}?`, hint: `did you mean '${suggestion}'?`, text: suggestion, word, line: d.line, startColumn: d.column, endColumn: d.column + word.length };
}

/** The word the diagnostic points at, checked against the text (null if the text moved on). */
function wordAt(d: RuleDiagnostic, lines: readonly string[], word: string): boolean {
  const lineText = lines[d.line - 1];
  return lineText !== undefined && lineText.slice(d.column - 1, d.column - 1 + word.length) === word;
}

function errnoFix(d: RuleDiagnostic, value: string): QuickFix | null {
  const exact = ERRNO_NAMES.find((e) => e.name === value);
  const name = exact?.name ?? didYouMean(value, ERRNO_NAMES.map((e) => e.name), { ignoreCase: true });
  const errno = name === undefined ? undefined : ERRNO_NAMES.find((e) => e.name === name);
  if (!errno) return null;
  const range = { text: String(errno.value), word: value, line: d.line, startColumn: d.column, endColumn: d.column + value.length };
  return exact
    ? { title: `use ${errno.value} (${errno.name})`, hint: `${errno.name} is errno ${errno.value}`, ...range }
    : { title: `did you mean ${errno.value} (${errno.name})?`, hint: `did you mean ${errno.value} (${errno.name})?`, ...range };
}

/** The fix for one of the engine's diagnostics on `lines` (the text it was made for), if any. */
export function quickFixFor(d: RuleDiagnostic, lines: readonly string[]): QuickFix | null {
  const lineText = lines[d.line - 1] ?? '';
  const section = sectionAt(lines, d.line)?.name ?? null;
  let m: RegExpExecArray | null;

  if ((m = INVALID_VALUE.exec(d.message))) {
    const value = m[1]!;
    if (!wordAt(d, lines, value)) return null;
    const kind = attributeDoc(parseKeyValue(lineText)?.key ?? '', section)?.attr.kind;
    if (kind === 'event') return replaceWord(d, value, didYouMean(value, BLKDEBUG_EVENT_NAMES));
    if (kind === 'iotype') return replaceWord(d, value, didYouMean(value, BLKDEBUG_IO_TYPES));
    return null;
  }
  if ((m = INVALID_KEY.exec(d.message))) {
    const key = m[1]!;
    if (!wordAt(d, lines, key)) return null;
    const own = section !== null && isSectionName(section) ? RULE_SECTIONS[section].attributes.map((a) => a.key) : [];
    return replaceWord(d, key, didYouMean(key, own) ?? didYouMean(key, ALL_KEYS));
  }
  if ((m = NO_GROUP.exec(d.message))) {
    const group = m[1]!;
    if (!wordAt(d, lines, group)) return null;
    return replaceWord(d, group, didYouMean(group, SECTION_NAMES));
  }
  if ((m = EXPECTS_NUMBER.exec(d.message))) {
    const kv = parseKeyValue(lineText);
    if (m[1] !== 'errno' || !kv || kv.valueColumn !== d.column) return null;
    return errnoFix(d, kv.value);
  }
  if ((m = EXPECTS_BOOL.exec(d.message))) {
    const kv = parseKeyValue(lineText);
    if (!kv || kv.valueColumn !== d.column) return null;
    return replaceWord(d, kv.value, didYouMean(kv.value, ['on', 'off'], { ignoreCase: true, maxDistance: 1 }));
  }
  return null;
}
