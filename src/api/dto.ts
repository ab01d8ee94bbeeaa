// Data that crosses the process boundary: plain JSON, no classes, no functions.

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
export type WorkspaceStep = { run: string; note?: string } | { breakpoint: { event: string; tag: string }; note?: string };

/** What the session was started on, when it is more than an image: the first-run demo. */
export interface WorkspaceInfo {
  /** Unique per workspace: a window runs the steps once per id. */
  id: string;
  kind: 'demo';
  title: string;
  notes: string[];
  steps: WorkspaceStep[];
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
