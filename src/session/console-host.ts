// The QemuIoHost a session's interpreter runs on: no terminal, no stdin; what it prints goes to
// whoever the session says owns the output right now (a run() call or the event stream).
import type { BlockHost } from '../block/index';
import { HostTerminated, type QemuIoHost } from '../qemu-io/qemu-io-host';
import type { SessionEnv } from './env';

export type OutputSink = (stream: 'stdout' | 'stderr', bytes: Uint8Array) => void;

/** Signals whose default action does not end the process (ignored, or stop: nobody here would continue it). */
const HARMLESS_SIGNALS = new Set([17, 18, 19, 20, 21, 22, 23, 28]);
const SIGABRT = 6;

/** The longest delay a host timer takes: setTimeout fires at once (after a warning) past 2^31-1 ms. */
const MAX_TIMER_MS = 0x7fffffff;

export class ConsoleHost implements QemuIoHost {
  /** Line-buffered stdout: every finished line reaches the sink at once. */
  readonly stdoutIsTty = true;
  readonly stdinIsTty = false;
  sink: OutputSink;

  constructor(
    private readonly env: SessionEnv,
    private readonly blockHost: BlockHost,
    sink: OutputSink,
  ) {
    this.sink = sink;
  }

  writeStdout(bytes: Uint8Array): void {
    this.sink('stdout', bytes);
  }

  writeStderr(bytes: Uint8Array): void {
    this.sink('stderr', bytes);
  }

  /** A session has no stdin: commands come through run(). */
  async readLine(): Promise<string | null> {
    return null;
  }

  async readByte(): Promise<number | null> {
    return null;
  }

  async readFile(path: string): Promise<Uint8Array> {
    // BlockError carries a positive .errno, which is what `write -s` reports.
    return this.blockHost.readFile(path);
  }

  monotonicNs(): bigint {
    return BigInt(Math.round(this.env.clock.now() * 1e6));
  }

  realtimeNs(): bigint {
    return BigInt(Math.round((this.env.wallClock?.() ?? Date.now()) * 1e6));
  }

  /** `sleep 3000000000` waits its 34 days: a delay past MAX_TIMER_MS is a chain of timers. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const step = (left: number) => {
        if (left <= MAX_TIMER_MS) this.env.timer.setTimeout(resolve, left);
        else this.env.timer.setTimeout(() => step(left - MAX_TIMER_MS), MAX_TIMER_MS);
      };
      step(ms);
    });
  }

  nextTurn(): Promise<void> {
    if (this.blockHost.nextTurn) return this.blockHost.nextTurn();
    return new Promise((resolve) => this.env.timer.setTimeout(resolve, 0));
  }

  /** The session cannot die: a fatal signal ends the interpreter (see Session.run). */
  raise(signal: number): void {
    if (HARMLESS_SIGNALS.has(signal)) return;
    throw new HostTerminated(signal);
  }

  abort(): never {
    throw new HostTerminated(SIGABRT);
  }
}
