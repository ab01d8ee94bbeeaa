import { describe, expect, it } from 'vitest';
import { cvtnumBig, cvtnumErrorText, parsePattern, strtol } from '../../../src/qemu-io/cvtnum';
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
