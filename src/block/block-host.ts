// What the engine needs from the machine it runs on. src/host/ implements this with node:fs;
// tests may implement it in memory. Keeps src/block free of node:* imports.
import type { BytesEqual } from '../common/first-difference';

export interface HostFile {
  /** Read into buf at file offset; returns bytes read (short at EOF). Throws BlockError. */
  pread(buf: Uint8Array, offset: number): Promise<number>;
  /** Write all of buf at file offset. Throws BlockError (ENOSPC, EIO ...). */
  pwrite(buf: Uint8Array, offset: number): Promise<void>;
  fdatasync(): Promise<void>;
  size(): Promise<number>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
  // What file-posix gets from Linux beyond positional I/O. Each is absent where the host cannot
  // do it (then the file driver writes zeroes and reports every byte as data, and takes no locks).
  /** lseek(SEEK_DATA / SEEK_HOLE) from offset: the offset found, or -errno (-ENXIO: no data after offset). */
  seek?(offset: number, whence: 'data' | 'hole'): number;
  /** fallocate(2) with FALLOC_FL_* mode bits: 0 or -errno. */
  fallocate?(mode: number, offset: number, length: number): Promise<number>;
  /** file.locking: take (lock) or drop a shared OFD lock on one byte; 0 or -errno. */
  lockByte?(byte: number, lock: boolean): number;
  /** 0 if no other open file holds a lock on the byte, -EAGAIN if one does, or -errno. */
  testLockByte?(byte: number): number;
}

/** fallocate(2) modes (linux/falloc.h). */
export const FALLOC_FL_KEEP_SIZE = 0x01;
export const FALLOC_FL_PUNCH_HOLE = 0x02;
export const FALLOC_FL_ZERO_RANGE = 0x10;

export interface HostOpenFlags {
  readOnly: boolean;
  /** O_DIRECT requested (cache.direct=on): the host checks it is possible. */
  direct: boolean;
}

export interface BlockHost {
  /** Open an existing host file. Throws BlockError with the errno of open(2). */
  openFile(path: string, flags: HostOpenFlags): Promise<HostFile>;
  /** Whole small file (blkdebug config files, qemu-io `write -s`). Throws BlockError. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Resolve on a later turn of the event loop (QEMU's aio_co_schedule + yield: the coroutine
   * continues from the next main-loop iteration). Absent: a microtask.
   */
  nextTurn?(): Promise<void>;
  /** A monotonic clock in milliseconds (how long a request has been parked); optional. */
  now?(): number;
  /** Wait this many milliseconds (null-co latency-ns); absent hosts run without latency. */
  delay?(ms: number): Promise<void>;
  /** Raw zlib streams for qcow2 compressed clusters; absent hosts cannot read or write them. */
  zlib?: RawZlib;
  /** Native byte equality (memcmp speed) for blkverify and image comparison; absent: a JS loop. */
  bytesEqual?: BytesEqual;
  /** A scratch file for -snapshot overlays, already unlinked: it disappears when closed. */
  createTempFile(): Promise<{ path: string; file: HostFile }>;
}

/** zlib without headers (QEMU's qcow2 uses window bits -12, memLevel 9, default level). */
export interface RawZlib {
  deflateRaw(src: Uint8Array): Uint8Array;
  /** Inflate to exactly outBytes bytes (trailing input is ignored); null when the stream is bad or short. */
  inflateRaw(src: Uint8Array, outBytes: number): Uint8Array | null;
}
