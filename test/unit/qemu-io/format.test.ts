import { describe, expect, it } from 'vitest';
import { cvtstr, dumpBuffer, formatFixed, formatReport, timestr } from '../../../src/qemu-io/format';
import { fixtures } from './fixtures';

describe('cvtstr against real qemu-io (`alloc X 0`)', () => {
  for (const { value, text } of fixtures.cvtstr) {
    it(`${value} -> ${text}`, () => expect(cvtstr(value)).toBe(text));
  }
});

describe('dump_buffer against real qemu-io (`read -v`)', () => {
  for (const { offset, length, data, text } of fixtures.dumps) {
    it(`read -v ${offset} ${length}`, () => expect(dumpBuffer(new Uint8Array(data), offset, length)).toBe(text));
  }
});

describe('printf %f rounding (glibc: exact binary value, ties to even)', () => {
  it('rounds exact ties to even where toFixed rounds up', () => {
    expect(formatFixed(1.0625, 3)).toBe('1.062');
    expect(formatFixed(0.0625, 3)).toBe('0.062');
    expect(formatFixed(1.0635, 3)).toBe('1.063'); // 1.0635 is just below the tie in binary (glibc: 1.063)
    expect(formatFixed(2.5, 0)).toBe('2');
  });
  it('prints C-style specials and zero padding', () => {
    expect(formatFixed(0 / 0, 3)).toBe('-nan');
    expect(formatFixed(1 / 0, 3)).toBe('inf');
    expect(formatFixed(0.5, 6)).toBe('0.500000');
    expect(formatFixed(123456789.125, 2)).toBe('123456789.12');
  });
});

describe('timestr and print_report formats (reference section 5.3 / 7.C captures)', () => {
  it('prints sub-second times as %05.2f sec', () => {
    expect(timestr(4_000_000n, false)).toBe('00.00 sec');
    expect(timestr(10_000_000n, false)).toBe('00.01 sec');
  });
  it('prints h:mm:ss.ss for a second or more and for -C', () => {
    expect(timestr(401_000_000_000n, false)).toBe('0:06:41.00');
    expect(timestr(616_720_000_000n, false)).toBe('0:10:16.72');
    expect(timestr(1_000_000n, true)).toBe('0:00:00.00');
  });
  it('keeps the report line shapes qemu-io prints', () => {
    const [first, second] = formatReport('wrote', 401_000_000_000n, 8192, 512, 512, 1, false).split('\n');
    expect(first).toBe('wrote 512/512 bytes at offset 8192');
    // 7.C: `512 bytes, 1 ops; 0:06:41.00 (1.276794 bytes/sec and 0.0025 ops/sec)`
    expect(second).toBe('512 bytes, 1 ops; 0:06:41.00 (1.276808 bytes/sec and 0.0025 ops/sec)');
    expect(formatReport('read', 1_000_000_000n, 0, 4096, 4096, 1, true)).toBe('4096,1,0:00:01.00,4096.000,1.000\n');
  });
});
