// Where two byte ranges first differ, fast. A host may lend a native equality test (memcmp
// speed); we then only walk, byte by byte, the one 64 KiB block that differs. Without it, four
// bytes at a time (Int32Array reads stay plain numbers; BigUint64Array would allocate a BigInt
// per read). blkverify compares every read with this, so it allocates nothing but views.

/** A native "are these bytes equal" (Node's Buffer#equals); optional everywhere. */
export type BytesEqual = (a: Uint8Array, b: Uint8Array) => boolean;

const BLOCK = 64 * 1024;

/** Index of the first byte where a and b differ within [0, len), or -1 if they are equal there. */
export function firstDifference(a: Uint8Array, b: Uint8Array, len = Math.min(a.length, b.length), equal?: BytesEqual): number {
  if (!equal) return scan(a, b, 0, len);
  for (let start = 0; start < len; start += BLOCK) {
    const end = Math.min(len, start + BLOCK);
    if (!equal(a.subarray(start, end), b.subarray(start, end))) return scan(a, b, start, end);
  }
  return -1;
}

function scan(a: Uint8Array, b: Uint8Array, from: number, to: number): number {
  let i = from;
  if (to - i >= 64 && (a.byteOffset & 3) === (b.byteOffset & 3)) {
    while (((a.byteOffset + i) & 3) !== 0) {
      if (a[i] !== b[i]) return i;
      i++;
    }
    const words = (to - i) >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset + i, words);
    const wb = new Int32Array(b.buffer, b.byteOffset + i, words);
    let w = 0;
    while (w < words && wa[w] === wb[w]) w++;
    i += w * 4;
    if (w < words) {
      while (a[i] === b[i]) i++;
      return i;
    }
  }
  for (; i < to; i++) if (a[i] !== b[i]) return i;
  return -1;
}
