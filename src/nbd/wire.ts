// Big-endian packing of the small headers NBD sends.
import {
  NBD_REP_MAGIC,
  NBD_SIMPLE_REPLY_MAGIC,
  NBD_STRUCTURED_REPLY_MAGIC,
} from './protocol';

import { binaryStringToBytes, utf8ToBinaryString } from '../common/binary-string';

/** Text (an export name, a description) as the UTF-8 bytes C would hold. */
export function utf8(text: string): Uint8Array {
  return binaryStringToBytes(utf8ToBinaryString(text));
}

/** A message built from client bytes (binary strings: one char per byte) and ASCII. */
export function bytesOf(binary: string): Uint8Array {
  return binaryStringToBytes(binary);
}

/** An option reply header (20 bytes) followed by `payload`, as one buffer. */
export function optionReply(option: number, type: number, payload: Uint8Array = EMPTY): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, NBD_REP_MAGIC);
  v.setUint32(8, option);
  v.setUint32(12, type);
  v.setUint32(16, payload.length);
  out.set(payload, 20);
  return out;
}

/** A simple reply header (16 bytes). */
export function simpleReply(errno: number, handle: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint32(0, NBD_SIMPLE_REPLY_MAGIC);
  v.setUint32(4, errno);
  out.set(handle, 8);
  return out;
}

/** A structured reply chunk header (20 bytes) with room for `extra` more bytes after it. */
export function chunkHeader(flags: number, type: number, handle: Uint8Array, length: number, extra = 0): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(20 + extra);
  const view = new DataView(buf.buffer);
  view.setUint32(0, NBD_STRUCTURED_REPLY_MAGIC);
  view.setUint16(4, flags);
  view.setUint16(6, type);
  buf.set(handle, 8);
  view.setUint32(16, length);
  return { buf, view };
}

export function be32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const EMPTY = new Uint8Array(0);
