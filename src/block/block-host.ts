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
}

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
