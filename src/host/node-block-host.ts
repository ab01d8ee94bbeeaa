// BlockHost over node:fs: positional reads and writes straight into the caller's buffers (no
// copies), errors turned into BlockError with the positive errno QEMU would see.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BlockError } from '../block/index';
import type { BlockHost, HostFile, HostOpenFlags, RawZlib } from '../block/index';
import { nativeFs, type NativeFs } from './native-fs';

const EIO = 5;

/**
 * The engine names files with binary strings (one char per byte, as C does); give fs the same
 * bytes. A string with chars above 0xff is real Unicode (from the app) and goes as UTF-8.
 */
export function hostPath(file: string): string | Buffer {
   
  return /^[\x00-\x7f]*$/.test(file) || /[^\x00-\xff]/.test(file) ? file : Buffer.from(file, 'latin1');
}

function toBlockError(e: unknown): BlockError {
  const errno = typeof e === 'object' && e !== null && 'errno' in e && typeof e.errno === 'number' ? Math.abs(e.errno) : EIO;
  return new BlockError(errno);
}

function fsRead(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(toBlockError(err)) : resolve(n)));
  });
}

function fsWrite(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, buf, offset, length, position, (err, n) => (err ? reject(toBlockError(err)) : resolve(n)));
  });
}

function wrap<T>(op: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    op((err, value) => (err ? reject(toBlockError(err)) : resolve(value as T)));
  });
}

