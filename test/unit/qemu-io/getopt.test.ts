import { describe, expect, it } from 'vitest';
import { breakline } from '../../../src/qemu-io/breakline';
import { Getopt } from '../../../src/qemu-io/getopt';

function parse(argv: string[], optstring: string) {
  const errors: string[] = [];
  const g = new Getopt(argv, optstring, (t) => errors.push(t));
  const opts: string[] = [];
  for (let c = g.next(); c !== null; c = g.next()) opts.push(c === '?' ? '?' : `${c}${optstring.includes(`${c}:`) ? `=${g.optarg}` : ''}`);
  return { opts, operands: g.operands(), errors };
}

// Each expectation mirrors what qemu-io 7.2 did with the same command (see the reference's 7.G
// and the probes in fixtures/capture.py): GNU permutation, glued and separate arguments.
describe('getopt as qemu-io commands use it', () => {
  it('permutes options after operands (`read 0 512 -q` is quiet)', () => {
    expect(parse(['read', '0', '512', '-q'], 'bCl:pP:qs:v')).toEqual({ opts: ['q'], operands: ['0', '512'], errors: [] });
  });
  it('treats `-1` as an option (`read 0 -1`)', () => {
    const r = parse(['read', '0', '-1'], 'bCl:pP:qs:v');
    expect(r.errors).toEqual(["read: invalid option -- '1'\n"]);
  });
  it('takes glued and separate option arguments, even ones starting with -', () => {
    expect(parse(['read', '-P1', '-s', '-5', '0', '1'], 'bCl:pP:qs:v').opts).toEqual(['P=1', 's=-5']);
  });
  it('reports a missing argument with the name as typed', () => {
    expect(parse(['r', '0', '1', '-P'], 'bCl:pP:qs:v').errors).toEqual(["r: option requires an argument -- 'P'\n"]);
  });
  it('stops at -- and reads --foo as option characters', () => {
    expect(parse(['read', '--', '-q', '1'], 'q').operands).toEqual(['-q', '1']);
    expect(parse(['read', '--foo'], 'q').errors[0]).toBe("read: invalid option -- '-'\n");
  });
});

describe('breakline', () => {
  it('splits on single spaces only and drops empty words', () => {
    expect(breakline('  read  0\t1 512 ')).toEqual(['read', '0\t1', '512']);
    expect(breakline('')).toEqual([]);
  });
});
