// Request buffers: qemu_io_alloc() fills with a pattern, create_iovec() sums length arguments,
// and the pattern check compares whole words instead of bytes (the benchmark verifies every read).

import type { QemuIo } from './qemu-io';

/** BDRV_REQUEST_MAX_BYTES: INT_MAX rounded down to a 512-byte sector. */
export const BDRV_REQUEST_MAX_BYTES = 2147483136;
export const BDRV_SECTOR_SIZE = 512;

/**
 * Freed request buffers by size, reused by the next request of the same size: a script of
 * thousands of 64 KiB writes then allocates a handful of buffers instead of thousands (and the
 * garbage collector stays idle). Bounded so a huge request does not stay pinned.
 */
const pool = new Map<number, Uint8Array[]>();
let pooledBytes = 0;
const POOL_LIMIT = 64 << 20;

/** qemu_io_alloc(): a buffer of len bytes, every byte set to pattern. */
export function qemuIoAlloc(len: number, pattern: number): Uint8Array {
  const reused = pool.get(len)?.pop();
  if (reused) {
    pooledBytes -= len;
    return reused.fill(pattern);
  }
  const buf = new Uint8Array(len);
  if (pattern !== 0) buf.fill(pattern);
  return buf;
}

/** qemu_io_free(): the request is over and nothing refers to buf any more. */
export function qemuIoFree(buf: Uint8Array | null): void {
  if (!buf || buf.byteOffset !== 0 || buf.length !== buf.buffer.byteLength) return;
  if (pooledBytes + buf.length > POOL_LIMIT) return;
  let list = pool.get(buf.length);
  if (!list) pool.set(buf.length, (list = []));
  list.push(buf);
  pooledBytes += buf.length;
}

/** memcmp(buf + start, memset(pattern), len) != 0, four bytes at a time. */
export function patternMismatch(buf: Uint8Array, start: number, len: number, pattern: number): boolean {
  let i = start;
  const end = start + len;
  const head = Math.min(end, i + ((4 - ((buf.byteOffset + i) % 4)) % 4));
  for (; i < head; i++) if (buf[i] !== pattern) return true;
  const words = (end - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const want = (pattern * 0x01010101) >>> 0;
    for (let w = 0; w < words; w++) if (view[w] !== want) return true;
    i += words * 4;
  }
  for (; i < end; i++) if (buf[i] !== pattern) return true;
  return false;
}

/** create_iovec(): the lengths of a vectored request, or null after printing why not. */
export function parseIovecLengths(io: QemuIo, args: readonly string[]): number[] | null {
  const sizes: number[] = [];
  let count = 0;
  for (const arg of args) {
    const len = io.cvtnum(arg);
    if (len < 0) {
      io.printCvtnumErr(len, arg);
      return null;
    }
    if (len > BDRV_REQUEST_MAX_BYTES) {
      io.out.print(`Argument '${arg}' exceeds maximum size ${BDRV_REQUEST_MAX_BYTES}\n`);
      return null;
    }
    if (count > BDRV_REQUEST_MAX_BYTES - len) {
      io.out.print(`The total number of bytes exceed the maximum size ${BDRV_REQUEST_MAX_BYTES}\n`);
      return null;
    }
    sizes.push(len);
    count += len;
  }
  return sizes;
}

export function sum(sizes: readonly number[]): number {
  let total = 0;
  for (const s of sizes) total += s;
  return total;
}
