// Argument and result helpers the I/O commands share: cvtnum() with print_cvtnum_err(), the -P
// pattern byte, the `len` operand's BDRV_REQUEST_MAX_BYTES check, create_iovec(), the -P check
// after a read and the `<command> failed: <strerror>` line. Each prints exactly what the C code
// prints at that point and leaves the order of the checks to its caller.

import { BDRV_REQUEST_MAX_BYTES, parseIovecLengths, patternMismatch, qemuIoAlloc, sum } from './buffers';
import { EINVAL, parsePattern } from './cvtnum';
import { dumpBuffer, formatReport } from './format';
import { negErrno, strerror, type QemuIo } from './qemu-io';

/** cvtnum() then print_cvtnum_err(): the value, or the negative errno after printing why. */
export function cvtnumArg(io: QemuIo, arg: string): number {
  return Number(cvtnumArgBig(io, arg));
}

/** cvtnumArg() keeping offsets above 2^53 exact (their alignment, the numbers printed). */
export function cvtnumArgBig(io: QemuIo, arg: string): bigint {
  const value = io.cvtnumBig(arg);
  if (value < 0n) io.printCvtnumErr(Number(value), arg);
  return value;
}

/** qemu_io's parse_pattern() for -P: the byte, or -EINVAL after printing why. */
export function patternArg(io: QemuIo, arg: string): number {
  const pattern = parsePattern(arg);
  if (pattern < 0) {
    io.out.print(`${arg} is not a valid pattern byte\n`);
    return -EINVAL;
  }
  return pattern;
}

/**
 * The `len` operand of read/write/discard: cvtnum(), then `length cannot exceed`. write passes
 * noFallback (its -n lifts the limit and its message says ` without -n`).
 */
export function lengthArg(io: QemuIo, arg: string, write?: { noFallback: boolean }): number {
  const count = cvtnumArg(io, arg);
  if (count < 0) return count;
  if (count > BDRV_REQUEST_MAX_BYTES) {
    if (!write) {
      io.out.print(`length cannot exceed ${BDRV_REQUEST_MAX_BYTES}, given ${arg}\n`);
      return -EINVAL;
    }
    if (!write.noFallback) {
      io.out.print(`length cannot exceed ${BDRV_REQUEST_MAX_BYTES} without -n, given ${arg}\n`);
      return -EINVAL;
    }
  }
  return count;
}

/** create_iovec(): one buffer as long as all the lengths, filled with pattern; null after printing why not. */
export function createIovec(io: QemuIo, args: readonly string[], pattern: number): Uint8Array | null {
  const sizes = parseIovecLengths(io, args);
  if (!sizes) return null;
  return qemuIoAlloc(sum(sizes), pattern);
}

/** The -P check after a read of the data at offset: false after printing where it failed. */
export function verifyPattern(
  io: QemuIo,
  buf: Uint8Array,
  offset: number,
  start: number,
  len: number,
  pattern: number,
): boolean {
  if (!patternMismatch(buf, start, len, pattern)) return true;
  io.out.print(`Pattern verification failed at offset ${offset + start}, ${len} bytes\n`);
  return false;
}

/** What a read prints once the data is in: the -v dump, then print_report() as `read`. */
const DUMP_SLICE = 64 * 1024;

export function printReadReport(
  io: QemuIo,
  elapsedNs: bigint,
  buf: Uint8Array,
  offset: number,
  count: number,
  vflag: boolean,
  cflag: boolean,
): void {
  // 64 KiB of data at a time (4096 dump lines): the same bytes without an 80 MB string for -v 16M.
  if (vflag) for (let at = 0; at < count; at += DUMP_SLICE) io.out.print(dumpBuffer(buf.subarray(at), offset + at, Math.min(DUMP_SLICE, count - at)));
  io.out.print(formatReport('read', elapsedNs, offset, count, count, 1, cflag));
}

/** `<what> failed: <strerror>` for a request that failed with error; returns the negative errno. */
export function printRequestFailed(io: QemuIo, what: string, error: unknown): number {
  const ret = negErrno(error);
  io.out.print(`${what} failed: ${strerror(-ret)}\n`);
  return ret;
}
