import { describe, expect, it } from 'vitest';
import { cvtnumBig, cvtnumErrorText, parsePattern, strtol } from '../../../src/qemu-io/cvtnum';
import { breaklineBuffer } from '../../../src/qemu-io/breakline';
import { fixtures } from './fixtures';

describe('cvtnum (qemu_strtosz) against real qemu-io', () => {
  for (const { arg, stdout, stderr } of fixtures.cvtnum) {
    it(`parses ${JSON.stringify(arg)} as qemu-io does`, () => {
      const r = cvtnumBig(arg.trim());
      const ok = /^read 0\/0 bytes at offset (\d+)$/.exec(stdout);
      if (ok) {
        expect(r.value).toBe(BigInt(ok[1]));
      } else {
        expect(r.value < 0n).toBe(true);
        expect(cvtnumErrorText(Number(r.value), arg.trim())).toBe(`${stdout}\n`);
      }
      expect(r.hexSuffixWarning).toBe(stderr.includes('Using a multiplier suffix on hex numbers is deprecated'));
    });
  }
});

describe('pattern bytes (strtol base 0)', () => {
  // Accepted/refused as `write -P X 0 1` does in qemu-io 7.2 (reference section 7.G and probes).
  it('accepts octal, hex, decimal and a sign', () => {
    expect(parsePattern('010')).toBe(8);
    expect(parsePattern('0xab')).toBe(0xab);
    expect(parsePattern('+5')).toBe(5);
    expect(parsePattern('255')).toBe(255);
  });
  it('refuses out of range and trailing garbage', () => {
    for (const bad of ['256', '0x1ff', '-1', '08', '1x', 'abc', '"']) expect(parsePattern(bad)).toBe(-1);
  });
  it('strtol stops at the first non-digit', () => {
    expect(strtol('0x')).toEqual([0, 1]);
    expect(strtol('12ab')).toEqual([12, 2]);
    expect(strtol('99999999999999999999')[0]).toBe(Number(2n ** 63n - 1n));
  });
});

describe('qemu_strtosz failure order (7.2)', () => {
  it('an overflow followed by anything is junk, not too large', () => {
    expect(cvtnumBig('18446744073709551616').value).toBe(-34n);
    expect(cvtnumBig('18446744073709551616k').value).toBe(-22n);
    expect(cvtnumBig('1534e3').value).toBe(-22n);
    expect(cvtnumBig('16E').value).toBe(-34n);
    expect(cvtnumBig('16Ek').value).toBe(-22n);
    expect(cvtnumBig('0x10000000000000000x').value).toBe(-22n);
  });
  it('a fraction strtod finds out of range skips one byte, which may be past the NUL', () => {
    expect(cvtnumBig('1.5e999k').value).toBe(1n);
    expect(cvtnumBig('1.5e999kk').value).toBe(1024n);
    expect(cvtnumBig('1.5e99k').value).toBe(-22n);
    // What follows the NUL: the next word of the line, or a NUL.
    expect(cvtnumBig('1.5e999', '1').value).toBe(-22n);
    expect(cvtnumBig('1.5e999', '\0' + '1').value).toBe(1n);
    expect(cvtnumBig('1.5e999', 'k').value).toBe(1024n);
    // Too small for a double is ERANGE too (glibc: an inexact result below DBL_MIN).
    expect(cvtnumBig(`1.${'0'.repeat(400)}1k`).value).toBe(1n);
  });
});

describe('breaklineBuffer', () => {
  it('gives each word the rest of the line with spaces made NULs', () => {
    expect(breaklineBuffer('alloc  1.5e999 1 ')).toEqual([
      { word: 'alloc', after: '\0' + '1.5e999\u00001\0' },
      { word: '1.5e999', after: '1\0' },
      { word: '1', after: '' },
    ]);
  });
});
