import { describe, expect, it } from 'vitest';
import { commandHint, commandWords, complete, formatCandidates, usageLine, type CommandLike } from '../../../../renderer/src/console/completion';
import { addToHistory, atDraft, HISTORY_KEY, HISTORY_LIMIT, historyDown, historyUp, loadHistory, saveHistory } from '../../../../renderer/src/console/history';
import { composeRequest, parsePattern } from '../../../../renderer/src/console/request-line';

const COMMANDS: CommandLike[] = [
  { name: 'aio_flush', oneline: 'completes all outstanding aio requests' },
  { name: 'aio_read', args: '[-Ciqv] [-P pattern] off len [len..]', oneline: 'asynchronously reads a number of bytes' },
  { name: 'aio_write', args: '[-Cfiquz] [-P pattern] off len [len..]', oneline: 'asynchronously writes a number of bytes' },
  { name: 'break', args: 'event tag', oneline: 'sets a breakpoint on event and tags the stopped request as tag' },
  { name: 'read', altname: 'r', args: '[-abCqv] [-P pattern [-s off] [-l len]] off len', oneline: 'reads a number of bytes at a specified offset' },
  { name: 'resume', args: 'tag', oneline: 'resumes the request tagged as tag' },
  { name: 'write', altname: 'w', args: '[-bcCfnquz] [-P pattern | -s source_file] off len', oneline: 'writes a number of bytes at a specified offset' },
  { name: 'writev', args: '[-Cfq] [-P pattern] off len [len..]', oneline: 'writes a number of bytes at a specified offset' },
  { name: 'map', args: '', oneline: 'prints the allocated areas of a file' },
];

describe('completion', () => {
  it('lists names and altnames once, sorted', () => {
    expect(commandWords(COMMANDS)).toEqual(['aio_flush', 'aio_read', 'aio_write', 'break', 'map', 'r', 'read', 'resume', 'w', 'write', 'writev']);
  });

  it('completes a unique command and adds a space', () => {
    expect(complete('br', 2, COMMANDS)).toEqual({ kind: 'unique', line: 'break ', cursor: 6 });
    expect(complete('  ma', 4, COMMANDS)).toEqual({ kind: 'unique', line: '  map ', cursor: 6 });
    // The cursor inside the word: the word is replaced, the arguments kept.
    expect(complete('bre write_aio A', 3, COMMANDS)).toEqual({ kind: 'unique', line: 'break write_aio A', cursor: 6 });
  });

  it('extends an ambiguous word to the common prefix, then reports no change', () => {
    expect(complete('a', 1, COMMANDS)).toEqual({ kind: 'ambiguous', line: 'aio_', cursor: 4, candidates: ['aio_flush', 'aio_read', 'aio_write'], changed: true });
    expect(complete('aio_', 4, COMMANDS)).toMatchObject({ kind: 'ambiguous', line: 'aio_', changed: false });
    expect(complete('writ', 4, COMMANDS)).toMatchObject({ kind: 'ambiguous', line: 'write', candidates: ['write', 'writev'], changed: true });
    expect(complete('w', 1, COMMANDS)).toMatchObject({ kind: 'ambiguous', candidates: ['w', 'write', 'writev'], changed: false });
  });

  it('does nothing past the command word or without a match', () => {
    expect(complete('write 0', 7, COMMANDS)).toEqual({ kind: 'none' });
    expect(complete('zz', 2, COMMANDS)).toEqual({ kind: 'none' });
  });

  it('lists candidates in readline columns (down, then across)', () => {
    expect(formatCandidates(['aio_flush', 'aio_read', 'aio_write'])).toBe('aio_flush  aio_read   aio_write');
    const many = Array.from({ length: 10 }, (_, i) => `command_${i}`);
    const text = formatCandidates(many, 40);
    expect(text.split('\n')).toEqual(['command_0  command_4  command_8', 'command_1  command_5  command_9', 'command_2  command_6', 'command_3  command_7']);
  });

  it('hints the usage of the command being typed', () => {
    expect(usageLine(COMMANDS[6])).toBe('write [-bcCfnquz] [-P pattern | -s source_file] off len -- writes a number of bytes at a specified offset');
    expect(usageLine(COMMANDS[8])).toBe('map -- prints the allocated areas of a file');
    expect(commandHint('write -P 0xab 0 4k', COMMANDS)).toBe(usageLine(COMMANDS[6]));
    expect(commandHint('r 0 512', COMMANDS)).toBe(usageLine(COMMANDS[4]));
    expect(commandHint('bre', COMMANDS)).toBe(usageLine(COMMANDS[3]));
    expect(commandHint('aio', COMMANDS)).toBe('aio_flush  aio_read  aio_write');
    expect(commandHint('nope 1', COMMANDS)).toBe("unknown command 'nope' (help lists them)");
    expect(commandHint('   ', COMMANDS)).toBeNull();
  });
});

