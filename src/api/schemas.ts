// zod schemas of every call's arguments: what a host accepts from an untrusted UI. Objects are
// strict (unknown keys refused) and strings bounded.
import { z } from 'zod';
import type { ApiMethod } from './channels';
import type { ApiRequests } from './contract';
import { EVENT_HISTORY_PAGE, MAX_PAIR_BYTES } from './dto';

const name = z.string().min(1).max(256);
const filename = z.string().min(1).max(4096);
const format = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'not a driver name');

const openImage = z.strictObject({ filename, format: format.optional(), readOnly: z.boolean().optional() });
const tagRequest = z.strictObject({ tag: name, node: name.optional() });
const nodeRequest = z.strictObject({ node: name.optional() });
const ruleText = z.string().max(512 * 1024);
const lintRules = z.strictObject({ text: ruleText });
const applyRules = z.strictObject({ node: name.optional(), text: ruleText, resetState: z.boolean().optional() });
const breakpoint = z.strictObject({ event: z.string().min(1).max(64), tag: name, node: name.optional() });

const offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const pairSelector = { node: name.optional(), a: name.optional(), b: name.optional() };
const sectorPair = z.strictObject({ ...pairSelector, offset, bytes: z.number().int().min(1).max(MAX_PAIR_BYTES) });
const mismatchRequest = z.strictObject({ node: name.optional(), id: z.number().int().min(1), offset: offset.optional(), bytes: z.number().int().min(1).max(MAX_PAIR_BYTES).optional() });
const diffRequest = z.strictObject({ ...pairSelector, start: offset.optional(), end: offset.optional() });
const diffId = z.strictObject({ diffId: z.number().int().min(1) });
const createImage = z.strictObject({
  filename,
  format: z.enum(['raw', 'qcow2']),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  preallocation: z.enum(['off', 'full']).optional(),
  clusterSize: z.number().int().min(512).max(2 * 1024 * 1024).optional(),
  open: z.boolean().optional(),
});
const jobId = z.strictObject({ jobId: z.number().int().min(1) });
const workspaceStep = z.strictObject({ index: z.number().int().min(0).max(1000) });
const eventHistory = z.strictObject({ after: offset.optional(), limit: z.number().int().min(1).max(EVENT_HISTORY_PAGE).optional() });
const saveDraft = z.strictObject({ text: ruleText.nullable() });
const clearMemory = z.strictObject({ transcript: z.boolean().optional(), events: z.boolean().optional(), draft: z.boolean().optional() });

const none = z.tuple([]);

export const REQUEST_SCHEMAS: { [M in ApiMethod]: z.ZodType<ApiRequests[M]> } = {
  appInfo: none,
  openImage: z.tuple([openImage]),
  closeImage: none,
  run: z.union([z.tuple([z.string().max(64 * 1024)]), z.tuple([z.string().max(64 * 1024), z.strictObject({ origin: z.string().max(64).optional() })])]),
  applyRules: z.tuple([applyRules]),
  resume: z.tuple([tagRequest]),
  resumeAll: z.union([none, z.tuple([nodeRequest])]),
  removeBreakpoint: z.tuple([tagRequest]),
  snapshot: none,
  lintRules: z.tuple([lintRules]),
  exportRules: z.union([none, z.tuple([nodeRequest])]),
  setBreakpoint: z.tuple([breakpoint]),
  checkImage: z.union([none, z.tuple([nodeRequest])]),
  readSectorPair: z.tuple([sectorPair]),
  listMismatches: z.union([none, z.tuple([nodeRequest])]),
  readMismatch: z.tuple([mismatchRequest]),
  startDiff: z.union([none, z.tuple([diffRequest])]),
  cancelDiff: z.tuple([diffId]),
  createImage: z.tuple([createImage]),
  cancelJob: z.tuple([jobId]),
  resetWorkspace: none,
  runWorkspaceStep: z.tuple([workspaceStep]),
  runWorkspaceSteps: none,
  consoleTranscript: none,
  eventHistory: z.union([none, z.tuple([eventHistory])]),
  rulesText: z.union([none, z.tuple([nodeRequest])]),
  saveRulesDraft: z.tuple([saveDraft]),
  clearMemory: z.union([none, z.tuple([clearMemory])]),
};

export { z };
