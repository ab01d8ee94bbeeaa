import { describe, expect, it } from 'vitest';
import {
  addSection,
  buildModel,
  changeGroup,
  deleteSection,
  moveSection,
  removeAttribute,
  scanOptionLine,
  sectionAt,
  setAttribute,
  writeAttribute,
} from '../../../../renderer/src/rule-builder/rule-text';
import { applyTextEdits } from '../../../../renderer/src/rules/text-edits';
import { outlineRuleFile } from '../../../../src/block/drivers/blkdebug';
import type { RuleLint } from '../../../../src/api';

/** The engine's parse, shaped as lintRules returns it (Session.lintRules). */
function lintOf(text: string): RuleLint {
  const { diagnostics, sections } = outlineRuleFile(text);
  return {
    diagnostics: diagnostics.map((d) => ({ message: d.message, line: d.line, column: d.column, endColumn: d.endColumn })),
    sections: sections.map((s) => ({
      group: s.group,
      ...(s.id === undefined ? {} : { id: s.id }),
      line: s.line,
      options: s.options.map((o) => ({ key: o.key, value: o.value, line: o.line, keyColumn: o.keyColumn, valueColumn: o.valueColumn, valueEndColumn: o.valueColumn + o.value.length })),
    })),
  };
}

const headers = (text: string) => lintOf(text).sections.map((s) => s.line);

/** A file with comments, odd spacing, tabs and aligned keys. */
const FILE = [
  '# Fail the second write, after the first one moved to state 2.',
  '',
  '# the transition',
  '[set-state]',
  '  event    = "write_aio"',
  '  state    = "1"',
  '  new_state  =   "2"',
  '',
  '# trailing remark about set-state',
  '',
  '## the error',
  '# (two comment lines)',
  '[inject-error]',
  'event =  "write_aio"',
  '\tstate  =  "2"',
  '# inside the block',
  'errno = "5"',
  '# after the block',
  '',
  '[inject-error]',
  'event = "read_aio"',
  'once = "on"',
  '',
].join('\n');

describe('buildModel', () => {
  it('reads sections, options as written, attached comments and block ends', () => {
    const model = buildModel(FILE, lintOf(FILE));
    expect(model.map((s) => [s.group, s.line, s.start, s.end])).toEqual([
      ['set-state', 4, 3, 7],
      ['inject-error', 13, 11, 17],
      ['inject-error', 20, 20, 22],
    ]);
    expect(model[0]!.values).toEqual({ event: 'write_aio', state: '1', new_state: '2' });
    expect(model[1]!.values).toEqual({ event: 'write_aio', state: '2', errno: '5' });
  });

  it('keeps invalid values as written (the engine drops them from its sections)', () => {
    const text = '[inject-error]\nevent = "write_aio"\nstate = "two"\nonce = "maybe"\n';
    const lint = lintOf(text);
    expect(lint.sections[0]!.options.map((o) => o.key)).toEqual(['event']);
    const [s] = buildModel(text, lint);
    expect(s!.values).toEqual({ event: 'write_aio', state: 'two', once: 'maybe' });
    expect(s!.end).toBe(4);
  });

  it('scans lines like QEMU: no quotes, unclosed quote, empty value', () => {
    expect(scanOptionLine('state = 2', 3)).toMatchObject({ key: 'state', value: '', quoted: false });
    expect(scanOptionLine('state = "2', 3)).toMatchObject({ key: 'state', value: '2', quoted: true, closed: false, valueColumn: 10, valueEndColumn: 11 });
    expect(scanOptionLine('  errno = ""', 1)).toMatchObject({ key: 'errno', value: '', quoted: true, closed: true, valueColumn: 12, valueEndColumn: 12 });
  });

  it('finds the section around a line', () => {
    const model = buildModel(FILE, lintOf(FILE));
    expect(sectionAt(model, 13)?.line).toBe(13);
    expect(sectionAt(model, 15)?.line).toBe(13);
    expect(sectionAt(model, 11)?.line).toBe(13);
    expect(sectionAt(model, 19)).toBeNull();
    expect(sectionAt(model, null)).toBeNull();
  });
});

function edit(text: string, f: (t: string, l: RuleLint) => ReturnType<typeof setAttribute>): string {
  return applyTextEdits(text, f(text, lintOf(text)));
}

/** Lines of b equal those of a except `changed` (line numbers in a) . */
function sameExcept(a: string, b: string, changed: number[]) {
  const al = a.split('\n');
  const bl = b.split('\n');
  expect(bl.length).toBe(al.length);
  al.forEach((l, i) => {
    if (!changed.includes(i + 1)) expect(bl[i]).toBe(l);
  });
}

