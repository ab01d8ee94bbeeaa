// The IPC channel names, in one place so main, preload and the web host cannot drift apart.
export const CHANNELS = {
  appInfo: 'app:info',
  openImage: 'session:open-image',
  closeImage: 'session:close-image',
  run: 'session:run',
  applyRules: 'session:apply-rules',
  resume: 'session:resume',
  resumeAll: 'session:resume-all',
  removeBreakpoint: 'session:remove-breakpoint',
  snapshot: 'session:snapshot',
  lintRules: 'rules:lint',
  exportRules: 'session:export-rules',
  setBreakpoint: 'session:set-breakpoint',
  checkImage: 'session:check-image',
  readSectorPair: 'session:read-sector-pair',
  listMismatches: 'session:list-mismatches',
  readMismatch: 'session:read-mismatch',
  startDiff: 'session:start-diff',
  cancelDiff: 'session:cancel-diff',
  createImage: 'session:create-image',
  cancelJob: 'session:cancel-job',
  resetWorkspace: 'workspace:reset',
  runWorkspaceStep: 'workspace:run-step',
  runWorkspaceSteps: 'workspace:run-steps',
  consoleTranscript: 'session:console-transcript',
  eventHistory: 'session:event-history',
  rulesText: 'session:rules-text',
  saveRulesDraft: 'session:save-rules-draft',
  clearMemory: 'session:clear-memory',
} as const;

export type ApiMethod = keyof typeof CHANNELS;
export type ApiChannel = (typeof CHANNELS)[ApiMethod];

/** Every channel, in a stable order (what main registers and what the preload exposes). */
export const API_METHODS = Object.keys(CHANNELS) as ApiMethod[];

/** The one channel main pushes event batches on (webContents.send). */
export const EVENTS_CHANNEL = 'session:events';

/** Web mode's plain-HTTP route (app info only; the session API is on the WebSocket). */
export const HTTP_ROUTES = {
  appInfo: '/api/app-info',
} as const;

/** Web mode's WebSocket path; the page's `?token=` goes along. */
export const WS_PATH = '/api/ws';

/** The largest WebSocket message the web host accepts (bytes). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The name under which the preload exposes the API on `window`. */
export const API_GLOBAL = 'blkstudio';