describe('history', () => {
  it('keeps the last lines without blanks or repeats', () => {
    let h: string[] = [];
    for (const l of ['read 0 1', '  ', 'read 0 1', 'write 0 1', 'read 0 1']) h = addToHistory(h, l);
    expect(h).toEqual(['read 0 1', 'write 0 1', 'read 0 1']);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) h = addToHistory(h, `cmd ${i}`);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[h.length - 1]).toBe(`cmd ${HISTORY_LIMIT + 9}`);
  });

  it('walks Up and Down and gives back the draft', () => {
    const h = ['one', 'two'];
    let nav = atDraft(h);
    const up1 = historyUp(h, nav, 'typed')!;
    expect(up1.line).toBe('two');
    nav = up1.nav;
    const up2 = historyUp(h, nav, 'two')!;
    expect(up2.line).toBe('one');
    nav = up2.nav;
    expect(historyUp(h, nav, 'one')).toBeNull();
    const down1 = historyDown(h, nav)!;
    expect(down1.line).toBe('two');
    const down2 = historyDown(h, down1.nav)!;
    expect(down2.line).toBe('typed');
    expect(historyDown(h, down2.nav)).toBeNull();
    expect(historyUp([], atDraft([]), 'x')).toBeNull();
  });

  it('round-trips through storage and survives junk', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    saveHistory(storage, ['a', 'b']);
    expect(JSON.parse(data.get(HISTORY_KEY)!)).toEqual(['a', 'b']);
    expect(loadHistory(storage)).toEqual(['a', 'b']);
    data.set(HISTORY_KEY, '{not json');
    expect(loadHistory(storage)).toEqual([]);
    data.set(HISTORY_KEY, JSON.stringify(['x', 3, null, 'y']));
    expect(loadHistory(storage)).toEqual(['x', 'y']);
    expect(loadHistory(null)).toEqual([]);
  });
});

describe('request bar', () => {
  it('composes qemu-io lines', () => {
    expect(composeRequest({ op: 'aio_write', offset: '0', length: '4096', pattern: '0xab' })).toEqual({ ok: true, line: 'aio_write -P 0xab 0 4096' });
    expect(composeRequest({ op: 'aio_write', offset: '4096', length: '4k', pattern: '' })).toEqual({ ok: true, line: 'aio_write 4096 4k' });
    expect(composeRequest({ op: 'read', offset: '0', length: '512', pattern: '171' })).toEqual({ ok: true, line: 'read -P 171 0 512' });
    expect(composeRequest({ op: 'write -z', offset: '0', length: '1M', pattern: '0xab' })).toEqual({ ok: true, line: 'write -z 0 1M' });
    expect(composeRequest({ op: 'aio_flush', offset: 'x', length: '', pattern: '0xab' })).toEqual({ ok: true, line: 'aio_flush' });
    expect(composeRequest({ op: 'flush', offset: '', length: '', pattern: '' })).toEqual({ ok: true, line: 'flush' });
    expect(composeRequest({ op: 'discard', offset: '0x1000', length: '4096', pattern: '' })).toEqual({ ok: true, line: 'discard 0x1000 4096' });
  });

  it('refuses bad numbers and patterns', () => {
    expect(composeRequest({ op: 'write', offset: '', length: '1', pattern: '' })).toEqual({ ok: false, error: 'offset is empty' });
    expect(composeRequest({ op: 'write', offset: '0', length: 'abc', pattern: '' })).toMatchObject({ ok: false });
    expect(composeRequest({ op: 'write', offset: '0', length: '1', pattern: '0x100' })).toMatchObject({ ok: false });
    expect(parsePattern('0xab')).toBe(0xab);
    expect(parsePattern('255')).toBe(255);
    expect(parsePattern('017')).toBe(15);
    expect(parsePattern('256')).toBeNull();
    expect(parsePattern('-1')).toBeNull();
  });
});