describe('setAttribute', () => {
  it('replaces only the value between the quotes, whatever the spacing', () => {
    const out = edit(FILE, (t, l) => setAttribute(t, l, 13, 'state', '3'));
    expect(out.split('\n')[14]).toBe('\tstate  =  "3"');
    sameExcept(FILE, out, [15]);
    const out2 = edit(FILE, (t, l) => setAttribute(t, l, 4, 'new_state', '17'));
    expect(out2.split('\n')[6]).toBe('  new_state  =   "17"');
    sameExcept(FILE, out2, [7]);
  });

  it('does nothing when the value is already there', () => {
    expect(setAttribute(FILE, lintOf(FILE), 13, 'state', '2')).toEqual([]);
  });

  it('inserts a missing key after the last option line, not after trailing comments', () => {
    const out = edit(FILE, (t, l) => setAttribute(t, l, 13, 'sector', '8'));
    const lines = out.split('\n');
    expect(lines.slice(15, 19)).toEqual(['# inside the block', 'errno = "5"', 'errno = "8"'.replace('errno', 'sector'), '# after the block']);
    expect(out.replace('sector = "8"\n', '')).toBe(FILE);
  });

  it('copies the section siblings style: indentation and aligned =', () => {
    const out = edit(FILE, (t, l) => setAttribute(t, l, 4, 'event', 'x'));
    expect(out).toBe(FILE.replace('"write_aio"', '"x"'));
    const aligned = '[inject-error]\n    event  = "write_aio"\n    errno  = "5"\n';
    expect(edit(aligned, (t, l) => setAttribute(t, l, 1, 'once', 'on'))).toBe('[inject-error]\n    event  = "write_aio"\n    errno  = "5"\n    once   = "on"\n');
    const tabs = '[inject-error]\n\tevent\t=\t"write_aio"\n';
    expect(edit(tabs, (t, l) => setAttribute(t, l, 1, 'state', '2'))).toBe('[inject-error]\n\tevent\t=\t"write_aio"\n\tstate\t=\t"2"\n');
  });

  it('takes the style of another section when its own has no option', () => {
    const text = '[inject-error]\n  event = "read_aio"\n\n[set-state]\n';
    expect(edit(text, (t, l) => setAttribute(t, l, 4, 'event', 'flush_to_disk'))).toBe('[inject-error]\n  event = "read_aio"\n\n[set-state]\n  event = "flush_to_disk"\n');
  });

  it('inserts at the end of a text without a final line break', () => {
    const text = '[set-state]\nevent = "write_aio"';
    expect(edit(text, (t, l) => setAttribute(t, l, 1, 'new_state', '2'))).toBe('[set-state]\nevent = "write_aio"\nnew_state = "2"');
  });

  it('replaces an invalid value as written, and mends a line without quotes or closing quote', () => {
    const text = '[inject-error]\nevent = "write_aio"\nstate = "two"\nsector = 9\nerrno  =  "5\n';
    let out = edit(text, (t, l) => setAttribute(t, l, 1, 'state', '2'));
    expect(out).toBe(text.replace('"two"', '"2"'));
    out = edit(out, (t, l) => setAttribute(t, l, 1, 'sector', '10'));
    expect(out).toContain('\nsector = "10"\n');
    out = edit(out, (t, l) => setAttribute(t, l, 1, 'errno', '28'));
    expect(out).toBe('[inject-error]\nevent = "write_aio"\nstate = "2"\nsector = "10"\nerrno  =  "28"\n');
  });

  it('fills an empty value in place', () => {
    const text = '[inject-error]\nevent = "write_aio"\nerrno = ""\n';
    expect(edit(text, (t, l) => setAttribute(t, l, 1, 'errno', '12'))).toBe('[inject-error]\nevent = "write_aio"\nerrno = "12"\n');
  });

  it('edits the last of duplicated keys (the one QEMU uses) and strips quotes from values', () => {
    const text = '[inject-error]\nevent = "read_aio"\nevent = "write_aio"\n';
    expect(edit(text, (t, l) => setAttribute(t, l, 1, 'event', 'fl"ush'))).toBe('[inject-error]\nevent = "read_aio"\nevent = "flush"\n');
  });

  it('keeps CRLF line endings', () => {
    const text = '[inject-error]\r\nevent = "write_aio"\r\n';
    expect(edit(text, (t, l) => setAttribute(t, l, 1, 'state', '2'))).toBe('[inject-error]\r\nevent = "write_aio"\r\nstate = "2"\r\n');
  });
});

