// The Linux file calls file-posix relies on and Node lacks: lseek(SEEK_DATA/SEEK_HOLE),
// fallocate() and open file description (OFD) byte locks, called through koffi (an FFI that
// ships its binaries in the npm package). Loaded on first use; null where koffi or libc cannot
// load (another OS, a missing binary, BLKSTUDIO_NO_NATIVE_FS=1): callers then keep Node-only
// behaviour (every byte is data, zeroes are written, no locks).
import { createRequire } from 'node:module';

const SEEK_DATA = 3;
const SEEK_HOLE = 4;
const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
const EINTR = 4;

/** Every call returns the result, or -errno on failure (as QEMU's helpers do). */
export interface NativeFs {
  seek(fd: number, offset: number, whence: 'data' | 'hole'): number;
  fallocate(fd: number, mode: number, offset: number, length: number): number;
  /** Take (shared) or drop a read lock on one byte: QEMU's qemu_lock_fd / qemu_unlock_fd. */
  lockByte(fd: number, byte: number, lock: boolean): number;
  /** Whether another open file description holds a lock that conflicts with a write lock on the byte (qemu_lock_fd_test with exclusive). 0: free. */
  testByte(fd: number, byte: number): number;
}

interface Flock {
  l_type: number;
  l_whence: number;
  l_start: number;
  l_len: number;
  l_pid: number;
}

let loaded: NativeFs | null | undefined;

export function nativeFs(): NativeFs | null {
  if (loaded === undefined) loaded = process.env.BLKSTUDIO_NO_NATIVE_FS === '1' ? null : load();
  return loaded;
}

function load(): NativeFs | null {
  if (process.platform !== 'linux') return null;
  try {
    // The module's own require where there is one (the CommonJS bundles, Playwright's loader);
    // under an ES module loader (vitest) resolve from the working directory. No import.meta: it
    // would make Node treat this file as an ES module where it is loaded as CommonJS.
    const load = typeof require === 'function' ? require : createRequire(`${process.cwd()}/`);
    const koffi = load('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const lseek = libc.func('int64_t lseek(int fd, int64_t offset, int whence)') as (fd: number, off: number, whence: number) => number | bigint;
    const fallocate = libc.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)') as (fd: number, mode: number, off: number, len: number) => number;
    const flockType = koffi.struct('blkstudio_flock', { l_type: 'short', l_whence: 'short', l_start: 'int64_t', l_len: 'int64_t', l_pid: 'int' });
    const fcntl = libc.func('int fcntl(int fd, int cmd, ...)') as (fd: number, cmd: number, ...args: unknown[]) => number;
    const flockIn = koffi.pointer(flockType);
    const flockInOut = koffi.inout(koffi.pointer(flockType));
    const errno = (): number => koffi.errno();
    const retry = (call: () => number): number => {
      for (;;) {
        if (call() !== -1) return 0;
        const e = errno();
        if (e !== EINTR) return -e;
      }
    };
    return {
      seek(fd, offset, whence) {
        const r = Number(lseek(fd, offset, whence === 'data' ? SEEK_DATA : SEEK_HOLE));
        return r < 0 ? -errno() : r;
      },
      fallocate(fd, mode, offset, length) {
        return retry(() => fallocate(fd, mode, offset, length));
      },
      lockByte(fd, byte, lock) {
        const fl: Flock = { l_type: lock ? F_RDLCK : F_UNLCK, l_whence: 0, l_start: byte, l_len: 1, l_pid: 0 };
        return retry(() => fcntl(fd, F_OFD_SETLK, flockIn, fl));
      },
      testByte(fd, byte) {
        const fl: Flock = { l_type: F_WRLCK, l_whence: 0, l_start: byte, l_len: 1, l_pid: 0 };
        const r = retry(() => fcntl(fd, F_OFD_GETLK, flockInOut, fl));
        if (r < 0) return r;
        return fl.l_type === F_UNLCK ? 0 : -11; // EAGAIN, as qemu_lock_fd_test reports a held lock
      },
    };
  } catch {
    return null;
  }
}

/** The lock calls on a plain descriptor (qemu-img check opens its file itself), or null without them. */
export function fdLocks(fd: number): { lockByte(byte: number, lock: boolean): number; testLockByte(byte: number): number } | null {
  const native = nativeFs();
  if (!native) return null;
  return { lockByte: (byte, lock) => native.lockByte(fd, byte, lock), testLockByte: (byte) => native.testByte(fd, byte) };
}
