// Data that crosses the process boundary: plain JSON, no classes, no functions.
import type { SessionEvent } from './events';

export interface EngineInfo {
  /** Block drivers the engine can open, by QEMU driver name. */
  drivers: string[];
  /** qemu-io's commands, for the console's completion and help. */
  commands: CommandInfo[];
}

/** One qemu-io command as `help` lists it. */
export interface CommandInfo {
  name: string;
  altname?: string;
  args?: string;
  oneline: string;
}

export interface AppInfo {
  name: string;
  version: string;
  engine: EngineInfo;
}

/** An image to open: a filename qemu-io accepts (`blkdebug:rules.cfg:disk.raw`, `json:{...}`). */
export interface OpenImageRequest {
  filename: string;
  /** qemu-io -f FMT; probed when absent. */
  format?: string;
  readOnly?: boolean;
}

/** What one qemu-io command line printed, and its return code (0 or -errno). */
export interface RunResult {
  stdout: string;
  stderr: string;
  rc: number;
  /** The command killed the interpreter with this signal (abort, sigraise): its image is gone. */
  terminated?: number;
}

/** How a caller runs a command line: `origin` names the window, echoed in the console-command event. */
export interface RunOptions {
  origin?: string;
}

export interface ApplyRulesRequest {
  /** The blkdebug node; default the topmost. */
  node?: string;
  /** A blkdebug rule file's text. */
  text: string;
  /** Put the state machine back to state 1. */
  resetState?: boolean;
}

/** A problem in a rule text; 1-based line and column, endColumn exclusive. */
export interface RuleDiagnostic {
  message: string;
  line: number;
  column: number;
  endColumn: number;
}

export interface LintRulesRequest {
  text: string;
}

/** One `key = "value"` line of a rule file; 1-based columns, valueEndColumn exclusive. */
export interface RuleOptionPosition {
  key: string;
  value: string;
  line: number;
  keyColumn: number;
  valueColumn: number;
  valueEndColumn: number;
}

/** One `[group]` section of a rule file, with where everything in it was written. */
export interface RuleSectionPosition {
  group: string;
  id?: string;
  /** The header's line. */
  line: number;
  options: RuleOptionPosition[];
}

/** What the engine's parser makes of a rule text: every problem, and the sections it read. */
export interface RuleLint {
  diagnostics: RuleDiagnostic[];
  sections: RuleSectionPosition[];
}

export interface BreakpointRequest {
  /** A blkdebug event name. */
  event: string;
  tag: string;
  node?: string;
}

export interface TagRequest {
  tag: string;
  node?: string;
}

export interface NodeRequest {
  node?: string;
}

/** A cluster whose stored refcount differs from the references the metadata makes. */
export interface RefcountMismatchDto {
  /** Host cluster index. */
  cluster: number;
  refcount: number;
  reference: number;
  /** leak: more counted than referenced; error: fewer (data at risk). */
  kind: 'leak' | 'error' | 'repaired';
}

/** The consistency of a qcow2 image, as qemu-img check finds it. */
export interface ImageCheck {
  node: string;
  corruptions: number;
  leaks: number;
  /** Parts of the image the check could not read or understand. */
  checkErrors: number;
  imageEndOffset: number;
  totalClusters: number;
  allocatedClusters: number;
  fragmentedClusters: number;
  compressedClusters: number;
  mismatches: RefcountMismatchDto[];
  /** What qemu-img check prints on stderr, one line each. */
  messages: string[];
}

// ---- blkverify and sector diffs --------------------------------------------------------------

/** A byte range of an image (sector-aligned except possibly at an unaligned image end). */
export interface ByteRange {
  offset: number;
  bytes: number;
}

/**
 * The same range read from two sides, base64-encoded. For a blkverify node `a` is the raw
 * reference and `b` the test image. A side that failed has its errno and reads as zeroes.
 */
export interface SectorPair {
  aNode: string;
  bNode: string;
  offset: number;
  bytes: number;
  a: string;
  b: string;
  aErrno: number;
  bErrno: number;
  /** What each side is, to name it by: the base name of the file under the node (`reference.raw`), else its driver. */
  aLabel?: string;
  bLabel?: string;
}

