import { describe, expect, it } from 'vitest';
import { cursorContext, keysInSection, parseKeyValue, sectionAt } from '../../../../renderer/src/rules-editor/rule-context';
import { completionsAt, hoverAt } from '../../../../renderer/src/rules-editor/rule-language';
import { BLKDEBUG_EVENT_NAMES, COMMON_ERRNOS, ERRNO_NAMES } from '../../../../src/api';

const FILE = `# a comment
[set-state]
event = "write_aio"
state = "1"
new_state = "2"

[inject-error]
event = "wri"
errno = ""
once = "o"
iotype = "`;
const lines = FILE.split('\n');

/** Position of the `|` marker in a one-line probe. */
function at(text: string): { text: string; line: number; column: number } {
  const all = text.split('\n');
  const line = all.findIndex((l) => l.includes('|'));
  const column = all[line]!.indexOf('|') + 1;
  return { text: text.replace('|', ''), line: line + 1, column };
}

describe('rule-context', () => {
  it('finds the section a line belongs to', () => {
    expect(sectionAt(lines, 1)).toBeNull();
    expect(sectionAt(lines, 2)).toEqual({ name: 'set-state', line: 2 });
    expect(sectionAt(lines, 5)).toEqual({ name: 'set-state', line: 2 });
    expect(sectionAt(lines, 6)).toEqual({ name: 'set-state', line: 2 });
    expect(sectionAt(lines, 9)).toEqual({ name: 'inject-error', line: 7 });
  });

  it('lists the keys already in a section', () => {
    expect([...keysInSection(lines, 2)]).toEqual(['event', 'state', 'new_state']);
    expect([...keysInSection(lines, 7, 8)]).toEqual(['errno', 'once', 'iotype']);
  });

  it('splits key = "value" lines with 1-based columns', () => {
    expect(parseKeyValue('event = "wirte_aio"')).toEqual({
      key: 'event',
      keyColumn: 1,
      keyEndColumn: 6,
      value: 'wirte_aio',
      quoted: true,
      valueColumn: 10,
      valueEndColumn: 19,
    });
    expect(parseKeyValue('  state=2')).toMatchObject({ key: 'state', keyColumn: 3, value: '2', quoted: false, valueColumn: 9 });
    expect(parseKeyValue('[inject-error]')).toBeNull();
  });

  it('tells a header, a key at line start, a value and a comment apart', () => {
    expect(cursorContext(['[inj|'.replace('|', '')], 1, 5)).toMatchObject({ kind: 'header', word: 'inj', startColumn: 1, endColumn: 5 });
    // Monaco closed the bracket: the replacement covers it.
    expect(cursorContext(['[]'], 1, 2)).toMatchObject({ kind: 'header', word: '', startColumn: 1, endColumn: 3 });
    expect(cursorContext(lines, 8, 3)).toMatchObject({ kind: 'line-start', word: 'ev', section: { name: 'inject-error', line: 7 }, hasAssignment: true });
    expect(cursorContext(lines, 8, 10)).toMatchObject({ kind: 'value', key: 'event', value: '', quoted: true, startColumn: 10, endColumn: 13 });
    expect(cursorContext(lines, 8, 13)).toMatchObject({ kind: 'value', key: 'event', value: 'wri' });
    expect(cursorContext(lines, 8, 14)).toMatchObject({ kind: 'none' });
    expect(cursorContext(lines, 1, 5)).toMatchObject({ kind: 'none' });
    expect(cursorContext(['[set-state]', 'event = '], 2, 9)).toMatchObject({ kind: 'value', key: 'event', quoted: false, startColumn: 9 });
    // On a header line the cursor belongs to the section above.
    expect(cursorContext(lines, 7, 1).section).toEqual({ name: 'set-state', line: 2 });
  });
});

