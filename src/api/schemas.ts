// zod schemas of every call's arguments: what a host accepts from an untrusted UI. Objects are
// strict (unknown keys refused) and strings bounded.
import { z } from 'zod';
import type { ApiMethod } from './channels';
import type { ApiRequests } from './contract';

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

const none = z.tuple([]);

export const REQUEST_SCHEMAS: { [M in ApiMethod]: z.ZodType<ApiRequests[M]> } = {
  appInfo: none,
  openImage: z.tuple([openImage]),
  closeImage: none,
  run: z.tuple([z.string().max(64 * 1024)]),
  applyRules: z.tuple([applyRules]),
  resume: z.tuple([tagRequest]),
  resumeAll: z.union([none, z.tuple([nodeRequest])]),
  removeBreakpoint: z.tuple([tagRequest]),
  snapshot: none,
  lintRules: z.tuple([lintRules]),
  exportRules: z.union([none, z.tuple([nodeRequest])]),
  setBreakpoint: z.tuple([breakpoint]),
  checkImage: z.union([none, z.tuple([nodeRequest])]),
};

export { z };