/** Which two nodes to compare: a blkverify node's children (default), or any two nodes by name. */
export interface PairSelector {
  /** A blkverify node; default the topmost. Ignored when `a` and `b` are given. */
  node?: string;
  a?: string;
  b?: string;
}

export interface SectorPairRequest extends PairSelector {
  offset: number;
  /** At most MAX_PAIR_BYTES. */
  bytes: number;
}

/** The largest range readSectorPair and readMismatch return at once. */
export const MAX_PAIR_BYTES = 1024 * 1024;

/** A read (or a request's return value) where blkverify's test image and raw copy disagreed. */
export interface VerifyMismatchDto {
  node: string;
  /** 1, 2, 3 ... per blkverify node. */
  id: number;
  kind: 'contents' | 'return-value';
  op: 'read' | 'write';
  /** The request as it reached blkverify. */
  offset: number;
  bytes: number;
  /** Contents: the absolute offset of the first differing byte. */
  firstMismatch: number | null;
  /** 0 or the positive errno each side returned. */
  testErrno: number;
  rawErrno: number;
  /** QEMU's line for it (`blkverify: read offset=... contents mismatch at offset ...`). */
  message: string;
  /** Contents: the differing sectors of the request, merged (at most 256 ranges). */
  sectors: ByteRange[];
  /** Contents: both buffers around the first mismatch (up to 4 KiB, whole sectors), a = raw. */
  window: SectorPair | null;
}

export interface MismatchRequest {
  node?: string;
  id: number;
  /** A part of the request to read (default: the whole request, at most MAX_PAIR_BYTES). */
  offset?: number;
  bytes?: number;
}

export interface DiffRequest extends PairSelector {
  start?: number;
  end?: number;
}

export interface DiffStarted {
  diffId: number;
  aNode: string;
  bNode: string;
  /** Bytes the diff will scan. */
  total: number;
  /** As SectorPair's: the base name of the file under each side. */
  aLabel?: string;
  bLabel?: string;
}

export interface DiffIdRequest {
  diffId: number;
}

// ---- workspaces ------------------------------------------------------------------------------

/** One step of a workspace's script: a qemu-io command line, or a breakpoint set through the API. */
export type WorkspaceStep = ({ run: string; note?: string } | { breakpoint: { event: string; tag: string }; note?: string }) & WorkspaceStepChecks;

/** What a step depends on and what it must have done for its check mark (the session verifies it). */
export interface WorkspaceStepChecks {
  /** Indexes of earlier steps that must be done first (running this step runs them too). */
  needs?: number[];
  expect?: WorkspaceExpect;
}

/** A step's outcome, checked by the session after it ran; every field given must hold. */
export interface WorkspaceExpect {
  /** The command's return code (0, or -errno as qemuio_command()). */
  rc?: number;
  /** No blkverify mismatch was recorded by the step. */
  noMismatch?: boolean;
  /** The step recorded a blkverify mismatch of this kind and op (when given: listing this sector number, 512-byte units; with this positive test-side errno). */
  mismatch?: { kind: 'contents' | 'return-value'; op: string; sector?: number; testErrno?: number };
  /** The blkdebug state machine moved from `from` (the state before the step) to `to`. */
  state?: { from: number; to: number };
  /** No inject-error rule is left active afterwards (the test side reads again). */
  noActiveErrors?: boolean;
  /** A breakpoint (suspend rule) with this tag is set afterwards. */
  breakpoint?: string;
  /** A request is parked under this tag afterwards (an aio request: waited for). */
  parked?: string;
}

export type WorkspaceStepState = 'pending' | 'running' | 'done' | 'failed';

/** Where one step stands in the workspace's current run. */
export interface WorkspaceStepResult {
  state: WorkspaceStepState;
  /** What was checked when done; why not when failed; what it waits for when pending. */
  reason?: string;
  /** What the step's command printed (stdout then stderr), once it ran one. */
  output?: string;
}

/** The workspace's current run, kept by the session (so every window and a reload see the same). */
export interface WorkspaceProgress {
  /** 1 for the workspace as first planted, +1 for each resetWorkspace. */
  run: number;
  /** Nothing has run in this workspace yet: the UI runs the steps at first sight. */
  autoRun: boolean;
  /** One per step, in order. */
  steps: WorkspaceStepResult[];
}

