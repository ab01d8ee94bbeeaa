// The qemu-io interpreter state: the open BlockBackend, the command table, aio requests in
// flight and the "main loop" model that decides when their completions print.

import { openBlockBackend, QemuAbort, QemuError, BlockError, toErrno, strerror } from '../block/index';
import type { BlockBackendApi, BlockHost, OpenRequest } from '../block/index';
import { breakline, breaklineBuffer } from './breakline';
import { CMD_FLAG_GLOBAL, CMD_NOFILE_OK, type CmdInfo } from './cmdinfo';
import { cvtnumBig, cvtnumErrorText, EINVAL } from './cvtnum';
import { HostTerminated, type QemuIoHost } from './qemu-io-host';
import { Output } from './output';
import { IMMEDIATE_TURNS, runUntilBlocked } from '../block/coroutine-enter';

export const EPERM = 1;

/** The message of anything the block layer threw (QemuError/BlockError carry QEMU's text). */
export function errorMessage(e: unknown): string {
  if (e instanceof QemuError || e instanceof BlockError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** -errno of anything an I/O call threw. */
export function negErrno(e: unknown): number {
  return -toErrno(e);
}

export { strerror };

interface DeferredCompletion {
  /** Issue order of the aio request. */
  seq: number;
  fn: () => void;
}

/** How long a poll lets in-flight requests finish before reporting them together. */
const SETTLE_MS = 5;

/** Whether p settles without the event loop running, i.e. without any real I/O. */
async function settlesAtOnce(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < IMMEDIATE_TURNS && !settled; i++) await null;
  return settled;
}

export class QemuIo {
  readonly out: Output;
  blk: BlockBackendApi | null = null;
  /** --image-opts was given: `open` takes an option string and refuses -o. */
  imageOpts = false;
  /** -m: accepted; buffers need no misalignment here. */
  misalign = false;
  /** Ids of the --object definitions seen so far. */
  readonly objectIds = new Set<string>();
  /** Set by quit: no further commands run. */
  quit = false;
  private readonly inflight = new Set<Promise<void>>();
  /** Completions nobody polled for yet, one batch per event-loop turn they happened in. */
  private deferred: DeferredCompletion[][] = [];
  private batchOpen = false;
  private aioSeq = 0;
  /** Start order of the aio requests not completed yet (see restartInFlight). */
  private readonly aioOrder = new Set<{ seq: number }>();
  private polling = 0;
  /** The command line being run (what qemu_strtosz may read past an argument's NUL). */
  private line = '';

  constructor(
    readonly host: QemuIoHost,
    readonly blockHost: BlockHost,
    readonly commands: readonly CmdInfo[],
  ) {
    this.out = new Output(host);
  }

  findCommand(name: string): CmdInfo | undefined {
    return this.commands.find((ct) => ct.name === name || ct.altname === name);
  }

  /** qemuio_command(): run one command line; 0 or a negative errno. */
  async command(line: string): Promise<number> {
    const argv = breakline(line);
    if (argv.length === 0) return 0;
    this.line = line;
    const ct = this.findCommand(argv[0]);
    if (!ct) {
      this.out.printErr(`command "${argv[0]}" not found\n`);
      return -EINVAL;
    }
    return this.runCommand(ct, argv);
  }

  private async runCommand(ct: CmdInfo, argv: string[]): Promise<number> {
    if (!(ct.flags & CMD_FLAG_GLOBAL) && !(ct.flags & CMD_NOFILE_OK) && !this.blk) {
      this.out.printErr("no file open, try 'help open'\n");
      return -EINVAL;
    }
    const argc = argv.length - 1;
    if (argc < ct.argmin || (ct.argmax !== -1 && argc > ct.argmax)) {
      let expected: string;
      if (ct.argmax === -1) expected = `at least ${ct.argmin} arguments`;
      else if (ct.argmin === ct.argmax) expected = `${ct.argmin} arguments`;
      else expected = `between ${ct.argmin} and ${ct.argmax} arguments`;
      this.out.printErr(`bad argument count ${argc} to ${argv[0]}, expected ${expected}\n`);
      return -EINVAL;
    }
    // blk_set_perm() of the write permission the command needs.
    if (ct.needsWrite && this.blk) {
      try {
        this.blk.takeWritePermission();
      } catch (e) {
        if (!(e instanceof QemuError)) throw e;
        this.out.errorReport(e.message);
        return -(e.errno || EPERM);
      }
    }
    try {
      return await ct.cfunc(this, argv);
    } catch (e) {
      if (e instanceof HostTerminated) throw e;
      // Commands catch what the block layer throws; this is the net for anything else.
      this.out.print(`${argv[0]} failed: ${errorMessage(e)}\n`);
      return negErrno(e);
    }
  }

  /** qemuio_command_usage(). */
  usage(ct: CmdInfo): number {
    this.out.print(`${ct.name} ${ct.args ?? ''} -- ${ct.oneline}\n`);
    return -EINVAL;
  }

  /** cvtnum(): value >= 0, or -EINVAL/-ERANGE (hex with a suffix warns, as 7.2 does). */
  cvtnum(arg: string): number {
    return Number(this.cvtnumBig(arg));
  }

  /** cvtnum() keeping values above 2^53 exact. */
  cvtnumBig(arg: string): bigint {
    const r = cvtnumBig(arg, () => this.bytesAfter(arg));
    if (r.hexSuffixWarning) this.out.warnReport(`Using a multiplier suffix on hex numbers is deprecated: ${arg}`);
    return r.value;
  }

  /**
   * What follows arg's NUL in the command-line buffer: arg is a word of the current line, or
   * the tail of one (an option's glued argument, `-l1k`). The first such word wins when two
   * words are alike; it matters only for the rare parse that reads past the NUL.
   */
  private bytesAfter(arg: string): string {
    const words = breaklineBuffer(this.line);
    const hit = words.find((w) => w.word === arg) ?? words.find((w) => w.word.endsWith(arg));
    return hit?.after ?? '';
  }

  printCvtnumErr(rc: number, arg: string): void {
    this.out.print(cvtnumErrorText(rc, arg));
  }

  /**
   * Wait for p the way QEMU waits in aio_poll()/main_loop_wait(): aio completions that piled
   * up report first (runDeferred), later ones as they happen. `settle` models a wait for a
   * request: one refused at once never polls, and in-flight requests that are about done get
   * to finish first. Waiting for stdin input that is already there does neither.
   */
  async poll<T>(p: Promise<T>, settle = true): Promise<T> {
    if (settle && (await settlesAtOnce(p))) {
      // A request refused up front (bad offset, EIO past the end ...) completes inside the
      // coroutine QEMU creates for it, so QEMU never polls and earlier completions wait.
      return p;
    }
    if (settle && this.inflight.size > 0) {
      // QEMU polls only now, and by the time it does the thread pool has usually finished what
      // was submitted: let requests that are about done finish unreported, so that they report
      // together in QEMU's order (runDeferred) rather than in our completion order.
      await Promise.race([Promise.all([...this.inflight]), this.host.sleep(SETTLE_MS)]);
    }
    this.polling++;
    this.runDeferred();
    try {
      const value = await p;
      if (settle && this.inflight.size > 0) {
        // QEMU's thread pool and flush serialisation finish earlier aio requests before a later
        // synchronous one as a rule; give those that are about done a moment to print first.
        await Promise.race([Promise.all([...this.inflight]), this.host.sleep(1)]);
      }
      return value;
    } finally {
      this.polling--;
    }
  }

  /**
   * Start tracking an aio request and let it run until it waits for I/O (a QEMU coroutine runs
   * to its first yield inside the command); `done` prints its completion once someone polls.
   */
  async startAio<T>(
    request: Promise<T>,
    done: (result: { ok: true; value: T } | { ok: false; error: unknown }) => void,
  ): Promise<void> {
    const order = { seq: ++this.aioSeq };
    this.aioOrder.add(order);
    const tracked = request.then(
      (value) => this.complete(order, () => done({ ok: true, value })),
      (error: unknown) => this.complete(order, () => done({ ok: false, error })),
    );
    this.inflight.add(tracked);
    // Only a failing report could reject `tracked`; drainAll() surfaces that, not this chain.
    tracked.finally(() => this.inflight.delete(tracked)).catch(() => undefined);
    await runUntilBlocked();
  }

  /**
   * After resume/remove_break: resumed requests continue (and submit their I/O) now, after
   * everything else in flight, and blkdebug resumes the newest suspended request first. Parked
   * requests being the oldest in flight, reversing the start order models both.
   */
  restartInFlight(): void {
    const pending = [...this.aioOrder].sort((a, b) => b.seq - a.seq);
    for (const order of pending) order.seq = ++this.aioSeq;
  }

  /**
   * QEMU enters a resumed request's coroutine inside the resume command: whatever it does until
   * it waits for real I/O (finish, fail, hit the next breakpoint) is printed within the command.
   */
  async runResumed<T>(resume: () => T | Promise<T>): Promise<T> {
    this.polling++;
    try {
      const value = await resume();
      await runUntilBlocked();
      return value;
    } finally {
      this.polling--;
    }
  }

  private complete(order: { seq: number }, fn: () => void): void {
    this.aioOrder.delete(order);
    const seq = order.seq;
    if (this.polling > 0) {
      fn();
      return;
    }
    if (!this.batchOpen) {
      // What completes within one event-loop turn is what one aio_poll() iteration collects.
      this.batchOpen = true;
      this.deferred.push([]);
      void this.host.nextTurn().then(() => (this.batchOpen = false));
    }
    this.deferred[this.deferred.length - 1].push({ seq, fn });
  }

  /**
   * Completions that piled up while nobody polled, batch after batch; within a batch the newest
   * request reports first, as QEMU's thread pool walks its request list from the head and runs
   * bottom halves (requests refused up front) newest first.
   */
  private runDeferred(): void {
    while (this.deferred.length > 0) {
      const batch = this.deferred.shift()!.sort((a, b) => b.seq - a.seq);
      for (const d of batch) d.fn();
    }
    this.batchOpen = false;
  }

  /** bdrv_drain_all(): wait until every aio request completed and printed. */
  async drainAll(): Promise<void> {
    await this.poll(
      (async () => {
        if (this.blk) {
          try {
            await this.blk.drain();
          } catch {
            // Draining reports nothing; failed requests print through their own completion.
          }
        }
        while (this.inflight.size > 0) await Promise.all([...this.inflight]);
      })(),
    );
    this.runDeferred();
  }

  /** openfile(): open the image; false after printing QEMU's message. */
  async openFile(name: string | undefined, req: OpenRequest): Promise<boolean> {
    if (this.blk) {
      this.out.errorReport("file open already, try 'help close'");
      return false;
    }
    const shared = req.options?.['force-share'];
    if (req.forceShare && shared !== undefined && shared !== 'on') {
      this.out.errorReport('-U conflicts with image options');
      return false;
    }
    const exit = this.host.exit?.bind(this.host);
    const hooks = {
      warn: (text: string) => this.out.printErr(text),
      print: (text: string) => this.out.print(text),
      // exit(1) flushes stdout after the message went to (unbuffered) stderr.
      fatal: exit
        ? (text: string): never => {
            this.out.printErr(text);
            this.out.flush();
            return exit(1);
          }
        : undefined,
    };
    try {
      this.blk = await this.poll(openBlockBackend(this.blockHost, req, hooks));
      return true;
    } catch (e) {
      if (e instanceof QemuAbort) {
        // QEMU 7.2 hits &error_abort here: it names the spot, prints the error and dies.
        this.out.printErr(`Unexpected error in ${e.where}:\n`);
        this.out.errorReport(e.message);
        this.out.discard();
        this.host.abort();
      }
      this.out.errorReport(`can't open${name !== undefined ? ` device ${name}` : ''}: ${errorMessage(e)}`);
      return false;
    }
  }

  /** blk_unref() of the current image: drain, then close. */
  async closeFile(): Promise<void> {
    const blk = this.blk;
    if (!blk) return;
    await this.drainAll();
    this.blk = null;
    try {
      await this.poll(blk.close());
    } catch {
      // Close-time errors are printed by the block layer (qcow2 cache flush messages).
    }
  }
}
