import { describe, expect, it } from 'vitest';
import { firstDifference, type BytesEqual } from '../../../src/common/first-difference';

const nodeEqual: BytesEqual = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

function seq(n: number, start = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (start + i * 7) & 0xff;
  return b;
}

describe('firstDifference', () => {
  it('returns -1 for equal ranges (also empty ones)', () => {
    expect(firstDifference(seq(100), seq(100))).toBe(-1);
    expect(firstDifference(new Uint8Array(0), new Uint8Array(0))).toBe(-1);
    expect(firstDifference(seq(100), seq(100), 100, nodeEqual)).toBe(-1);
  });

  it('finds a difference at every position of small arrays (with and without `equal`)', () => {
    for (const n of [1, 3, 63, 64, 65, 130]) {
      for (let at = 0; at < n; at++) {
        const a = seq(n);
        const b = seq(n);
        b[at] ^= 0x80;
        expect(firstDifference(a, b)).toBe(at);
        expect(firstDifference(a, b, n, nodeEqual)).toBe(at);
      }
    }
  });

  it('only looks at [0, len)', () => {
    const a = seq(200);
    const b = seq(200);
    b[150] = ~b[150] & 0xff;
    expect(firstDifference(a, b, 150)).toBe(-1);
    expect(firstDifference(a, b, 151)).toBe(150);
    // Default length: the shorter array.
    expect(firstDifference(a, b.subarray(0, 100))).toBe(-1);
  });

  it('handles unaligned views (same and different misalignment)', () => {
    const big = new Uint8Array(1024);
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    for (const [oa, ob] of [
      [1, 1],
      [3, 3],
      [1, 2],
      [0, 3],
    ]) {
      const a = new Uint8Array(big.buffer.slice(0), oa, 300);
      const bBuf = new Uint8Array(1024);
      bBuf.set(big.subarray(oa, oa + 300), ob);
      const b = new Uint8Array(bBuf.buffer, ob, 300);
      expect(firstDifference(a, b)).toBe(-1);
      for (const at of [0, 1, 2, 3, 4, 150, 296, 299]) {
        const saved = b[at];
        b[at] ^= 1;
        expect(firstDifference(a, b)).toBe(at);
        expect(firstDifference(a, b, 300, nodeEqual)).toBe(at);
        b[at] = saved;
      }
    }
  });

  it('long arrays, with and without `equal`, across 64 KiB blocks', () => {
    const n = 3 * 65536 + 123;
    const a = seq(n, 5);
    const b = a.slice();
    let calls = 0;
    const counting: BytesEqual = (x, y) => {
      calls++;
      return nodeEqual(x, y);
    };
    expect(firstDifference(a, b)).toBe(-1);
    expect(firstDifference(a, b, n, counting)).toBe(-1);
    expect(calls).toBe(4);
    for (const at of [0, 65535, 65536, 65537, 2 * 65536 + 7, n - 1]) {
      b[at] ^= 0xff;
      expect(firstDifference(a, b)).toBe(at);
      calls = 0;
      expect(firstDifference(a, b, n, counting)).toBe(at);
      expect(calls).toBe(Math.floor(at / 65536) + 1);
      b[at] ^= 0xff;
    }
    // Two differences: the first one wins.
    b[100000] = ~b[100000] & 0xff;
    b[200000] = ~b[200000] & 0xff;
    expect(firstDifference(a, b)).toBe(100000);
    expect(firstDifference(a, b, n, nodeEqual)).toBe(100000);
  });
});
