// An in-memory BlockHost for block-layer unit tests: files are growable byte arrays.
import { BlockError, ENOENT, EISDIR } from '../../../src/block/errors';
import type { BlockHost, HostFile, HostOpenFlags } from '../../../src/block/block-host';

export class MemoryHost implements BlockHost {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>();
  syncs = 0;
  /** The host clock (ms); tests move it by hand. */
  now?: () => number;

  addFile(path: string, data: Uint8Array | number): void {
    this.files.set(path, typeof data === 'number' ? new Uint8Array(data) : data);
  }

  async openFile(path: string, _flags?: HostOpenFlags): Promise<HostFile> {
    if (this.dirs.has(path)) throw new BlockError(EISDIR);
    if (!this.files.has(path)) throw new BlockError(ENOENT);
    const files = this.files;
    const countSync = () => this.syncs++;
    const get = () => files.get(path) as Uint8Array;
    return {
      async pread(buf, offset) {
        const data = get();
        const n = Math.max(0, Math.min(buf.length, data.length - offset));
        buf.set(data.subarray(offset, offset + n));
        return n;
      },
      async pwrite(buf, offset) {
        let data = get();
        if (offset + buf.length > data.length) {
          const grown = new Uint8Array(offset + buf.length);
          grown.set(data);
          data = grown;
          files.set(path, data);
        }
        data.set(buf, offset);
      },
      async fdatasync() {
        countSync();
      },
      async size() {
        return get().length;
      },
      async truncate(length) {
        const data = get();
        const next = new Uint8Array(length);
        next.set(data.subarray(0, Math.min(length, data.length)));
        files.set(path, next);
      },
      async close() {},
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw new BlockError(ENOENT);
    return f.slice();
  }

  async createTempFile(): Promise<{ path: string; file: HostFile }> {
    const path = `/tmp/mem-${this.files.size}`;
    this.addFile(path, 0);
    return { path, file: await this.openFile(path) };
  }
}
