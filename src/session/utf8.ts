// qemu-io prints bytes; the UI shows text. UTF-8 decoding without TextDecoder (not part of the
// engine's ES2022-only type world): valid sequences decode, every invalid byte becomes U+FFFD.

export function decodeUtf8(bytes: Uint8Array): string {
  let out = '';
  let chunk: number[] = [];
  const push = (cp: number) => {
    if (cp > 0xffff) {
      cp -= 0x10000;
      chunk.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
    } else chunk.push(cp);
    if (chunk.length >= 8192) {
      out += String.fromCharCode(...chunk);
      chunk = [];
    }
  };
  const n = bytes.length;
  for (let i = 0; i < n; ) {
    const b = bytes[i];
    if (b < 0x80) {
      push(b);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, cp, min] = [1, b & 0x1f, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, cp, min] = [2, b & 0x0f, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, cp, min] = [3, b & 0x07, 0x10000];
    else {
      push(0xfffd);
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need && i + j < n; j++) {
      const c = bytes[i + j];
      if ((c & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      push(0xfffd);
      i++;
      continue;
    }
    push(cp);
    i += need + 1;
  }
  if (chunk.length > 0) out += String.fromCharCode(...chunk);
  return out;
}
