// QemuIoHost over Node: synchronous writes to fds 1 and 2 (so stdout/stderr ordering is exactly
// what the engine decides), an fgets-like stdin reader, clocks, timers and real signals.

import * as fs from 'node:fs';
import { hostPath } from './node-block-host';
import * as os from 'node:os';
import * as tty from 'node:tty';
import type { QemuIoHost } from '../qemu-io/qemu-io-host';

const EAGAIN = 'EAGAIN';
const SIGABRT = 6;
/** fgets(buf, 1024, stdin) returns at most 1023 bytes. */
const MAX_LINE = 1023;

function errnoOf(e: unknown): number {
  return typeof e === 'object' && e !== null && 'errno' in e && typeof e.errno === 'number' ? Math.abs(e.errno) : 5;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Keys that raise a signal on a terminal (ISIG), which raw mode hands over as bytes. */
const SIGNAL_KEYS = new Map([
  [3, 2], // Ctrl-C: SIGINT
  [28, 3], // Ctrl-\: SIGQUIT
  [26, 20], // Ctrl-Z: SIGTSTP
]);

export class NodeQemuIoHost implements QemuIoHost {
  readonly stdoutIsTty = tty.isatty(1);
  readonly stdinIsTty = tty.isatty(0);
  /** Terminal input not consumed yet, chunk by chunk as read(2) returned it. */
  private ttyChunks: Buffer[] = [];
  /** Bytes of ttyChunks[0] already consumed: that chunk is what stdio has buffered. */
  private ttyPos = 0;
  private ttyWaiter: { fresh: boolean; resolve: (b: number | null) => void } | null = null;
  private ttyEnded = false;
  private ttyStarted = false;
  private pending: Buffer = Buffer.alloc(0);
  private eof = false;

  writeStdout(bytes: Uint8Array): void {
    this.writeAll(1, bytes);
  }

  writeStderr(bytes: Uint8Array): void {
    this.writeAll(2, bytes);
  }

  private writeAll(fd: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      try {
        done += fs.writeSync(fd, bytes, done, bytes.length - done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === EAGAIN) {
          sleepSync(1);
          continue;
        }
        // qemu-io ignores SIGPIPE: a closed pipe (EPIPE) or any other error just drops output, as stdio does.
        return;
      }
    }
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const limit = Math.min(this.pending.length, MAX_LINE);
      const nl = this.pending.subarray(0, limit).indexOf(10);
      if (nl >= 0 || this.pending.length >= MAX_LINE || (this.eof && this.pending.length > 0)) {
        const take = nl >= 0 ? nl + 1 : limit;
        const line = this.pending.subarray(0, take).toString('latin1');
        this.pending = this.pending.subarray(take);
        return line;
      }
      if (this.eof) return null;
      const chunk = await this.readStdin();
      if (chunk.length === 0) this.eof = true;
      else this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    }
  }

  readByte(fresh = false): Promise<number | null> {
    if (!this.ttyStarted) this.startTty();
    return new Promise((resolve) => {
      this.ttyWaiter = { fresh, resolve };
      this.wakeTty();
    });
  }

  /** Echo and line editing off (qemu_set_tty_echo(false)); restored at exit, as QEMU does. */
  private startTty(): void {
    this.ttyStarted = true;
    const stdin = process.stdin as tty.ReadStream;
    stdin.setRawMode(true);
    process.on('exit', () => stdin.setRawMode(false));
    stdin.on('data', (data: Buffer) => {
      for (const b of data) {
        const sig = SIGNAL_KEYS.get(b);
        if (sig === undefined) continue;
        // The terminal signals the whole foreground process group as soon as the key arrives;
        // the terminal mode goes back first.
        stdin.setRawMode(false);
        this.resetSignal(sig);
        process.kill(0, sig);
        this.sleepAfterKill();
        stdin.setRawMode(true);
      }
      const chunk = Buffer.from(data.filter((b) => !SIGNAL_KEYS.has(b)));
      if (chunk.length > 0) this.ttyChunks.push(chunk);
      this.wakeTty();
    });
    stdin.on('end', () => {
      this.ttyEnded = true;
      this.wakeTty();
    });
  }

  /**
   * Hand out the next byte. A `fresh` read first waits for input the terminal has not handed
   * over yet (the fd becoming readable): bytes left in stdio's buffer from an earlier read(2)
   * do not wake QEMU's main loop, they are only consumed once it is woken.
   */
  private wakeTty(): void {
    const waiter = this.ttyWaiter;
    if (!waiter) return;
    const readable = this.ttyEnded || this.ttyChunks.length > (this.ttyPos > 0 ? 1 : 0);
    if (waiter.fresh && !readable) return;
    if (this.ttyChunks.length === 0) {
      if (!this.ttyEnded) return;
      this.ttyWaiter = null;
      waiter.resolve(null);
      return;
    }
    this.ttyWaiter = null;
    const head = this.ttyChunks[0];
    const b = head[this.ttyPos++];
    if (this.ttyPos >= head.length) {
      this.ttyChunks.shift();
      this.ttyPos = 0;
    }
    waiter.resolve(b);
  }

  private readStdin(): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(65536);
    return new Promise((resolve) => {
      const attempt = (): void => {
        fs.read(0, buf, 0, buf.length, null, (err, n) => {
          if (err) {
            if (err.code === EAGAIN) setTimeout(attempt, 1);
            else resolve(Buffer.alloc(0)); // a read error ends input, as fgets returning NULL does
            return;
          }
          resolve(buf.subarray(0, n));
        });
      };
      attempt();
    });
  }

  async readFile(file: string): Promise<Uint8Array> {
    try {
      const data = await fs.promises.readFile(hostPath(file));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (e) {
      throw Object.assign(new Error(String(e)), { errno: errnoOf(e) });
    }
  }

  monotonicNs(): bigint {
    // uv_hrtime() is CLOCK_MONOTONIC on Linux, the clock qemu-io's reports use.
    return process.hrtime.bigint();
  }

  realtimeNs(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 0x7fffffff)));
  }

  nextTurn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  raise(signal: number): void {
    this.resetSignal(signal);
    try {
      process.kill(process.pid, signal);
    } catch {
      return;
    }
    this.sleepAfterKill();
  }

  /**
   * Node ignores or handles some signals itself (SIGPIPE, SIGUSR1): installing and removing a
   * listener leaves the default action in place, as a C program has it. Our own listeners go
   * too (blkstudio-io's Ctrl-C note): a handled SIGINT would arrive only after the next command.
   */
  private resetSignal(signal: number): void {
    const name = SIGNAL_NAMES.get(signal);
    if (!name) return;
    const noop = (): void => undefined;
    try {
      process.removeAllListeners(name);
      process.on(name, noop);
      process.removeListener(name, noop);
    } catch {
      // SIGKILL and SIGSTOP cannot be listened to; their action is fixed anyway.
    }
  }

  /** A fatal signal is delivered before kill() returns; give a stray thread delivery a moment. */
  private sleepAfterKill(): void {
    sleepSync(10);
  }

  exit(status: number): never {
    process.exit(status);
  }

  abort(): never {
    // abort(3) is raise(SIGABRT); process.abort() would print V8's stack traces first.
    this.raise(SIGABRT);
    process.abort();
  }
}
