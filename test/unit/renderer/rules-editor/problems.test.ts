import { describe, expect, it } from 'vitest';
import { BLKDEBUG_LANGUAGE_ID, blkdebugMonarch } from '../../../../renderer/src/rules-editor/monarch';
import { isModified, mergeProblems, outcomeText, problemLabel } from '../../../../renderer/src/rules-editor/problems';

const typo = { message: 'invalid parameter value: wirte_aio', line: 3, column: 10, endColumn: 19 };
const group = { message: 'no group defined', line: 1, column: 1, endColumn: 2 };

describe('problems', () => {
  it('merges the parse and the last Apply without duplicates, in text order', () => {
    expect(mergeProblems([typo], [typo, group])).toEqual([
      { ...group, source: 'apply' },
      { ...typo, source: 'lint' },
    ]);
    expect(mergeProblems(null, null)).toEqual([]);
  });

  it('labels problems as line:column message', () => {
    expect(problemLabel(typo)).toBe('3:10 invalid parameter value: wirte_aio');
  });

  it('words the outcome of Apply', () => {
    expect(outcomeText({ kind: 'applied' })).toBe('Applied');
    expect(outcomeText({ kind: 'problems', count: 1 })).toBe('1 problem');
    expect(outcomeText({ kind: 'problems', count: 3 })).toBe('3 problems');
    expect(outcomeText({ kind: 'error', message: 'no blkdebug node' })).toBe('no blkdebug node');
  });

  it('is modified when the text differs from what was applied', () => {
    expect(isModified('a', 'a')).toBe(false);
    expect(isModified('a', 'b')).toBe(true);
    expect(isModified('', null)).toBe(false);
    expect(isModified('[set-state]', null)).toBe(true);
  });
});

describe('monarch', () => {
  it('has the tokens the theme colours', () => {
    expect(BLKDEBUG_LANGUAGE_ID).toBe('blkdebug');
    const tokens = JSON.stringify(blkdebugMonarch.tokenizer);
    for (const t of ['comment', 'type.section', 'key', 'string', 'number']) expect(tokens).toContain(`"${t}"`);
    const [comment, header, key] = blkdebugMonarch.tokenizer.root as unknown as [RegExp, unknown][];
    expect((comment![0] as RegExp).test('# x')).toBe(true);
    expect((header![0] as RegExp).exec('[inject-error]')?.[3]).toBe('inject-error');
    expect((key![0] as RegExp).exec('new_state = "2"')?.[2]).toBe('new_state');
  });
});
