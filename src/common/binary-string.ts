// "Binary strings": one char per byte (0..255), the way C sees a command line or a file name.
// qemu-io echoes whatever bytes it was given (a stray 0xff stays 0xff), so the command engine
// works on binary strings end to end and never decodes or encodes text as UTF-8.

/** Bytes to a binary string. */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * Write a binary string into `into` at `at`; returns the bytes written. A char above 0xff (a
 * real Unicode string that slipped in) is written as UTF-8 so nothing is lost. `into` must have
 * room for 3 bytes per char.
 */
export function writeBinaryString(s: string, into: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x100) {
      into[o++] = c;
    } else if (c < 0x800) {
      into[o++] = 0xc0 | (c >> 6);
      into[o++] = 0x80 | (c & 0x3f);
    } else {
      into[o++] = 0xe0 | (c >> 12);
      into[o++] = 0x80 | ((c >> 6) & 0x3f);
      into[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o - at;
}

export function binaryStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  return out.subarray(0, writeBinaryString(s, out, 0));
}

/** A Unicode string (e.g. from a UTF-8 command line) as the binary string of its UTF-8 bytes. */
export function utf8ToBinaryString(s: string): string {
  // Plain ASCII is the same in both forms: skip the work.
   
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out += ch;
    else if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}
