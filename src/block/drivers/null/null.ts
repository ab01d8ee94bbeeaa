// The `null-co` / `null-aio` protocol drivers: a device of a given size that stores nothing.
// Reads leave the buffer untouched unless read-zeroes=on.
import type { BlockHost } from '../../block-host';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance } from '../../driver';
import { BDRV_BLOCK_OFFSET_VALID, BDRV_BLOCK_ZERO, BDRV_REQ_FUA, BDRV_REQ_MAY_UNMAP } from '../../driver';
import { ENOTSUP, QemuAbort, QemuError } from '../../errors';
import { nothingToDo, unsupported } from '../../driver-helpers';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';

const DEFAULT_SIZE = 1 << 30;

class NullDriver implements DriverInstance {
  readonly supportedWriteFlags = BDRV_REQ_FUA;
  readonly supportedZeroFlags = BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP;
  readonly primaryChild = null;

  constructor(
    /** An int64 in QEMU: sizes of 8 EiB and more wrap and read as an empty device. */
    private readonly size: number,
    private readonly readZeroes: boolean,
    private readonly latencyMs: number,
    private readonly host: BlockHost,
  ) {}

  private latency(): Promise<void> {
    return this.latencyMs > 0 && this.host.delay ? this.host.delay(this.latencyMs) : Promise.resolve();
  }

  async preadv(_offset: number, _bytes: number, buf: Uint8Array): Promise<void> {
    await this.latency();
    if (this.readZeroes) buf.fill(0);
  }

  pwritev(): Promise<void> {
    return this.latency();
  }

  pwriteZeroes(): Promise<void> {
    return this.latency();
  }

  pdiscard(): Promise<void> {
    return unsupported();
  }

  pwriteCompressed(): Promise<void> {
    return unsupported();
  }

  flushToDisk(): Promise<void> {
    return this.latency();
  }

  flushToOs(): Promise<void> {
    return nothingToDo();
  }

  /** Nothing is allocated; with read-zeroes every byte is known to read as zero. */
  blockStatus(offset: number, bytes: number): Promise<BlockStatus> {
    const status = BDRV_BLOCK_OFFSET_VALID | (this.readZeroes ? BDRV_BLOCK_ZERO : 0);
    return Promise.resolve({ status, pnum: bytes, map: offset });
  }

  getLength(): Promise<number> {
    return Promise.resolve(this.size);
  }

  truncate(): Promise<void> {
    return Promise.reject(new QemuError('Image format driver does not support resize', ENOTSUP));
  }

  saveVmstate(): Promise<void> {
    return unsupported();
  }

  loadVmstate(): Promise<void> {
    return unsupported();
  }

  /** null has no bdrv_get_info: `info` fails after printing the format name. */
  getInfo(): Promise<DriverInfo | null> {
    return Promise.resolve(null);
  }

  close(): Promise<void> {
    return nothingToDo();
  }
}

function abortOnError<T>(take: () => T, where: string): T {
  try {
    return take();
  } catch (e) {
    if (e instanceof QemuError) throw new QemuAbort(e.message.split('\n')[0], where);
    throw e;
  }
}

function nullDriver(name: 'null-co' | 'null-aio'): BlockDriver {
  const uri = `${name}://`;
  return {
    formatName: name,
    protocolName: name,
    isFilter: false,
    isFormat: false,
    runtimeOptions: ['size', 'latency-ns', 'read-zeroes'],
    parseFilename(filename: string, _options: QDict): void {
      // Only the bare URI is allowed (null_file_parse_filename).
      if (filename !== uri) throw new QemuError(`The only allowed filename for this driver is '${uri}'`);
    },
    async open(node: BlockNode, options: QDict, ctx: OpenContext): Promise<DriverInstance> {
      const opts = new OptionReader(options);
      options.delete('filename');
      // null_file_open absorbs its options with &error_abort: a bad value aborts QEMU 7.2.
      const size = abortOnError(() => opts.takeSize('size'), 'parse_option_size() at ../../util/qemu-option.c:145') ?? DEFAULT_SIZE;
      const latencyNs = abortOnError(() => opts.takeNumber('latency-ns'), 'parse_option_number() at ../../util/qemu-option.c:104') ?? 0;
      const readZeroes = abortOnError(() => opts.takeBool('read-zeroes'), 'qapi_bool_parse() at ../../qapi/qapi-util.c:104') ?? false;
      if (latencyNs < 0) throw new QemuError('latency-ns is invalid');
      node.filename = uri;
      return new NullDriver(size >= 2 ** 63 ? 0 : size, readZeroes, latencyNs / 1e6, ctx.host);
    },
  };
}

export const nullCoDriver = nullDriver('null-co');
export const nullAioDriver = nullDriver('null-aio');
