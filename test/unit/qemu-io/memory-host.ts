// An in-memory QemuIoHost for engine tests: captured stdout/stderr, a scripted stdin read the
// way fgets() reads it, instant sleeps, and signals recorded instead of raised.
import { HostTerminated, type QemuIoHost } from '../../../src/qemu-io/qemu-io-host';
import type { BlockHost, HostFile } from '../../../src/block/index';
import { BlockError } from '../../../src/block/index';

export class MemoryQemuIoHost implements QemuIoHost {
  readonly stdoutIsTty = false;
  readonly stdinIsTty: boolean;
  /** Terminal keys, all typed at once before the first prompt (one read(2) chunk). */
  private readonly keys: string;
  private keyPos = 0;
  stdout = '';
  stderr = '';
  /** Both streams in the order the bytes were written (what `2>&1` shows). */
  combined = '';
  private input: string;
  private readonly decoder = new TextDecoder();

  constructor(stdin = '', ttyKeys?: string) {
    this.input = stdin;
    this.stdinIsTty = ttyKeys !== undefined;
    this.keys = ttyKeys ?? '';
  }

  writeStdout(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes);
    this.stdout += text;
    this.combined += text;
  }

  writeStderr(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes);
    this.stderr += text;
    this.combined += text;
  }

  async readLine(): Promise<string | null> {
    if (this.input === '') return null;
    const nl = this.input.indexOf('\n');
    const take = Math.min(nl >= 0 ? nl + 1 : this.input.length, 1023);
    const line = this.input.slice(0, take);
    this.input = this.input.slice(take);
    return line;
  }

  async readByte(fresh = false): Promise<number | null> {
    // Nothing more is ever typed: a wait for new input would last forever (the captures killed
    // qemu-io there), so end the run as that kill did.
    if (fresh && this.keyPos > 0) throw new HostTerminated(9);
    if (this.keyPos >= this.keys.length) throw new HostTerminated(9);
    return this.keys.charCodeAt(this.keyPos++);
  }

  async readFile(path: string): Promise<Uint8Array> {
    throw Object.assign(new Error(path), { errno: 2 });
  }

  monotonicNs(): bigint {
    return 1_000_000n;
  }

  realtimeNs(): bigint {
    return 1_700_000_000_000_000_000n;
  }

  async sleep(): Promise<void> {}

  async nextTurn(): Promise<void> {}

  raise(signal: number): void {
    throw new HostTerminated(signal);
  }

  abort(): never {
    throw new HostTerminated(6);
  }
}

/** A BlockHost with no files at all. */
export const noFiles: BlockHost = {
  async openFile(): Promise<HostFile> {
    throw new BlockError(2);
  },
  async readFile(): Promise<Uint8Array> {
    throw new BlockError(2);
  },
  async createTempFile(): Promise<{ path: string; file: HostFile }> {
    throw new BlockError(28);
  },
};
