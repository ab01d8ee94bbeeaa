import { ERRNO_TABLE } from '../common/errno-table';

// Errors thrown by the engine carry a Linux errno, the way QEMU's block layer returns -errno.
const byName = new Map<string, number>();
const byNumber = new Map<number, { name: string; text: string }>();
for (const [num, name, text] of ERRNO_TABLE) {
  byName.set(name, num);
  byNumber.set(num, { name, text });
}
byName.set('EOPNOTSUPP', 95);

export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const EISDIR = 21;
export const EINVAL = 22;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EROFS = 30;
export const ERANGE = 34;
export const ENOTSUP = 95;
export const ENOMEDIUM = 123;

/** glibc's strerror() text for an errno number. */
export function strerror(errno: number): string {
  return byNumber.get(errno)?.text ?? `Unknown error ${errno}`;
}

export function errnoName(errno: number): string {
  return byNumber.get(errno)?.name ?? `E${errno}`;
}

export function errnoFromName(name: string): number | undefined {
  return byName.get(name);
}

/** An I/O failure with an errno: what a block driver "returns" as -errno. */
export class BlockError extends Error {
  readonly errno: number;
  constructor(errno: number, message?: string) {
    super(message ?? strerror(errno));
    this.errno = errno;
    this.name = 'BlockError';
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

/**
 * A QEMU-style error report (Error **errp): a human message, optionally with an errno.
 * Used for open/option failures where QEMU prints a sentence, not just strerror().
 */
export class QemuError extends Error {
  readonly errno: number;
  constructor(message: string, errno = EINVAL) {
    super(message);
    this.errno = errno;
    this.name = 'QemuError';
  }
}

/** Turn anything a driver threw into an errno (unknown exceptions become EIO, never a crash). */
export function toErrno(e: unknown): number {
  if (e instanceof BlockError || e instanceof QemuError) return e.errno;
  if (typeof e === 'object' && e !== null && 'errno' in e && typeof e.errno === 'number') {
    // Node's fs errors carry a negative errno.
    return Math.abs(e.errno);
  }
  return EIO;
}

/**
 * An error QEMU 7.2 does not report but aborts on (&error_abort), printing where it happened.
 * The tool prints `Unexpected error in <where>:` and the message, then exits like abort() (134).
 */
export class QemuAbort extends QemuError {
  constructor(
    message: string,
    /** e.g. "parse_option_size() at ../../util/qemu-option.c:145" */
    readonly where: string,
  ) {
    super(message);
    this.name = 'QemuAbort';
  }
}
