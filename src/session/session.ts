// A debugging session: one qemu-io interpreter and the graph it has open, driven by calls (run a
// command line, apply rules, resume, snapshot) and observed through one batched event stream.
// Hosts (Electron main, the web server) use nothing else of the engine.
import {
  checkQcow2Node,
  findBlkdebugEngines,
  findQcow2Nodes,
  loadRuleFile,
  outlineRuleFile,
  rulesToText,
  type BlkdebugEngine,
  type BlkdebugEngineEvent,
  type BlockBackend,
  type BlockBackendApi,
  type BlockHost,
  type ConfigDiagnostic,
  type OpenRequest,
  type TraceEvent,
} from '../block/index';
import { utf8ToBinaryString } from '../common/binary-string';
import { COMMANDS } from '../qemu-io/command-table';
import { QemuIo } from '../qemu-io/qemu-io';
import { HostTerminated } from '../qemu-io/qemu-io-host';
import { ConsoleHost } from './console-host';
import type { SessionEnv } from './env';
import { EventBatcher, type BatcherOptions } from './event-batcher';
import type { CreateImageRequest, JobStarted, WorkspaceInfo, WorkspaceStepRun } from '../api/dto';
import type { DiffRequest, DiffStarted, ImageCheck, MismatchRequest, RuleLint, RunResult, SectorPair, SectorPairRequest, VerifyMismatchDto } from '../api/dto';
import type { BatchListener, EventBatch, InFlightRequest, SessionEvent } from './events';
import { Jobs } from './jobs';
import { SectorDiffs } from './sector-diffs';
import { SessionError } from './session-error';
import { snapshotEngine, snapshotNode, type SessionSnapshot, type SnapshotNode } from './snapshot';
import { decodeUtf8 } from './utf8';
import { EventHistory } from './event-history';
import { RuleTextMemory } from './rule-text-memory';
import { Transcript, type TranscriptLimits } from './transcript';
import type { ClearMemoryRequest, EventHistoryPage, EventHistoryRequest, RulesTextDto, TranscriptDto } from '../api/dto';
import { binaryStringToBytes } from '../common/binary-string';
import { WorkspaceRunner } from './workspace';

/** What qemu-io accepts for an image: its command line and `open` options (block OpenRequest). */
export type OpenSpec = OpenRequest;

export interface SessionOptions extends SessionEnv {
  batching?: BatcherOptions;
  /** The image to open when Session.open gets no spec (a scratch image); none: no image. */
  scratchImage?: () => Promise<OpenSpec>;
  /** Describes the image Session.open opens (the demo workspace); shown while it stays open. */
  workspace?: WorkspaceInfo;
  /** Called once the session has closed (hosts remove scratch files here). */
  onClosed?: () => void;
  /**
   * Plants the workspace's files afresh (its image is closed meanwhile) and says how to open
   * it again: what resetWorkspace calls. Absent: the workspace cannot be reset.
   */
  replantWorkspace?: () => Promise<OpenSpec>;
  /** What the session remembers for windows that connect later (a reload, a second window). */
  memory?: { events?: number; transcript?: TranscriptLimits };
}

/** What one command line printed, and its return code (0 or -errno, as qemuio_command()). */
export type { RunResult } from '../api/dto';

export interface ApplyRulesOptions {
  /** Put the state machine back to state 1. */
  resetState?: boolean;
}

type AttachedBackend = BlockBackendApi & BlockBackend;

