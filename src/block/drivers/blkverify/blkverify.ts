// The blkverify filter driver: every request goes to a test image and to a raw reference copy;
// reads are compared. On the first difference QEMU prints one line and exits(1); we do the same
// in the CLI, and in record mode (the app) fail that request with EIO, keep the mismatch with
// both buffers and go on.
import type { BdrvChild } from '../../child';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance, PreallocMode } from '../../driver';
import { forwardedInfo } from '../../forwarded-info';
import { BDRV_BLOCK_DATA, BDRV_REQ_INSPECT, BDRV_REQ_MAY_UNMAP, BDRV_REQ_NO_FALLBACK } from '../../driver';
import { nothingToDo, unsupported } from '../../driver-helpers';
import { BlockError, EIO, QemuError, toErrno } from '../../errors';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';
import { firstDifference, type BytesEqual } from '../../../common/first-difference';
import { MismatchLog, mismatchMessage, type VerifyMismatch } from './mismatch';

/** What a mismatch does: QEMU's print-and-exit, or fail the request and keep a record. */
export type VerifyMode = 'abort' | 'record';

/** Bounce buffers for the raw side of reads, reused across requests (no allocation per read). */
class BufferPool {
  private readonly free: Uint8Array[] = [];

  take(bytes: number): Uint8Array {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i];
      if (b.length >= bytes) {
        this.free.splice(i, 1);
        return b.subarray(0, bytes);
      }
    }
    return new Uint8Array(Math.max(bytes, 64 * 1024)).subarray(0, bytes);
  }

  give(buf: Uint8Array): void {
    // Keep a few, and none of the huge ones a single odd request needed.
    if (this.free.length < 8 && buf.buffer.byteLength <= 16 * 1024 * 1024) this.free.push(new Uint8Array(buf.buffer));
  }
}

/** 0 when the request succeeded, else its positive errno (QEMU compares return values). */
function settle(p: Promise<void>): Promise<number> {
  return p.then(
    () => 0,
    (e: unknown) => toErrno(e) || EIO,
  );
}

export class BlkverifyDriver implements DriverInstance {
  readonly supportedWriteFlags = 0;
  readonly supportedZeroFlags: number;
  readonly flushesAllLayers = true;
  readonly mismatches = new MismatchLog();
  private readonly pool = new BufferPool();

  constructor(
    /** The reference copy: the filtered, primary child (QEMU's bs->file). */
    readonly raw: BdrvChild,
    /** The image under test (format-probed: may be qcow2). */
    readonly test: BdrvChild,
    readonly mode: VerifyMode,
    private readonly fatal: ((text: string) => never) | undefined,
    private readonly warn: (text: string) => void,
    private readonly equal: BytesEqual | undefined,
  ) {
    this.supportedZeroFlags = (BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) & raw.node.drv.supportedZeroFlags & test.node.drv.supportedZeroFlags;
  }

  get primaryChild(): BdrvChild {
    return this.raw;
  }

  /** blkverify_err: exit like QEMU when we may, else record it and fail the request with EIO. */
  private mismatch(m: Omit<VerifyMismatch, 'id'>): never {
    const line = `${mismatchMessage({ ...m, id: 0 })}\n`;
    if (this.mode === 'abort' && this.fatal) this.fatal(line);
    this.warn(line);
    this.mismatches.record(m);
    throw new BlockError(EIO);
  }

  /** Both sides at once, the test image first; a differing return value is a mismatch. */
  private async mirror(op: 'read' | 'write', offset: number, bytes: number, testReq: Promise<void>, rawReq: Promise<void>): Promise<void> {
    const [testErrno, rawErrno] = await Promise.all([settle(testReq), settle(rawReq)]);
    if (testErrno !== rawErrno) this.mismatch({ kind: 'return-value', op, offset, bytes, testErrno, rawErrno });
    if (testErrno) throw new BlockError(testErrno);
  }

  async preadv(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    // Inspection compares nothing and records nothing: it sees the image under test.
    if (flags & BDRV_REQ_INSPECT) return this.test.preadv(offset, bytes, buf, flags);
    const bounce = this.pool.take(bytes);
    try {
      try {
        await this.mirror('read', offset, bytes, this.test.preadv(offset, bytes, buf, flags), this.raw.preadv(offset, bytes, bounce, flags));
      } catch (e) {
        // Both sides failed alike. QEMU compares the buffers anyway (blkverify_co_preadv does not
        // look at the return value): qemu-io's 0xab-filled buffer against a fresh bounce buffer,
        // which reports a contents mismatch instead of the error. Only where we die like QEMU
        // (the CLI); elsewhere the request just fails with the common errno.
        if (!(this.mode === 'abort' && this.fatal)) throw e;
        bounce.fill(0);
        const at = firstDifference(buf, bounce, bytes, this.equal);
        if (at >= 0) this.mismatch({ kind: 'contents', op: 'read', offset, bytes, firstMismatch: offset + at, testErrno: 0, rawErrno: 0 });
        throw e;
      }
      const at = firstDifference(buf, bounce, bytes, this.equal);
      if (at >= 0) {
        this.mismatch({ kind: 'contents', op: 'read', offset, bytes, firstMismatch: offset + at, testErrno: 0, rawErrno: 0, test: buf.slice(0, bytes), raw: bounce.slice(0, bytes) });
      }
    } finally {
      this.pool.give(bounce);
    }
  }

