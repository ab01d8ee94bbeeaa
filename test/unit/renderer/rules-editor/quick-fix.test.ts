import { describe, expect, it } from 'vitest';
import type { RuleDiagnostic } from '../../../../src/api';
import { quickFixFor } from '../../../../renderer/src/rules-editor/quick-fix';

const lines = (text: string) => text.split('\n');
const diag = (message: string, line: number, column: number, endColumn = column + 1): RuleDiagnostic => ({ message, line, column, endColumn });

describe('quickFixFor', () => {
  it('suggests the event for a misspelt event name, at the value', () => {
    const text = lines('[inject-error]\nevent = "wirte_aio"\n');
    expect(quickFixFor(diag('invalid parameter value: wirte_aio', 2, 10, 19), text)).toEqual({
      title: 'did you mean write_aio?',
      hint: "did you mean 'write_aio'?",
      text: 'write_aio',
      word: 'wirte_aio',
      line: 2,
      startColumn: 10,
      endColumn: 19,
    });
  });

  it('suggests the I/O type for a misspelt iotype', () => {
    const text = lines('[inject-error]\nevent = "read_aio"\niotype = "wrte"');
    expect(quickFixFor(diag('invalid parameter value: wrte', 3, 11), text)).toMatchObject({ text: 'write', word: 'wrte', startColumn: 11, endColumn: 15 });
  });

  it("suggests the section's key for a misspelt key, else any section's", () => {
    expect(quickFixFor(diag("Invalid parameter 'evnet'", 2, 1), lines('[inject-error]\nevnet = "write_aio"'))).toMatchObject({ title: 'did you mean event?', text: 'event', startColumn: 1, endColumn: 6 });
    expect(quickFixFor(diag("Invalid parameter 'errnoo'", 3, 1), lines('[inject-error]\nevent = "write_aio"\nerrnoo = "5"'))).toMatchObject({ text: 'errno', endColumn: 7 });
    expect(quickFixFor(diag("Invalid parameter 'new_stat'", 3, 1), lines('[set-state]\nevent = "write_aio"\nnew_stat = "2"'))).toMatchObject({ text: 'new_state' });
    // An inject-error key in a set-state section is still a key QEMU knows somewhere.
    expect(quickFixFor(diag("Invalid parameter 'erno'", 2, 1), lines('[set-state]\nerno = "5"'))).toMatchObject({ text: 'errno' });
  });

  it('suggests the section name for a misspelt group', () => {
    expect(quickFixFor(diag("There is no option group 'inject-errr'", 1, 2), lines('[inject-errr]\nevent = "write_aio"'))).toMatchObject({ text: 'inject-error', startColumn: 2, endColumn: 13 });
  });

  it('turns an errno name into its number, misspelt or not', () => {
    const text = lines('[inject-error]\nevent = "write_aio"\nerrno = "EIOO"\nerrno = "ENOSPC"');
    expect(quickFixFor(diag("Parameter 'errno' expects a number", 3, 10), text)).toEqual({
      title: 'did you mean 5 (EIO)?',
      hint: 'did you mean 5 (EIO)?',
      text: '5',
      word: 'EIOO',
      line: 3,
      startColumn: 10,
      endColumn: 14,
    });
    expect(quickFixFor(diag("Parameter 'errno' expects a number", 4, 10), text)).toMatchObject({ title: 'use 28 (ENOSPC)', hint: 'ENOSPC is errno 28', text: '28', endColumn: 16 });
  });

  it('suggests on or off for a misspelt boolean', () => {
    expect(quickFixFor(diag("Parameter 'once' expects 'on' or 'off'", 3, 9), lines('[inject-error]\nevent = "write_aio"\nonce = "onn"'))).toMatchObject({ text: 'on', word: 'onn' });
  });

  it('offers nothing for words too far off, other messages, or text that moved on', () => {
    expect(quickFixFor(diag('invalid parameter value: banana', 2, 10), lines('[inject-error]\nevent = "banana"'))).toBeNull();
    expect(quickFixFor(diag('Missing event name for rule', 1, 1), lines('[inject-error]'))).toBeNull();
    expect(quickFixFor(diag('invalid parameter value: wirte_aio', 2, 10), lines('[inject-error]\nevent = "write_aio"'))).toBeNull();
    expect(quickFixFor(diag("Parameter 'state' expects a number", 2, 10), lines('[inject-error]\nstate = "two"'))).toBeNull();
    expect(quickFixFor(diag("Invalid parameter 'evnet'", 5, 1), lines('[inject-error]'))).toBeNull();
  });
});