/** The next event-loop turn: when a synchronous host call reports completion. */
function completed(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class NodeHostFile implements HostFile {
  private closed = false;
  private readonly native: NativeFs | null = nativeFs();

  constructor(
    private readonly fd: number,
    /**
     * Do the reads, writes and syncs on this thread (fs.*Sync). A command-line tool waits for
     * each request anyway, and skipping libuv's thread-pool hop makes a 64 KiB write several
     * times cheaper. The app keeps the default: its event loop must never block on a disk.
     * Each call still completes on a later event-loop turn (completed()), like a thread-pool
     * request: qemu-io's aio emulation tells real I/O from requests refused at once that way,
     * and a request of several steps takes several turns, as in QEMU's main loop.
     */
    private readonly syncIo = false,
  ) {}

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    // Node takes a position it cannot represent exactly as "the current offset": such a read is
    // past any real file's end, so it reads nothing, as the kernel would.
    if (!Number.isSafeInteger(offset + buf.length)) return 0;
    let done = 0;
    while (done < buf.length) {
      let n: number;
      if (this.syncIo) {
        try {
          n = fs.readSync(this.fd, buf, done, buf.length - done, offset + done);
        } catch (e) {
          await completed();
          throw toBlockError(e);
        }
        await completed();
      } else {
        n = await fsRead(this.fd, buf, done, buf.length - done, offset + done);
      }
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  async pwrite(buf: Uint8Array, offset: number): Promise<void> {
    // Never let Node write such a position at the current offset (it would hit the header):
    // fail as ext4 does for offsets past its largest file.
    if (!Number.isSafeInteger(offset + buf.length)) throw new BlockError(EFBIG_ERRNO);
    let done = 0;
    while (done < buf.length) {
      if (this.syncIo) {
        try {
          done += fs.writeSync(this.fd, buf, done, buf.length - done, offset + done);
        } catch (e) {
          await completed();
          throw toBlockError(e);
        }
        await completed();
      } else {
        done += await fsWrite(this.fd, buf, done, buf.length - done, offset + done);
      }
    }
  }

  fdatasync(): Promise<void> {
    if (!this.syncIo) return wrap<void>((cb) => fs.fdatasync(this.fd, cb));
    try {
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      return completed().then(() => Promise.reject(toBlockError(e)));
    }
    return completed();
  }

  async size(): Promise<number> {
    if (this.syncIo) {
      try {
        return fs.fstatSync(this.fd).size;
      } catch (e) {
        throw toBlockError(e);
      }
    }
    const st = await wrap<fs.Stats>((cb) => fs.fstat(this.fd, cb));
    return st.size;
  }

  truncate(length: number): Promise<void> {
    if (!Number.isSafeInteger(length)) return Promise.reject(new BlockError(EFBIG_ERRNO));
    return wrap<void>((cb) => fs.ftruncate(this.fd, length, cb));
  }

  // Absent (undefined) without the native calls, so the file driver knows to fall back.
  readonly seek = this.native ? (offset: number, whence: 'data' | 'hole'): number => this.native!.seek(this.fd, offset, whence) : undefined;

  readonly fallocate = this.native
    ? async (mode: number, offset: number, length: number): Promise<number> => {
        if (!Number.isSafeInteger(offset + length)) return -EFBIG_ERRNO;
        const r = this.native!.fallocate(this.fd, mode, offset, length);
        // Complete on a later turn, like every other request of this host.
        await completed();
        return r;
      }
    : undefined;

  readonly lockByte = this.native ? (byte: number, lock: boolean): number => this.native!.lockByte(this.fd, byte, lock) : undefined;

  readonly testLockByte = this.native ? (byte: number): number => this.native!.testByte(this.fd, byte) : undefined;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await wrap<void>((cb) => fs.close(this.fd, cb));
  }
}

export interface NodeBlockHostOptions {
  /** Synchronous file I/O (see NodeHostFile): for command-line tools, not for the app. */
  syncIo?: boolean;
}

/** EFBIG: File too large. */
const EFBIG_ERRNO = 27;

export class NodeBlockHost implements BlockHost {
  constructor(private readonly options: NodeBlockHostOptions = {}) {}

  async openFile(file: string, flags: HostOpenFlags): Promise<HostFile> {
    const mode = flags.readOnly ? fs.constants.O_RDONLY : fs.constants.O_RDWR;
    if (flags.direct) {
      // O_DIRECT needs aligned buffers, which JS cannot promise: check that the file system
      // supports it (tmpfs does not: EINVAL, as QEMU reports), then do buffered I/O.
      const probe = await wrap<number>((cb) => fs.open(hostPath(file), mode | fs.constants.O_DIRECT, cb));
      await wrap<void>((cb) => fs.close(probe, cb));
    }
    const fd = await wrap<number>((cb) => fs.open(hostPath(file), mode, cb));
    return new NodeHostFile(fd, this.options.syncIo);
  }

  readonly zlib: RawZlib = nodeRawZlib;

  /** Buffer#equals is memcmp; the views share the caller's memory (no copy). */
  bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
    return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
  }

  nextTurn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  now(): number {
    return performance.now();
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async readFile(file: string): Promise<Uint8Array> {
    try {
      const data = await fs.promises.readFile(hostPath(file));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (e) {
      throw toBlockError(e);
    }
  }

  async createTempFile(): Promise<{ path: string; file: HostFile }> {
    // QEMU 7.2's create_tmp_file: $TMPDIR/vl.XXXXXX (mkstemp's six letters and digits), with
    // /var/tmp for /tmp (often a small tmpfs) when it exists.
    const base = os.tmpdir();
    const dir = process.platform !== 'win32' && base === '/tmp' && fs.existsSync('/var/tmp') ? '/var/tmp' : base;
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    for (;;) {
      const suffix = Array.from({ length: 6 }, () => letters[Math.floor(Math.random() * letters.length)]).join('');
      const name = path.join(dir, `vl.${suffix}`);
      try {
        const fd = await wrap<number>((cb) =>
          fs.open(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600, cb),
        );
        // Unlinked at once: the descriptor keeps the data alive and nothing is left behind,
        // not even after a crash.
        await wrap<void>((cb) => fs.unlink(name, cb));
        return { path: name, file: new NodeHostFile(fd, this.options.syncIo) };
      } catch (e) {
        if (!(e instanceof BlockError) || e.errno !== 17) throw e;
      }
    }
  }
}

/** qcow2's compression: raw deflate with a 4 KiB window (QEMU: windowBits -12, memLevel 9). */
const nodeRawZlib: RawZlib = {
  deflateRaw(src: Uint8Array): Uint8Array {
    return zlib.deflateRawSync(src, { windowBits: 12, memLevel: 9 });
  },
  inflateRaw(src: Uint8Array, outBytes: number): Uint8Array | null {
    try {
      // Z_SYNC_FLUSH: the stored length is rounded up to sectors, so the input may be cut short
      // or carry trailing bytes; what matters is a full cluster out (as QEMU checks).
      const out = zlib.inflateRawSync(src, { windowBits: 12, finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: outBytes });
      return out.length === outBytes ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : null;
    } catch {
      return null;
    }
  },
};