  pwritev(offset: number, bytes: number, buf: Uint8Array, flags: number): Promise<void> {
    return this.mirror('write', offset, bytes, this.test.pwritev(offset, bytes, buf, flags), this.raw.pwritev(offset, bytes, buf, flags));
  }

  /**
   * QEMU 7.2 asserts here (blkverify announces zero flags it has no callback for, and
   * bdrv_co_do_pwrite_zeroes aborts). We zero both sides, compared like a write.
   */
  pwriteZeroes(offset: number, bytes: number, flags: number): Promise<void> {
    return this.mirror('write', offset, bytes, this.test.pwriteZeroes(offset, bytes, flags), this.raw.pwriteZeroes(offset, bytes, flags));
  }

  /** No discard callback in QEMU: the block layer reports success and nothing happens. */
  pdiscard(): Promise<void> {
    return unsupported();
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  /** blkverify_co_flush: "the raw file is not important", only the test image is flushed. */
  flushToDisk(): Promise<void> {
    return this.test.flush();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  /** No block-status callback: the block layer reports everything as data. */
  blockStatus(_offset: number, bytes: number): Promise<BlockStatus> {
    return Promise.resolve({ status: BDRV_BLOCK_DATA, pnum: bytes });
  }

  getLength(): Promise<number> {
    return this.test.getLength();
  }

  /** No truncate callback: the block layer truncates the filtered child, the raw copy, only. */
  truncate(offset: number, exact: boolean, prealloc: PreallocMode): Promise<void> {
    return this.raw.truncate(offset, exact, prealloc);
  }

  saveVmstate(): Promise<void> {
    return unsupported();
  }

  loadVmstate(): Promise<void> {
    return unsupported();
  }

  /** No get_info: the block layer asks the filtered child (the raw copy). */
  getInfo(): Promise<DriverInfo | null> {
    return forwardedInfo(this.raw);
  }

  close(): Promise<void> {
    return nothingToDo();
  }
}

/** blkverify_refresh_filename: `blkverify:RAW:TEST` while both children have plain filenames. */
function refreshFilename(raw: BlockNode, test: BlockNode): string {
  if (!raw.filename.startsWith('json:') && !test.filename.startsWith('json:')) return `blkverify:${raw.filename}:${test.filename}`;
  const child = (n: BlockNode) => `{"driver": ${JSON.stringify(n.driver.formatName)}, "filename": ${JSON.stringify(n.filename)}}`;
  return `json:{"driver": "blkverify", "raw": ${child(raw)}, "test": ${child(test)}}`;
}

export const blkverifyDriver: BlockDriver = {
  formatName: 'blkverify',
  protocolName: 'blkverify',
  isFilter: true,
  isFormat: false,
  runtimeOptions: ['x-raw', 'x-image', 'raw', 'test', 'mode'],
  /** blkverify:RAW:TEST, split at the first colon after the prefix (RAW cannot hold one). */
  parseFilename(filename: string, options: QDict): void {
    if (!filename.startsWith('blkverify:')) {
      options.set('x-image', filename);
      return;
    }
    const rest = filename.slice('blkverify:'.length);
    const colon = rest.indexOf(':');
    if (colon < 0) throw new QemuError('blkverify requires raw copy and original image path');
    options.set('x-raw', rest.slice(0, colon));
    options.set('x-image', rest.slice(colon + 1));
  },
  async open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
    options.delete('filename');
    const opts = new OptionReader(options);
    const xRaw = opts.takeString('x-raw');
    const xImage = opts.takeString('x-image');
    const mode = opts.takeString('mode') ?? 'abort';
    if (mode !== 'abort' && mode !== 'record') throw new QemuError(`Parameter 'mode' does not accept value '${mode}' (abort or record)`);
    // The raw copy is opened as a protocol node (never probed); the test image is probed.
    const raw = await ctx.openChild(node, options, 'raw', 'filtered', { filename: xRaw, protocolOnly: true });
    const test = await ctx.openChild(node, options, 'test', 'data', { filename: xImage });
    node.filename = refreshFilename(raw.node, test.node);
    return new BlkverifyDriver(raw, test, mode, ctx.fatal, (t) => ctx.warn(t), ctx.host.bytesEqual?.bind(ctx.host));
  },
};