/** resetWorkspace, runWorkspaceStep and runWorkspaceSteps: what each step run printed, in order. */
export interface WorkspaceStepRun {
  index: number;
  /** The command line (or `break EVENT TAG`) as the console shows it. */
  line: string;
  result: WorkspaceStepResult;
  /** What its command printed, per stream (empty for a breakpoint). */
  stdout: string;
  stderr: string;
}

export interface WorkspaceStepRequest {
  index: number;
}

/** What the session was started on, when it is more than an image: the first-run demo. */
export interface WorkspaceInfo {
  /** Unique per workspace (kept when resetWorkspace plants it again). */
  id: string;
  kind: 'demo';
  title: string;
  notes: string[];
  steps: WorkspaceStep[];
  /** The current run's step results (in a session's snapshot). */
  progress?: WorkspaceProgress;
}

// ---- background jobs ---------------------------------------------------------------------------

export type JobKind = 'create-image';

/** A new image file (never over an existing one), optionally opened when made. */
export interface CreateImageRequest {
  filename: string;
  format: 'raw' | 'qcow2';
  /** Virtual size in bytes (rounded up to 512). */
  size: number;
  /** raw: `full` writes every byte (long for big images: progress and cancel); qcow2: off only. */
  preallocation?: 'off' | 'full';
  /** qcow2 cluster size in bytes (512 B to 2 MiB, a power of two); default 64 KiB. */
  clusterSize?: number;
  /** Open it in the session when it is made (closing the open image). */
  open?: boolean;
}

export interface JobStarted {
  jobId: number;
}

export interface JobIdRequest {
  jobId: number;
}

// ---- the session's memory (what a reloaded or a second window gets back) -----------------------

/** One piece of the console transcript: a command line typed, or what qemu-io printed. */
export interface TranscriptEntry {
  /** 1, 2, 3 ... per session, never reused. */
  id: number;
  kind: 'input' | 'stdout' | 'stderr';
  /** input: the command line as run; output: the text as printed (may hold several lines). */
  text: string;
  /** Session clock (ms). */
  at: number;
}

/** The console transcript the session keeps (the newest, within its caps), oldest first. */
export interface TranscriptDto {
  entries: TranscriptEntry[];
  /** Entries dropped at the front to stay within the caps (or cleared) since the session began. */
  omitted: number;
  /**
   * The newest event batch whose console events are in `entries`: console events of later
   * batches are not, so a window appends those from the stream.
   */
  batchSeq: number;
}

export interface EventHistoryRequest {
  /** Return events with a history index above this (default 0: from the oldest kept). */
  after?: number;
  /** At most this many (default and maximum EVENT_HISTORY_PAGE). */
  limit?: number;
}

/** The largest page eventHistory returns. */
export const EVENT_HISTORY_PAGE = 10_000;

/** A page of the session's recent events (the ones the timeline and "last writes" read). */
export interface EventHistoryPage {
  /** The events, oldest first; they are indexed first..last in the session's history. */
  events: SessionEvent[];
  /** The index of events[0] (when there are any). */
  from: number;
  /** The index of the last event returned (== `after` when none). */
  to: number;
  /** The newest index the history holds now: when `to` < `last`, ask again with after: to. */
  last: number;
  /** Events between `after` and `from` the history no longer holds. */
  dropped: number;
  /** The newest event batch fully in the history: batches up to it are in these pages. */
  batchSeq: number;
}

/** The rule text of a blkdebug node as the user wrote and applied it, and unapplied edits. */
export interface RulesTextDto {
  /** The blkdebug node (null: the image has none). */
  node: string | null;
  /** The text last applied (or the rule file the node was opened with); null: not known. */
  applied: string | null;
  /** Where `applied` came from. */
  origin: 'apply' | 'config-file' | null;
  /** The editor's unapplied text, kept for any window of the session; null: none. */
  draft: string | null;
  /** Session clock (ms) when the draft was saved. */
  draftAt: number | null;
}

export interface SaveDraftRequest {
  /** The editor's text; null (or the applied text) drops the draft. */
  text: string | null;
}

export interface ClearMemoryRequest {
  /** Default: everything not named false. */
  transcript?: boolean;
  events?: boolean;
  draft?: boolean;
}
