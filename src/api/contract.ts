// The typed contract between an engine host (Electron main, the web server) and the UI.
import type { ApiMethod } from './channels';
import type { ApiResult } from './errors';
import type { EventBatch } from './events';
import type {
  AppInfo,
  ApplyRulesRequest,
  BreakpointRequest,
  CreateImageRequest,
  DiffIdRequest,
  DiffRequest,
  DiffStarted,
  ImageCheck,
  JobIdRequest,
  JobStarted,
  LintRulesRequest,
  MismatchRequest,
  NodeRequest,
  OpenImageRequest,
  RuleDiagnostic,
  RuleLint,
  RunOptions,
  RunResult,
  SectorPair,
  SectorPairRequest,
  TagRequest,
  VerifyMismatchDto,
  WorkspaceInfo,
  WorkspaceStepRequest,
  WorkspaceStepRun,
} from './dto';
import type { ClearMemoryRequest, EventHistoryPage, EventHistoryRequest, RulesTextDto, SaveDraftRequest, TranscriptDto } from './dto';
import type { SessionSnapshot } from './snapshot';

/** Argument tuple of each call, as the renderer passes it. */
export interface ApiRequests {
  appInfo: [];
  openImage: [OpenImageRequest];
  closeImage: [];
  run: [line: string] | [line: string, options: RunOptions];
  applyRules: [ApplyRulesRequest];
  resume: [TagRequest];
  resumeAll: [] | [NodeRequest];
  removeBreakpoint: [TagRequest];
  snapshot: [];
  lintRules: [LintRulesRequest];
  exportRules: [] | [NodeRequest];
  setBreakpoint: [BreakpointRequest];
  checkImage: [] | [NodeRequest];
  readSectorPair: [SectorPairRequest];
  listMismatches: [] | [NodeRequest];
  readMismatch: [MismatchRequest];
  startDiff: [] | [DiffRequest];
  cancelDiff: [DiffIdRequest];
  createImage: [CreateImageRequest];
  cancelJob: [JobIdRequest];
  resetWorkspace: [];
  runWorkspaceStep: [WorkspaceStepRequest];
  runWorkspaceSteps: [];
  consoleTranscript: [];
  eventHistory: [] | [EventHistoryRequest];
  rulesText: [] | [NodeRequest];
  saveRulesDraft: [SaveDraftRequest];
  clearMemory: [] | [ClearMemoryRequest];
}

/** Resolved value of each call. */
export interface ApiResponses {
  appInfo: AppInfo;
  openImage: RunResult;
  closeImage: RunResult;
  run: RunResult;
  applyRules: RuleDiagnostic[];
  resume: null;
  /** How many requests were resumed. */
  resumeAll: number;
  removeBreakpoint: null;
  snapshot: SessionSnapshot;
  /** Every problem in a rule text and its sections with positions; needs no image. */
  lintRules: RuleLint;
  /** The rules loaded in a blkdebug node (default the topmost), as a rule file. */
  exportRules: string;
  setBreakpoint: null;
  /** qemu-img check of a qcow2 node of the open image (default the topmost), without repairs. */
  checkImage: ImageCheck;
  /** The same range of two nodes (a blkverify node's raw copy and test image by default). */
  readSectorPair: SectorPair;
  /** The mismatches a blkverify node (default the topmost) has recorded, oldest first. */
  listMismatches: VerifyMismatchDto[];
  /** Both buffers of a recorded mismatch (or a part of it). */
  readMismatch: SectorPair;
  /** Start listing every mismatching range of two nodes; chunks arrive as diff-progress events. */
  startDiff: DiffStarted;
  /** Stop a running diff (it ends with diff-done `cancelled`); false if it had already ended. */
  cancelDiff: boolean;
  /** Create an image file in the background: job-progress events, then job-done (then opened, if asked). */
  createImage: JobStarted;
  /** Stop a running job (it ends with job-done `cancelled`; a half-made image is removed). */
  cancelJob: boolean;
  /**
   * Plant the workspace's images and rules afresh, re-open its stack and start a new run with
   * every step pending (parked requests are released first). BAD_REQUEST without a workspace.
   */
  resetWorkspace: WorkspaceInfo;
  /** Run one step of the workspace (and the earlier steps it needs that are not done); each is verified. */
  runWorkspaceStep: WorkspaceStepRun[];
  /** Run every step not done yet, in order; a step whose prerequisite failed stays pending. */
  runWorkspaceSteps: WorkspaceStepRun[];
  /** The console transcript the session keeps (commands and their output, oldest first). */
  consoleTranscript: TranscriptDto;
  /** A page of the session's recent events, for a window that connects later. */
  eventHistory: EventHistoryPage;
  /** The rule text as written and applied (a blkdebug node, default the topmost) and the unapplied draft. */
  rulesText: RulesTextDto;
  /** Keep the editor's unapplied rule text in the session (null drops it). */
  saveRulesDraft: null;
  /** Forget the transcript, the event history and/or the draft. */
  clearMemory: null;
}

export type EventsListener = (batch: EventBatch) => void;

/** What the renderer uses: calls resolve with the value or reject with ApiError. */
export type BlkstudioApi = {
  [M in ApiMethod]: (...args: ApiRequests[M]) => Promise<ApiResponses[M]>;
} & {
  /** Session event batches; returns the unsubscribe function. */
  onEvents(listener: EventsListener): () => void;
};

/** What the preload exposes on `window` (and what both transports answer): results, not throws. */
export type BridgeApi = {
  [M in ApiMethod]: (...args: ApiRequests[M]) => Promise<ApiResult<ApiResponses[M]>>;
} & {
  onEvents(listener: EventsListener): () => void;
};

/** What a host implements; arguments arrive already validated. */
export type ApiHandlers = {
  [M in ApiMethod]: (...args: ApiRequests[M]) => ApiResponses[M] | Promise<ApiResponses[M]>;
};
