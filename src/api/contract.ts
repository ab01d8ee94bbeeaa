// The typed contract between an engine host (Electron main, the web server) and the UI.
import type { ApiMethod } from './channels';
import type { ApiResult } from './errors';
import type { EventBatch } from './events';
import type { AppInfo, ApplyRulesRequest, BreakpointRequest, ImageCheck, LintRulesRequest, NodeRequest, OpenImageRequest, RuleDiagnostic, RuleLint, RunResult, TagRequest } from './dto';
import type { SessionSnapshot } from './snapshot';

/** Argument tuple of each call, as the renderer passes it. */
export interface ApiRequests {
  appInfo: [];
  openImage: [OpenImageRequest];
  closeImage: [];
  run: [line: string];
  applyRules: [ApplyRulesRequest];
  resume: [TagRequest];
  resumeAll: [] | [NodeRequest];
  removeBreakpoint: [TagRequest];
  snapshot: [];
  lintRules: [LintRulesRequest];
  exportRules: [] | [NodeRequest];
  setBreakpoint: [BreakpointRequest];
  checkImage: [] | [NodeRequest];
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
