// The `null-co` / `null-aio` protocol drivers: a device of a given size that stores nothing.
// Reads leave the buffer untouched unless read-zeroes=on.
import type { BlockHost } from '../../block-host';
import type { BlockDriver, BlockStatus, DriverInfo, DriverInstance } from '../../driver';
import { BDRV_BLOCK_OFFSET_VALID, BDRV_BLOCK_ZERO, BDRV_REQ_FUA, BDRV_REQ_MAY_UNMAP } from '../../driver';
import { BlockError, ENOTSUP, QemuError } from '../../errors';
import type { BlockNode } from '../../node';
import type { OpenContext } from '../../open-context';
import { OptionReader, type QDict } from '../../qdict';

const DEFAULT_SIZE = 1 << 30;

class NullDriver implements DriverInstance {
  readonly supportedWriteFlags = BDRV_REQ_FUA;
  readonly supportedZeroFlags = BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP;
  readonly primaryChild = null;

  constructor(
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
    return Promise.reject(new BlockError(ENOTSUP));
  }

  pwriteCompressed(): Promise<void> {
    return Promise.reject(new BlockError(ENOTSUP));
  }

  flushToDisk(): Promise<void> {
    return this.latency();
  }

  flushToOs(): Promise<void> {
    return Promise.resolve();
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
    return Promise.reject(new BlockError(ENOTSUP));
  }

  loadVmstate(): Promise<void> {
    return Promise.reject(new BlockError(ENOTSUP));
  }

  /** null has no bdrv_get_info: `info` fails after printing the format name. */
  getInfo(): Promise<DriverInfo | null> {
    return Promise.resolve(null);
  }

  close(): Promise<void> {
    return Promise.resolve();
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
      const size = opts.takeSize('size') ?? DEFAULT_SIZE;
      const latencyNs = opts.takeNumber('latency-ns') ?? 0;
      const readZeroes = opts.takeBool('read-zeroes') ?? false;
      node.filename = uri;
      return new NullDriver(size, readZeroes, latencyNs / 1e6, ctx.host);
    },
  };
}

export const nullCoDriver = nullDriver('null-co');
export const nullAioDriver = nullDriver('null-aio');