describe('removeAttribute', () => {
  it('removes the whole line and nothing else', () => {
    const out = edit(FILE, (t, l) => removeAttribute(t, l, 13, 'state'));
    expect(out).toBe(FILE.replace('\tstate  =  "2"\n', ''));
  });

  it('removes every line of a duplicated key, and the last line of a text', () => {
    const text = '[inject-error]\nonce = "on"\nonce = "off"\nevent = "x"\nonce = "on"';
    expect(edit(text, (t, l) => removeAttribute(t, l, 1, 'once'))).toBe('[inject-error]\nevent = "x"');
  });

  it('writeAttribute removes on an empty value', () => {
    expect(edit(FILE, (t, l) => writeAttribute(t, l, 20, 'once', ''))).toBe(FILE.replace('once = "on"\n', ''));
    expect(edit(FILE, (t, l) => writeAttribute(t, l, 20, 'once', 'off'))).toBe(FILE.replace('once = "on"', 'once = "off"'));
  });
});

describe('addSection', () => {
  const add = (text: string, values: Record<string, string>, group: 'inject-error' | 'set-state' = 'inject-error') => {
    const { edits, headerLine } = addSection(text, lintOf(text), group, values);
    const out = applyTextEdits(text, edits);
    expect(out.split('\n')[headerLine - 1]).toBe(`[${group}]`);
    expect(lintOf(out).diagnostics).toEqual([]);
    return out;
  };

  it('writes keys in the natural order, leaving empty ones out', () => {
    expect(add('', { iotype: 'write', once: 'on', sector: '8', errno: '28', state: '2', event: 'write_aio', immediately: '' })).toBe(
      '[inject-error]\nevent = "write_aio"\nstate = "2"\nerrno = "28"\nsector = "8"\nonce = "on"\niotype = "write"\n',
    );
    expect(add('', { new_state: '2', event: 'write_aio', state: '1', errno: '5' }, 'set-state')).toBe('[set-state]\nevent = "write_aio"\nstate = "1"\nnew_state = "2"\n');
  });

  it('appends after exactly one blank line', () => {
    const body = '[set-state]\nevent = "read_aio"\nnew_state = "2"\n';
    const tail = '\n[inject-error]\nevent = "write_aio"\n';
    expect(add(body, { event: 'write_aio' })).toBe(body + tail);
    expect(add(body.trimEnd(), { event: 'write_aio' })).toBe(body + tail);
    expect(add(`${body}\n`, { event: 'write_aio' })).toBe(body + tail);
    expect(add('# only a comment\n', { event: 'write_aio' })).toBe(`# only a comment\n${tail}`);
    expect(add('\n\n', { event: 'write_aio' })).toBe('[inject-error]\nevent = "write_aio"\n');
  });

  it('leaves the existing text byte-identical and copies its style', () => {
    const out = add(FILE, { event: 'flush_to_disk', state: '3' });
    expect(out.startsWith(FILE)).toBe(true);
    expect(out.slice(FILE.length)).toBe('\n[inject-error]\nevent = "flush_to_disk"\nstate = "3"\n');
    const indented = '[set-state]\n  event = "read_aio"\n';
    expect(add(indented, { event: 'none' })).toBe('[set-state]\n  event = "read_aio"\n\n[inject-error]\n  event = "none"\n');
  });
});

describe('deleteSection', () => {
  it('removes attached comments, the block and one blank line; later comments stay', () => {
    const out = edit(FILE, (t, l) => deleteSection(t, l, 13));
    expect(out).toBe(
      [
        '# Fail the second write, after the first one moved to state 2.',
        '',
        '# the transition',
        '[set-state]',
        '  event    = "write_aio"',
        '  state    = "1"',
        '  new_state  =   "2"',
        '',
        '# trailing remark about set-state',
        '# after the block',
        '',
        '[inject-error]',
        'event = "read_aio"',
        'once = "on"',
        '',
      ].join('\n'),
    );
  });

  it('deletes the first section with the blank line after it', () => {
    const text = '[a]\n'.replace('[a]', '[set-state]') + 'event = "x"\n\n[inject-error]\nevent = "y"\n';
    expect(edit(text, (t, l) => deleteSection(t, l, 1))).toBe('[inject-error]\nevent = "y"\n');
  });

  it('deletes the last section with the blank line before it', () => {
    const text = '[set-state]\nevent = "x"\n\n[inject-error]\nevent = "y"\n';
    expect(edit(text, (t, l) => deleteSection(t, l, 4))).toBe('[set-state]\nevent = "x"\n');
    expect(edit(text.trimEnd(), (t, l) => deleteSection(t, l, 4))).toBe('[set-state]\nevent = "x"');
  });

  it('deletes the only section', () => {
    expect(edit('[inject-error]\nevent = "y"\n', (t, l) => deleteSection(t, l, 1))).toBe('');
    expect(edit('# keep me\n\n[inject-error]\nevent = "y"\n', (t, l) => deleteSection(t, l, 3))).toBe('# keep me\n');
  });

  it('deletes the last section of FILE', () => {
    expect(edit(FILE, (t, l) => deleteSection(t, l, 20))).toBe(FILE.replace('\n[inject-error]\nevent = "read_aio"\nonce = "on"\n', ''));
  });
});

