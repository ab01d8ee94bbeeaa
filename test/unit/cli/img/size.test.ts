import { describe, expect, test } from 'vitest';
import { parseSize } from '../../../../src/cli/img/size';
import { hasHelpOption, isValidOptionList, QemuOpts, splitOptions } from '../../../../src/cli/img/qemu-opts';
import { QCOW2_CREATE_OPTS } from '../../../../src/cli/img/create-formats';

describe('parseSize (qemu_strtosz)', () => {
  test.each([
    ['0', 0n],
    ['100', 100n],
    ['1k', 1024n],
    ['1K', 1024n],
    ['1b', 1n],
    [' 1k', 1024n],
    ['1.5k', 1536n],
    ['1.5G', 1610612736n],
    ['1.0000001k', 1024n],
    ['0x10', 16n],
    ['1T', 1n << 40n],
    ['8191P', 8191n << 50n],
  ])('%s = %s', (text, value) => {
    const r = parseSize(text);
    expect(r.ok && r.value).toBe(value);
  });

  test.each(['1x', '1kB', '1k5', '1 k', '1.5', '0.5', '', 'k', '1e3', '-1'])('%j is invalid', (text) => {
    expect(parseSize(text)).toEqual({ ok: false, error: 'EINVAL' });
  });

  test('overflow and hex suffixes', () => {
    expect(parseSize('16E')).toEqual({ ok: false, error: 'ERANGE' });
    expect(parseSize('99999999999999999999')).toEqual({ ok: false, error: 'ERANGE' });
    expect(parseSize('0x10k')).toEqual({ ok: true, value: 16384n, hexSuffixWarning: true });
  });
});

describe('QemuOpts', () => {
  test('splitting, escaping and validity', () => {
    expect(splitOptions('a=b,,c,d,e=')).toEqual([
      ['a', 'b,c'],
      ['d', undefined],
      ['e', ''],
    ]);
    expect(isValidOptionList('a=1')).toBe(true);
    expect(isValidOptionList('a=1,')).toBe(false);
    expect(isValidOptionList('a=1,,')).toBe(true);
    expect(isValidOptionList(',a=1')).toBe(false);
    expect(isValidOptionList('')).toBe(false);
    expect(hasHelpOption('size=1,help')).toBe(true);
    expect(hasHelpOption('size=1,?')).toBe(true);
  });

  test('printing follows the list order; numbers print parsed, defaults as given', () => {
    const o = new QemuOpts(QCOW2_CREATE_OPTS);
    o.parse('refcount_bits=0x10,cluster_size=4k,backing_file=a,,b,lazy_refcounts');
    o.setNumber('size', 1048576n);
    expect(o.print()).toBe('cluster_size=4096 extended_l2=off compression_type=zlib size=1048576 backing_file=a,,b lazy_refcounts=on refcount_bits=16');
  });

  test('typed errors carry QEMU messages', () => {
    const o = new QemuOpts(QCOW2_CREATE_OPTS);
    expect(() => o.parse('foo=1')).toThrow("Invalid parameter 'foo'");
    expect(() => o.parse('lazy_refcounts=maybe')).toThrow("Parameter 'lazy_refcounts' expects 'on' or 'off'");
    expect(() => o.parse('refcount_bits=abc')).toThrow("Parameter 'refcount_bits' expects a number");
    expect(() => o.parse('cluster_size=99999999999999999999')).toThrow("Value '99999999999999999999' is out of range for parameter 'cluster_size'");
  });
});