function isBlockBackend(blk: BlockBackendApi): blk is AttachedBackend {
  return 'root' in blk && 'rootChild' in blk;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

interface Capture {
  stdout: Uint8Array[];
  stderr: Uint8Array[];
  /** Per stream: bytes kept so far, bytes dropped past CONSOLE_OUTPUT_CAP, and the last dropped ones. */
  kept: { stdout: number; stderr: number };
  dropped: { stdout: number; stderr: number };
  tail: { stdout: Uint8Array[]; stderr: Uint8Array[] };
}

/** How much of the dropped output's end is kept (the last lines: a read's summary, an error). */
const TAIL_BYTES = 4096;

/**
 * The most output one console command keeps (both streams): `read -v 0 16M` prints 80 MB,
 * which no console can show and a reply should not carry. Past the cap, the output is counted,
 * said, and its last lines are shown.
 */
export const CONSOLE_OUTPUT_CAP = 1024 * 1024;

/** A rule file larger than this (the contract's limit on rule text) is not kept as the rule text. */
const RULE_FILE_MAX_BYTES = 512 * 1024;

export class Session {
  private io: QemuIo;
  private readonly console: ConsoleHost;
  private readonly batcher: EventBatcher;
  /** run() and image calls, one after another (qemu-io runs one command at a time). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Output of the call running now; null: output goes to the event stream. */
  private capture: Capture | null = null;
  /** Swallow output (an interpreter that died is being cleaned up). */
  private muted = false;
  /** Between calls the session keeps qemu-io's main loop running so aio completions print. */
  private idle: { release: () => void; done: Promise<void> } | null = null;
  private attached: { blk: AttachedBackend; detach: () => void } | null = null;
  private readonly inFlight = new Map<number, InFlightRequest>();
  private readonly parkedAt = new WeakMap<object, number>();
  /** When the session saw each spent-rule record appear (session clock). */
  private readonly spentAt = new WeakMap<object, number>();
  private closed = false;
  private readonly diffs: SectorDiffs;
  private readonly jobs: Jobs;
  /** The backend the workspace describes (the image Session.open opened). */
  private workspaceBlk: BlockBackendApi | null = null;
  /** The workspace's run: which steps ran and what each verifiably did. */
  private readonly workspaceRun: WorkspaceRunner | null;
  /** The session's memory: console transcript, recent events, the rule text as written. */
  private readonly transcript: Transcript;
  private readonly history: EventHistory;
  private readonly ruleText = new RuleTextMemory();
  /** The rule files of the image just opened, being read (rememberConfigFile). */
  private configReads: Promise<void> = Promise.resolve();

  private constructor(
    private readonly blockHost: BlockHost,
    private readonly options: SessionOptions,
  ) {
    this.console = new ConsoleHost(options, blockHost, (stream, bytes) => this.onOutput(stream, bytes));
    this.batcher = new EventBatcher(
      options.batchClock ?? options.clock,
      options.batchTimer ?? options.timer,
      () => ({ total: this.inFlight.size, list: (limit) => [...this.inFlight.values()].slice(0, limit).map((r) => ({ ...r })) }),
      options.batching,
    );
    this.jobs = new Jobs((e) => this.emit(e), () => this.now());
    this.diffs = new SectorDiffs((e) => this.emit(e), () => this.now(), blockHost.bytesEqual?.bind(blockHost));
    this.transcript = new Transcript(options.memory?.transcript);
    this.history = new EventHistory(options.memory?.events);
    this.batcher.subscribe((batch) => this.remember(batch));
    this.io = this.newInterpreter();
    this.startIdle();
    this.workspaceRun = options.workspace
      ? new WorkspaceRunner(options.workspace, {
          run: (line) => this.run(line),
          addBreakpoint: (event, tag) => this.addBreakpoint(event, tag),
          snapshot: () => this.snapshot(),
          mismatches: () => (this.diffs.snapshot().length > 0 ? this.diffs.listMismatches() : []),
          changed: () => this.emit({ type: 'workspace-changed', at: this.now() }),
          timer: options.timer,
        })
      : null;
  }

  /**
   * A session with `spec` open, or with the options' scratch image, or with no image at all
   * (spec null/undefined and no scratchImage). Throws SessionError OPEN_FAILED with qemu-io's
   * message when the image cannot be opened.
   */
  static async open(blockHost: BlockHost, spec: OpenSpec | null | undefined, options: SessionOptions): Promise<Session> {
    const session = new Session(blockHost, options);
    const image = spec ?? (options.scratchImage ? await options.scratchImage() : null);
    if (image) {
      try {
        await session.openImage(image);
        if (options.workspace) session.workspaceBlk = session.attached?.blk ?? null;
      } catch (e) {
        await session.close();
        throw e;
      }
    }
    return session;
  }

  // ---- the event stream ------------------------------------------------------------------------

  /** Batches of events (at most ~60 a second); returns the unsubscribe function. */
  subscribe(listener: BatchListener): () => void {
    return this.batcher.subscribe(listener);
  }

  /** Send the events gathered so far now instead of at the next batch tick. */
  flushEvents(): void {
    this.batcher.flushNow();
  }

  private emit(e: SessionEvent): void {
    this.batcher.push(e);
  }

  private now(): number {
    return this.options.clock.now();
  }

  // ---- commands ----------------------------------------------------------------------------------

  /**
   * Run one qemu-io command line. Resolves with what qemu-io printed for it. Calls run one at a
   * time; aio commands return at once and their completions arrive as `console` events. `origin`
   * (a window's id) goes into the console-command event every window gets.
   */
  run(line: string, origin?: string): Promise<RunResult> {
    return this.enqueue(async () => {
      const text = line.endsWith('\n') ? line.slice(0, -1) : line;
      // Console output still waiting for its batch printed before this command: it goes first.
      this.batcher.flushNow();
      this.transcript.add('input', text, this.now());
      const result = await this.captured(async () => {
        const rc = await this.io.command(utf8ToBinaryString(text));
        if (this.io.quit) {
          // qemu-io's exit path: wait for every request, close the image. The session lives on.
          this.io.quit = false;
          await this.io.drainAll();
          await this.io.closeFile();
        }
        return rc;
      });
      this.transcript.add('stdout', result.stdout, this.now());
      this.transcript.add('stderr', result.stderr, this.now());
      // Every other window shows it too (the caller has the reply and skips its own origin).
      this.emit({ type: 'console-command', at: this.now(), line: text, stdout: result.stdout, stderr: result.stderr, rc: result.rc, origin: origin ?? null });
      return result;
    });
  }

  /** Close the image that is open (if any) and open `spec` instead. */
  openImage(spec: OpenSpec): Promise<RunResult> {
    return this.enqueue(async () => {
      const result = await this.captured(async () => {
        if (this.io.blk) await this.releaseAndClose();
        this.io.imageOpts = spec.imageOpts ?? false;
        const ok = await this.io.openFile(spec.imageOpts ? undefined : spec.filename, { readOnly: false, ...spec });
        return ok ? 0 : -22;
      });
      if (result.rc !== 0) {
        throw Object.assign(new SessionError('OPEN_FAILED', result.stderr.trim() || 'cannot open the image'), { output: result });
      }
      await this.configReads;
      return result;
    });
  }

  /** Drain and close the image (what qemu-io's `close` does), releasing parked requests first. */
  closeImage(): Promise<RunResult> {
    return this.enqueue(() =>
      this.captured(async () => {
        await this.releaseAndClose();
        return 0;
      }),
    );
  }

  /**
   * Requests parked at breakpoints would make the drain wait forever (QEMU's `close` hangs the
   * same way); a UI that opens another image means to let them go, so breakpoints are removed
   * and parked requests resumed before the image is drained and closed.
   */
  private async releaseAndClose(): Promise<void> {
    await this.resumeEverything(this.io.blk);
    this.io.restartInFlight();
    await this.io.closeFile();
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(() => {
      if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Run fn with the interpreter's output captured; a fatal signal ends the interpreter. */
  private async captured(fn: () => Promise<number>): Promise<RunResult> {
    await this.stopIdle();
    const cap: Capture = { stdout: [], stderr: [], kept: { stdout: 0, stderr: 0 }, dropped: { stdout: 0, stderr: 0 }, tail: { stdout: [], stderr: [] } };
    this.capture = cap;
    let rc: number;
    let terminated: number | undefined;
    try {
      rc = await fn();
      this.io.out.flush();
    } catch (e) {
      if (!(e instanceof HostTerminated)) throw e;
      terminated = e.signal;
      rc = -e.signal;
    } finally {
      this.capture = null;
      if (!this.closed) this.startIdle();
    }
    if (terminated !== undefined) await this.restartInterpreter();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (cap.dropped[stream] === 0) continue;
      const tail = concat(cap.tail[stream]);
      const from = tail.length >= TAIL_BYTES ? tail.indexOf(0x0a) + 1 : 0;
      const shown = tail.subarray(from);
      const omitted = cap.dropped[stream] - shown.length;
      cap[stream].push(
        binaryStringToBytes(`[blkstudio: ${omitted} bytes of output not shown here: the console keeps the first ${CONSOLE_OUTPUT_CAP / 1024 / 1024} MiB and the last lines of a command's output; blkstudio-io prints it all]\n`),
        shown,
      );
    }
    const result: RunResult = { stdout: decodeUtf8(concat(cap.stdout)), stderr: decodeUtf8(concat(cap.stderr)), rc };
    if (terminated !== undefined) result.terminated = terminated;
    return result;
  }

  private onOutput(stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    if (this.muted) return;
    if (this.capture) this.keep(this.capture, stream, bytes);
    else this.emit({ type: 'console', at: this.now(), stream, text: decodeUtf8(bytes) });
  }

  /** Capture output up to CONSOLE_OUTPUT_CAP, cut at a line end where there is one. */
  private keep(cap: Capture, stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    let take = 0;
    if (cap.dropped[stream] === 0) {
      take = Math.min(bytes.length, CONSOLE_OUTPUT_CAP - cap.kept[stream]);
      if (take < bytes.length) {
        const nl = bytes.subarray(0, take).lastIndexOf(0x0a);
        if (nl >= 0) take = nl + 1;
      }
      cap[stream].push(bytes.slice(0, take));
      cap.kept[stream] += take;
    }
    if (take === bytes.length) return;
    const rest = bytes.subarray(take);
    cap.dropped[stream] += rest.length;
    // Only the last TAIL_BYTES of what is dropped stay.
    const tail = cap.tail[stream];
    tail.push(rest.slice(Math.max(0, rest.length - TAIL_BYTES)));
    let held = tail.reduce((n, c) => n + c.length, 0);
    while (tail.length > 1 && held - tail[0]!.length >= TAIL_BYTES) held -= tail.shift()!.length;
  }

  /** Keep qemu-io's main loop polling while no call runs: completions print as they happen. */
  private startIdle(): void {
    if (this.idle) return;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done = this.io.poll(gate, false).then(
      () => this.io.out.flush(),
      () => undefined,
    );
    this.idle = { release, done };
  }

  private async stopIdle(): Promise<void> {
    const idle = this.idle;
    if (!idle) return;
    this.idle = null;
    idle.release();
    await idle.done;
  }

  private newInterpreter(): QemuIo {
    const io = new QemuIo(this.console, this.blockHost, COMMANDS);
    // Watch the interpreter's image: attach the trace hook and the blkdebug engines the moment
    // an image opens (Session.openImage, or an `open` command), detach when it closes.
    let blk: BlockBackendApi | null = io.blk;
    Object.defineProperty(io, 'blk', {
      configurable: true,
      enumerable: true,
      get: () => blk,
      set: (next: BlockBackendApi | null) => {
        if (next === blk) return;
        blk = next;
        this.attach(next);
      },
    });
    return io;
  }

  /** After a fatal signal: the image goes away as it would with the process; a new interpreter. */
  private async restartInterpreter(): Promise<void> {
    await this.stopIdle();
    const old = this.io;
    const blk = old.blk;
    this.attach(null);
    this.muted = true;
    try {
      await this.resumeEverything(blk);
      await blk?.close();
    } catch {
      // The process died: nothing of its image is reported any more.
    } finally {
      this.muted = false;
    }
    this.io = this.newInterpreter();
    if (!this.closed) this.startIdle();
  }

  // ---- the graph and its observers -------------------------------------------------------------

  private attach(blk: BlockBackendApi | null): void {
    if (this.attached) {
      this.attached.detach();
      this.attached = null;
      this.inFlight.clear();
      this.diffs.attach(null);
      this.emit({ type: 'graph-changed', at: this.now(), open: false });
    }
    if (!blk || !isBlockBackend(blk)) return;
    this.diffs.attach(blk);
    const graph = blk.graph;
    const hook = (ev: TraceEvent) => this.onTrace(ev);
    graph.trace = hook;
    const unsubscribe = findBlkdebugEngines(blk.root).map(({ node, engine }) => engine.subscribe((e) => this.onEngineEvent(node, engine, e)));
    this.attached = {
      blk,
      detach: () => {
        if (graph.trace === hook) graph.trace = null;
        for (const u of unsubscribe) u();
      },
    };
    this.emit({ type: 'graph-changed', at: this.now(), open: true });
    this.configReads = Promise.all(findBlkdebugEngines(blk.root).map(({ node, engine }) => this.rememberConfigFile(blk.root, node, engine))).then(() => undefined);
  }

  /**
   * A blkdebug node opened with a rule file (`blkdebug:rules.cfg:disk`): that file, as written,
   * is the rule text, as long as it still says what the engine loaded (every rule from the file
   * at a section of its kind at its line, none from options).
   */
  private async rememberConfigFile(root: SnapshotNode, nodeName: string, engine: BlkdebugEngine): Promise<void> {
    const find = (n: SnapshotNode): SnapshotNode | null => (n.nodeName === nodeName ? n : n.children.reduce<SnapshotNode | null>((hit, c) => hit ?? find(c.node), null));
    const config = find(root)?.openOptions.get('config');
    if (typeof config !== 'string' || config === '') return;
    let text: string;
    try {
      const bytes = await this.blockHost.readFile(config);
      if (bytes.length > RULE_FILE_MAX_BYTES) return;
      text = decodeUtf8(bytes);
    } catch {
      return;
    }
    if (this.ruleText.appliedOf(engine)) return;
    const rules = engine.listRules().filter((r) => r.kind !== 'suspend');
    if (rules.some((r) => r.source.origin !== 'config' || r.source.line === undefined)) return;
    const { diagnostics, sections } = outlineRuleFile(text);
    if (diagnostics.length > 0) return;
    const rulesections = sections.filter((s) => s.group === 'inject-error' || s.group === 'set-state');
    if (rulesections.length !== rules.length) return;
    const at = new Map(rulesections.map((s) => [s.line, s.group]));
    if (rules.every((r) => at.get(r.source.line!) === r.kind)) this.ruleText.setApplied(engine, text, 'config-file');
  }

  private onTrace(ev: TraceEvent): void {
    const at = this.now();
    switch (ev.kind) {
      case 'request-start':
        this.inFlight.set(ev.id, { id: ev.id, node: ev.node, op: ev.op, offset: ev.offset, bytes: ev.bytes, started: at });
        if (this.batcher.active) this.emit({ type: 'request-start', at, id: ev.id, node: ev.node, op: ev.op, offset: ev.offset, bytes: ev.bytes });
        break;
      case 'request-done':
        this.inFlight.delete(ev.id);
        if (this.batcher.active) {
          this.emit({ type: 'request-done', at, id: ev.id, node: ev.node, op: ev.op, offset: ev.offset, bytes: ev.bytes, errno: ev.errno });
        }
        break;
      case 'debug-event':
        if (this.batcher.active) this.emit({ type: 'debug-event', at, node: ev.node, event: ev.event });
        break;
    }
  }

  private onEngineEvent(node: string, engine: BlkdebugEngine, e: BlkdebugEngineEvent): void {
    const at = this.now();
    if (e.type === 'error-injected' || e.type === 'request-suspended' || e.type === 'breakpoints-changed') {
      for (const s of engine.spentRules()) if (!this.spentAt.has(s)) this.spentAt.set(s, at);
    }
    switch (e.type) {
      case 'event-fired':
        // The trace hook reports the event; state changes come as their own event.
        break;
      case 'rule-matched': {
        const rule = engine.listRules().find((r) => r.id === e.ruleId);
        this.emit({ type: 'rule-matched', at, node, ruleId: e.ruleId, ruleKind: rule?.kind ?? 'suspend', event: e.event });
        break;
      }
      case 'error-injected':
        this.emit({ type: 'error-injected', at, node, ruleId: e.ruleId, errno: e.errno, iotype: e.iotype, offset: e.offset, bytes: e.bytes });
        break;
      case 'state-changed':
        this.emit({ type: 'state-changed', at, node, from: e.from, to: e.to });
        break;
      case 'request-suspended': {
        const parked = engine.suspendedRequests()[0];
        if (parked) this.parkedAt.set(parked, at);
        const request = e.request ? { op: e.request.op, offset: e.request.offset, bytes: e.request.bytes } : null;
        this.emit({ type: 'request-suspended', at, node, tag: e.tag, event: e.event, request });
        break;
      }
      case 'request-resumed':
        this.emit({ type: 'request-resumed', at, node, tag: e.tag });
        break;
      case 'rules-replaced':
        this.emit({ type: 'rules-replaced', at, node, count: e.count });
        break;
      case 'breakpoints-changed':
        this.emit({ type: 'breakpoints-changed', at, node, tag: e.tag });
        break;
    }
  }

  private engines(node?: string): Array<{ node: string; engine: BlkdebugEngine }> {
    if (!this.attached) return [];
    const all = findBlkdebugEngines(this.attached.blk.root);
    return node === undefined ? all : all.filter((e) => e.node === node);
  }

  private requireEngines(node?: string): Array<{ node: string; engine: BlkdebugEngine }> {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const found = this.engines(node);
    if (found.length === 0) {
      throw new SessionError('NO_BLKDEBUG', node === undefined ? 'the image has no blkdebug node' : `no blkdebug node named '${node}'`);
    }
    return found;
  }

  // ---- blkdebug ----------------------------------------------------------------------------------

  /**
   * Replace the rules of a blkdebug node (default: the topmost) with a rule file's, live and
   * atomically: with any problem nothing changes and the problems come back, with line and column.
   */
  applyRules(node: string | undefined, text: string, options: ApplyRulesOptions = {}): ConfigDiagnostic[] {
    const [{ engine }] = this.requireEngines(node);
    const diagnostics = loadRuleFile(engine, text, options.resetState ?? false).map((d) => ({ message: d.message, line: d.line, column: d.column, endColumn: d.endColumn }));
    if (diagnostics.length === 0) this.ruleText.setApplied(engine, text);
    return diagnostics;
  }

  /**
   * qemu-img check of a qcow2 node of the open image (default: the topmost), read-only: leaks
   * and corruptions with the clusters involved. The node's caches are written back first.
   */
  async checkImage(node?: string): Promise<ImageCheck> {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const all = this.attached ? findQcow2Nodes(this.attached.blk.root) : [];
    const target = node === undefined ? all[0] : all.find((n) => n.nodeName === node);
    if (!target) throw new SessionError('NO_QCOW2', node === undefined ? 'the image has no qcow2 node' : `no qcow2 node named '${node}'`);
    const r = await checkQcow2Node(target);
    return {
      node: target.nodeName,
      corruptions: r.corruptions,
      leaks: r.leaks,
      checkErrors: r.checkErrors + (r.failedErrno ? 1 : 0),
      imageEndOffset: r.imageEndOffset,
      totalClusters: r.totalClusters,
      allocatedClusters: r.allocatedClusters,
      fragmentedClusters: r.fragmentedClusters,
      compressedClusters: r.compressedClusters,
      mismatches: r.mismatches.map((m) => ({ cluster: m.cluster, refcount: m.refcount, reference: m.reference, kind: m.kind })),
      messages: r.messages.map((l) => l.replace(/\n$/, '')),
    };
  }

  /** The rules of a blkdebug node (default: the topmost) as a rule file, for saving. */
  exportRules(node?: string): string {
    const [{ engine }] = this.requireEngines(node);
    return rulesToText(engine.listRules());
  }

  /** Every problem in a rule text and its sections with positions (no image needed). */
  lintRules(text: string): RuleLint {
    const { diagnostics, sections } = outlineRuleFile(text);
    return {
      diagnostics: diagnostics.map((d) => ({ message: d.message, line: d.line, column: d.column, endColumn: d.endColumn })),
      sections: sections.map((s) => ({
        group: s.group,
        ...(s.id === undefined ? {} : { id: s.id }),
        line: s.line,
        options: s.options.map((o) => ({ key: o.key, value: o.value, line: o.line, keyColumn: o.keyColumn, valueColumn: o.valueColumn, valueEndColumn: o.valueColumn + o.value.length })),
      })),
    };
  }

  /** `break EVENT TAG` on a blkdebug node (default: the topmost). */
  addBreakpoint(event: string, tag: string, node?: string): void {
    const [{ engine }] = this.requireEngines(node);
    try {
      engine.breakpoint(event, tag);
    } catch {
      throw new SessionError('BAD_EVENT', `'${event}' is not a blkdebug event`);
    }
  }

  /** Resume the most recently parked request with the tag. */
  resume(tag: string, node?: string): void {
    const hit = this.requireEngines(node).find(({ engine }) => engine.isSuspended(tag));
    if (!hit) throw new SessionError('NO_SUCH_TAG', `no request is suspended with tag '${tag}'`);
    hit.engine.resume(tag);
    this.io.restartInFlight();
  }

  /** Resume every parked request; returns how many. */
  resumeAll(node?: string): number {
    let n = 0;
    for (const { engine } of this.engines(node)) n += engine.resumeAll();
    if (n > 0) this.io.restartInFlight();
    return n;
  }

  /** remove_break: drop the tag's breakpoints and resume its parked requests. */
  removeBreakpoint(tag: string, node?: string): void {
    let found = false;
    for (const { engine } of this.requireEngines(node)) {
      const has = engine.isSuspended(tag) || engine.listRules().some((r) => r.kind === 'suspend' && r.tag === tag);
      if (!has) continue;
      found = true;
      try {
        engine.removeBreakpoint(tag);
      } catch {
        // ENOENT after resuming parked requests without a rule left: QEMU's quirk, not a failure here.
      }
    }
    if (!found) throw new SessionError('NO_SUCH_TAG', `no breakpoint or suspended request with tag '${tag}'`);
    this.io.restartInFlight();
  }

  private async resumeEverything(blk: BlockBackendApi | null): Promise<void> {
    if (!blk || !isBlockBackend(blk)) return;
    for (const { engine } of findBlkdebugEngines(blk.root)) {
      for (const rule of engine.listRules()) {
        if (rule.kind === 'suspend') {
          try {
            engine.removeBreakpoint(rule.tag);
          } catch {
            // Already gone with an earlier tag.
          }
        }
      }
      engine.resumeAll();
    }
  }

  // ---- blkverify and sector diffs -------------------------------------------------------------------

  /** The blkverify/diff side, while the session is open. */
  private liveDiffs(): SectorDiffs {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    return this.diffs;
  }

  /** The same range of two nodes: a blkverify node's raw copy (a) and test image (b) by default. */
  readSectorPair(req: SectorPairRequest): Promise<SectorPair> {
    return this.liveDiffs().readSectorPair(req);
  }

  /** What a blkverify node (default the topmost) recorded, oldest first. */
  listMismatches(node?: string): VerifyMismatchDto[] {
    return this.liveDiffs().listMismatches(node);
  }

  /** Both buffers of a recorded mismatch, or a part of them. */
  readMismatch(req: MismatchRequest): SectorPair {
    return this.liveDiffs().readMismatch(req);
  }

  /** Every mismatching range of two nodes, streamed as diff-progress events; ends with diff-done. */
  startDiff(req: DiffRequest): Promise<DiffStarted> {
    return this.liveDiffs().startDiff(req);
  }

  cancelDiff(diffId: number): boolean {
    return this.liveDiffs().cancelDiff(diffId);
  }

  // ---- background jobs ----------------------------------------------------------------------------

  /**
   * Make a new image file in the background (job-progress events, then job-done); with `open`,
   * open it once made. Fails at once with BAD_REQUEST when this host cannot make files.
   */
  createImage(req: CreateImageRequest): JobStarted {
    const create = this.options.createImageFile?.bind(this.options);
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    if (!create) throw new SessionError('BAD_REQUEST', 'this host cannot create images');
    const jobId = this.jobs.start('create-image', async (control) => {
      await create(req, control);
      if (req.open && !control.aborted) await this.openImage({ filename: req.filename, format: req.format });
    });
    return { jobId };
  }

  cancelJob(jobId: number): boolean {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    return this.jobs.cancel(jobId);
  }

  // ---- the workspace -------------------------------------------------------------------------------

  /**
   * Plant the workspace afresh (the host writes its images and rules again while its image is
   * closed; parked requests are released first), re-open its stack and start a new run with
   * every step pending. BAD_REQUEST when the session has no workspace to reset.
   */
  resetWorkspace(): Promise<WorkspaceInfo> {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const runner = this.workspaceRun;
    const replant = this.options.replantWorkspace;
    if (!runner || !replant) throw new SessionError('BAD_REQUEST', 'this session has no workspace to reset');
    return runner.reset(async () => {
      await this.closeImage();
      this.workspaceBlk = null;
      const spec = await replant();
      await this.openImage(spec);
      this.workspaceBlk = this.attached?.blk ?? null;
    });
  }

  /** Run one step of the workspace (after the earlier ones it needs), verified. */
  runWorkspaceStep(index: number): Promise<WorkspaceStepRun[]> {
    const runner = this.requireWorkspace();
    if (!Number.isInteger(index) || index < 0 || index >= (this.options.workspace?.steps.length ?? 0)) {
      throw new SessionError('BAD_REQUEST', `the workspace has no step ${index + 1}`);
    }
    return runner.runStep(index);
  }

  /** Run every step of the workspace not done yet, in order, each verified. */
  runWorkspaceSteps(): Promise<WorkspaceStepRun[]> {
    return this.requireWorkspace().runAll();
  }

  private requireWorkspace(): WorkspaceRunner {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const runner = this.workspaceRun;
    if (!runner) throw new SessionError('BAD_REQUEST', 'this session has no workspace');
    if (!this.attached || this.attached.blk !== this.workspaceBlk) {
      throw new SessionError('BAD_REQUEST', "the workspace's image is not open any more: reset the workspace (Run the demo again) to open it");
    }
    return runner;
  }

  // ---- the session's memory ------------------------------------------------------------------------

  /** A delivered batch: its events into the history, its console output into the transcript. */
  private remember(batch: EventBatch): void {
    this.history.record(batch);
    for (const e of batch.events) if (e.type === 'console') this.transcript.add(e.stream, e.text, e.at);
  }

  /** The console transcript: each command run and what it printed, output between commands. */
  consoleTranscript(): TranscriptDto {
    return this.transcript.list(this.batcher.lastSeq);
  }

  /** A page of the recent events (oldest first), for a window that connects later. */
  eventHistory(req: EventHistoryRequest = {}): EventHistoryPage {
    return this.history.page(req);
  }

  /**
   * The rule text of a blkdebug node (default the topmost) as last applied, or the rule file it
   * was opened with, and the editor's unapplied draft. Needs no blkdebug node (the draft alone).
   */
  rulesText(node?: string): RulesTextDto {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const found = this.engines(node)[0];
    if (!found && node !== undefined) throw new SessionError('NO_BLKDEBUG', `no blkdebug node named '${node}'`);
    return this.ruleText.describe(found?.node ?? null, found?.engine ?? null);
  }

  /** Keep the editor's unapplied text in the session (null: there is none any more). */
  saveRulesDraft(text: string | null): void {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    const found = this.engines()[0];
    this.ruleText.saveDraft(text, this.now(), found ? (this.ruleText.appliedOf(found.engine)?.text ?? null) : null);
  }

  /** Forget the transcript, the event history and/or the draft (each unless named false). */
  clearMemory(req: ClearMemoryRequest = {}): void {
    if (this.closed) throw new SessionError('CLOSED', 'the session is closed');
    if (req.transcript !== false) this.transcript.clear();
    if (req.events !== false) this.history.clear();
    if (req.draft !== false) this.ruleText.clearDraft();
  }

  // ---- state -------------------------------------------------------------------------------------

  snapshot(): SessionSnapshot {
    const now = this.now();
    const blk = this.attached?.blk;
    return {
      at: now,
      image: blk ? { format: blk.formatName, protocol: blk.protocolName ?? null, readOnly: blk.readOnly, root: snapshotNode(blk.root) } : null,
      blkdebug: this.engines().map(({ node, engine }) => snapshotEngine(node, engine, now, (r) => this.parkedAt.get(r), (s) => this.spentAt.get(s))),
      blkverify: this.diffs.snapshot(),
      workspace: blk && blk === this.workspaceBlk ? (this.workspaceRun?.describe() ?? null) : null,
      inFlight: [...this.inFlight.values()].map((r) => ({ ...r })),
    };
  }

  /**
   * The open image's block backend (null without one): for hosts' workloads and benchmarks that
   * drive I/O without going through qemu-io's parser. Its requests show on the event stream.
   */
  get backend(): BlockBackendApi | null {
    return this.attached?.blk ?? null;
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Close: parked requests are released (breakpoints removed), calls still queued finish, the
   * image is drained and closed, the last events are sent and the stream ends.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.diffs.cancelAll();
    this.jobs.cancelAll();
    await this.resumeEverything(this.io.blk);
    await this.queue;
    await this.stopIdle();
    try {
      await this.io.drainAll();
      await this.io.closeFile();
      this.io.out.flush();
    } catch (e) {
      if (!(e instanceof HostTerminated)) throw e;
    }
    this.batcher.flushNow();
    this.batcher.dispose();
    this.options.onClosed?.();
  }
}