describe('moveSection', () => {
  it('swaps two blocks with their comments; what lies between stays', () => {
    const lint = lintOf(FILE);
    const moved = moveSection(FILE, lint, 13, 'up')!;
    const out = applyTextEdits(FILE, moved.edits);
    expect(out).toBe(
      [
        '# Fail the second write, after the first one moved to state 2.',
        '',
        '## the error',
        '# (two comment lines)',
        '[inject-error]',
        'event =  "write_aio"',
        '\tstate  =  "2"',
        '# inside the block',
        'errno = "5"',
        '',
        '# trailing remark about set-state',
        '',
        '# the transition',
        '[set-state]',
        '  event    = "write_aio"',
        '  state    = "1"',
        '  new_state  =   "2"',
        '# after the block',
        '',
        '[inject-error]',
        'event = "read_aio"',
        'once = "on"',
        '',
      ].join('\n'),
    );
    expect(moved.headerLine).toBe(5);
    expect(headers(out)).toEqual([5, 14, 20]);
  });

  it('moves down and back up to the very same text', () => {
    const down = moveSection(FILE, lintOf(FILE), 4, 'down')!;
    const once = applyTextEdits(FILE, down.edits);
    expect(once.split('\n')[down.headerLine - 1]).toBe('[set-state]');
    const up = moveSection(once, lintOf(once), down.headerLine, 'up')!;
    const back = applyTextEdits(once, up.edits);
    expect(back).toBe(FILE);
    expect(up.headerLine).toBe(4);
  });

  it('moves the last section up when the text has no final line break', () => {
    const text = '[set-state]\nevent = "a"\n[inject-error]\nevent = "b"';
    const moved = moveSection(text, lintOf(text), 3, 'up')!;
    expect(applyTextEdits(text, moved.edits)).toBe('[inject-error]\nevent = "b"\n[set-state]\nevent = "a"');
    expect(moved.headerLine).toBe(1);
  });

  it('returns null at either end', () => {
    expect(moveSection(FILE, lintOf(FILE), 4, 'up')).toBeNull();
    expect(moveSection(FILE, lintOf(FILE), 20, 'down')).toBeNull();
  });
});

describe('changeGroup', () => {
  it('renames the header and drops keys the new group does not take', () => {
    const out = edit(FILE, (t, l) => changeGroup(t, l, 13, 'set-state'));
    expect(out).toBe(FILE.replace('[inject-error]\nevent =  "write_aio"', '[set-state]\nevent =  "write_aio"').replace('errno = "5"\n', ''));
  });
});

describe('round trips keep unrelated bytes', () => {
  it('set then set back, add then delete, every section', () => {
    const model = buildModel(FILE, lintOf(FILE));
    for (const s of model) {
      for (const [key, value] of Object.entries(s.values)) {
        const changed = edit(FILE, (t, l) => setAttribute(t, l, s.line, key, `${value}9`));
        expect(changed).not.toBe(FILE);
        expect(edit(changed, (t, l) => setAttribute(t, l, s.line, key, value))).toBe(FILE);
      }
      const added = edit(FILE, (t, l) => setAttribute(t, l, s.line, 'state', '42'));
      const lint = lintOf(added);
      const back = s.values.state === undefined ? removeAttribute(added, lint, s.line, 'state') : setAttribute(added, lint, s.line, 'state', s.values.state);
      expect(applyTextEdits(added, back)).toBe(FILE);
    }
    const { edits, headerLine } = addSection(FILE, lintOf(FILE), 'set-state', { event: 'none', new_state: '3' });
    const withNew = applyTextEdits(FILE, edits);
    expect(edit(withNew, (t, l) => deleteSection(t, l, headerLine))).toBe(FILE);
  });

  it('text → model → edit → text through many moves', () => {
    let text = FILE;
    let at = 20;
    for (const dir of ['up', 'up', 'down', 'down'] as const) {
      const moved = moveSection(text, lintOf(text), at, dir)!;
      text = applyTextEdits(text, moved.edits);
      at = moved.headerLine;
      expect(text.split('\n')[at - 1]).toBe('[inject-error]');
      expect(buildModel(text, lintOf(text)).find((s) => s.line === at)!.values).toEqual({ event: 'read_aio', once: 'on' });
    }
    expect(text).toBe(FILE);
  });
});
