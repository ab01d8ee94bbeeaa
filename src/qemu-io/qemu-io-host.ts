// What the qemu-io engine needs from the process it runs in. src/host/node-qemu-io-host.ts
// implements it over Node; tests implement it in memory. The engine never touches node:*.

export interface QemuIoHost {
  /** Write bytes to fd 1 now (the engine does its own glibc-style buffering). */
  writeStdout(bytes: Uint8Array): void;
  /** Write bytes to fd 2 now (stderr is unbuffered, as in C). */
  writeStderr(bytes: Uint8Array): void;
  /** Whether fd 1 is a terminal: line-buffered then, else block-buffered (glibc). */
  readonly stdoutIsTty: boolean;
  /**
   * Read one line from stdin the way fgets(buf, 1024, stdin) does: at most 1023 bytes, up to and
   * including '\n'. Resolves null at end of input.
   */
  readLine(): Promise<string | null>;
  /** Whether fd 0 is a terminal: then qemu-io edits lines itself (echo off, readByte()). */
  readonly stdinIsTty: boolean;
  /**
   * One byte from the terminal with echo and line editing off, as QEMU sets it; the signal keys
   * (Ctrl-C ...) keep their meaning. Resolves null at end of input. `fresh`: first wait until
   * the terminal has new input (stdin readable), as QEMU's main loop does before each line.
   */
  readByte(fresh?: boolean): Promise<number | null>;
  /** Whole file for `write -s`; throws an error carrying a positive `.errno` on failure. */
  readFile(path: string): Promise<Uint8Array>;
  /** CLOCK_MONOTONIC in nanoseconds (what qemu-io times requests with). */
  monotonicNs(): bigint;
  /** CLOCK_REALTIME in nanoseconds (QEMU_CLOCK_HOST, used by `sleep`). */
  realtimeNs(): bigint;
  /** Let the event loop run for ms milliseconds (QEMU's main_loop_wait while a timer runs). */
  sleep(ms: number): Promise<void>;
  /** Resolve after the event loop has finished its current turn (setImmediate). */
  nextTurn(): Promise<void>;
  /** raise(sig): die by the signal if its default action kills; returns if the process survives. */
  raise(signal: number): void;
  /**
   * exit(3) with stdio already flushed by the caller. Hosts that cannot die (the app's console)
   * leave it out, and drivers then recover instead (blkverify records its mismatch).
   */
  exit?(status: number): never;
  /** abort(3): die by SIGABRT without flushing anything. */
  abort(): never;
}

/**
 * What a host that cannot really die (tests, an in-app console) throws from raise()/abort() for a
 * fatal signal: the engine lets it through, so the run ends there with nothing more printed.
 */
export class HostTerminated extends Error {
  constructor(readonly signal: number) {
    super(`terminated by signal ${signal}`);
    this.name = 'HostTerminated';
  }
}
