// Payload validation for calls arriving from an untrusted renderer: anything that is not
// exactly the declared shape is refused before a handler runs.
import { API_METHODS, type ApiMethod } from './channels';
import type { ApiRequests } from './contract';
import { REQUEST_SCHEMAS, type z } from './schemas';

export class ApiPayloadError extends Error {
  override readonly name = 'ApiPayloadError';
}

const NO_ARGUMENTS: ReadonlySet<ApiMethod> = new Set(['appInfo', 'closeImage', 'snapshot', 'resetWorkspace', 'runWorkspaceSteps', 'consoleTranscript']);

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && (API_METHODS as string[]).includes(method);
}

/** "argument 1.filename: Invalid input ..." for each problem, shortest first. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `argument ${Number(i.path[0]) + 1}${i.path.slice(1).map((p) => `.${String(p)}`).join('')}: ` : '') + i.message)
    .join('; ');
}

/** Checks the raw arguments of a call and returns them typed, or throws ApiPayloadError. */
export function parseRequest<M extends ApiMethod>(method: M, args: unknown): ApiRequests[M] {
  if (!isApiMethod(method)) throw new ApiPayloadError(`unknown call ${String(method)}`);
  if (!Array.isArray(args)) throw new ApiPayloadError(`${method}: arguments must be an array`);
  if (NO_ARGUMENTS.has(method) && args.length !== 0) throw new ApiPayloadError(`${method} takes no arguments, got ${args.length}`);
  const parsed = REQUEST_SCHEMAS[method].safeParse(args);
  if (!parsed.success) throw new ApiPayloadError(`${method}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** True for a well-formed AppInfo (used by clients to refuse a garbled response). */
export function isAppInfo(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const engine = v.engine as Record<string, unknown> | null | undefined;
  return (
    typeof v.name === 'string' &&
    typeof v.version === 'string' &&
    typeof engine === 'object' &&
    engine !== null &&
    Array.isArray(engine.drivers) &&
    engine.drivers.every((d) => typeof d === 'string') &&
    Array.isArray(engine.commands) &&
    engine.commands.every((c) => typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string')
  );
}