describe('completionsAt', () => {
  it('offers the section headers at the start of a line, as plain text that leaves the next line to the user', () => {
    const { text, line, column } = at('|');
    const items = completionsAt(text, line, column);
    expect(items.map((s) => s.label)).toEqual(['[inject-error]', '[set-state]']);
    expect(items[0]).toMatchObject({ insertText: '[inject-error]', kind: 'section' });
    // No snippet session and no reopened suggestions to swallow the Enter and the line after it.
    expect(items.filter((s) => s.snippet || s.retrigger)).toEqual([]);
    expect(items[0]!.documentation).toMatch(/errno/);
    const bracket = at('[|]');
    expect(completionsAt(bracket.text, bracket.line, bracket.column).map((s) => [s.label, s.startColumn, s.endColumn])).toEqual([
      ['[inject-error]', 1, 3],
      ['[set-state]', 1, 3],
    ]);
  });

  it('offers the attributes of the section the cursor is in, minus those already set, with docs', () => {
    const inject = at('[inject-error]\nevent = "read_aio"\n|');
    const labels = completionsAt(inject.text, inject.line, inject.column).map((s) => s.label);
    expect(labels).toEqual(['state', 'errno', 'sector', 'once', 'immediately', 'iotype', '[inject-error]', '[set-state]']);
    const set = at('[set-state]\n  ne|');
    const items = completionsAt(set.text, set.line, set.column);
    expect(items.map((s) => s.label)).toEqual(['event', 'state', 'new_state']);
    const ev = items[0]!;
    expect(ev).toMatchObject({ insertText: 'event = "$1"', snippet: true, retrigger: true, startColumn: 3, endColumn: 5, kind: 'attribute' });
    expect(ev.documentation).toBe('The blkdebug event that triggers the transition.');
    // Editing the name of an existing key: only the name is replaced.
    const rename = at('[set-state]\nnew|_state = "2"');
    expect(completionsAt(rename.text, rename.line, rename.column).find((s) => s.label === 'new_state')).toMatchObject({
      insertText: 'new_state',
      snippet: false,
      startColumn: 1,
      endColumn: 10,
    });
  });

  it('offers every event inside event = "..." with its one-line doc', () => {
    const { text, line, column } = at('[inject-error]\nevent = "wri|"');
    const items = completionsAt(text, line, column);
    expect(items.map((s) => s.label)).toEqual(BLKDEBUG_EVENT_NAMES);
    const write = items.find((s) => s.label === 'write_aio')!;
    expect(write).toMatchObject({ insertText: 'write_aio', kind: 'event', startColumn: 10, endColumn: 13, detail: 'A format driver (raw, qcow2) writes guest data to its file.' });
    // Without quotes yet, the value comes quoted.
    const bare = at('[set-state]\nevent = |');
    expect(completionsAt(bare.text, bare.line, bare.column)[0]!.insertText).toBe('"l1_update"');
  });

  it('offers errno names that insert numbers, the common ones first', () => {
    const { text, line, column } = at('[inject-error]\nevent = "read_aio"\nerrno = "|"');
    const items = completionsAt(text, line, column);
    expect(items).toHaveLength(ERRNO_NAMES.length);
    const sorted = [...items].sort((a, b) => a.sortText.localeCompare(b.sortText));
    expect(sorted.slice(0, COMMON_ERRNOS.length).map((s) => s.label.split(' ')[0])).toEqual([...COMMON_ERRNOS]);
    expect(items.find((s) => s.label === 'ENOSPC (28)')).toMatchObject({ insertText: '28', detail: 'No space left on device', filterText: 'ENOSPC 28' });
  });

  it('offers io types and booleans, nothing for numbers, comments or set-state errnos', () => {
    const io = at('[inject-error]\niotype = "|"');
    expect(completionsAt(io.text, io.line, io.column).map((s) => s.label)).toEqual(['read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status']);
    const once = at('[inject-error]\nonce = "|"');
    expect(completionsAt(once.text, once.line, once.column).map((s) => s.label)).toEqual(['on', 'off', 'yes', 'no', 'true', 'false']);
    const state = at('[inject-error]\nstate = "|"');
    expect(completionsAt(state.text, state.line, state.column)).toEqual([]);
    const comment = at('# ev|');
    expect(completionsAt(comment.text, comment.line, comment.column)).toEqual([]);
  });
});

describe('hoverAt', () => {
  const text = '[inject-error]\nevent = "write_aio"\nerrno = "28"\nonce = "on"\n[set-state]\nnew_state = "2"';
  it('documents section names, keys, events and errno numbers', () => {
    expect(hoverAt(text, 1, 3)).toEqual({ contents: ['**[inject-error]**', 'Fail the requests that match with an errno (default EIO).'], startColumn: 1, endColumn: 15 });
    expect(hoverAt(text, 2, 2)).toMatchObject({ contents: ['**event** (required) · inject-error', 'The blkdebug event that triggers the rule.'], startColumn: 1, endColumn: 6 });
    expect(hoverAt(text, 2, 12)).toMatchObject({ contents: ['**write_aio** (blkdebug event)', 'A format driver (raw, qcow2) writes guest data to its file.'], startColumn: 10, endColumn: 19 });
    expect(hoverAt(text, 3, 11)).toMatchObject({ contents: ['**ENOSPC** (28): No space left on device'] });
    expect(hoverAt(text, 6, 3)!.contents[0]).toBe('**new_state** · set-state');
  });

  it('has nothing to say about other places', () => {
    expect(hoverAt(text, 2, 7)).toBeNull();
    expect(hoverAt(text, 4, 9)).toBeNull();
    expect(hoverAt('[bogus]', 1, 2)).toBeNull();
    expect(hoverAt('[inject-error]\nevent = "nope"', 2, 11)).toBeNull();
  });
});
