// The transport-independent core of every host: validate a call, run its handler, answer with
// a result or an error DTO. Electron IPC and the WebSocket host both go through here.
import type { ApiMethod } from './channels';
import type { ApiHandlers, ApiResponses } from './contract';
import { toErrorDto, type ApiResult } from './errors';
import { ApiPayloadError, isApiMethod, parseRequest } from './validate';

export async function dispatch(handlers: ApiHandlers, method: unknown, args: unknown): Promise<ApiResult<ApiResponses[ApiMethod]>> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'UNKNOWN_CALL', message: `unknown call ${describe(method)}` } };
  let parsed: unknown[];
  try {
    parsed = parseRequest(method, args);
  } catch (err) {
    return { ok: false, error: { code: 'BAD_PAYLOAD', message: err instanceof ApiPayloadError ? err.message : describe(err) } };
  }
  try {
    const handler = handlers[method] as (...a: unknown[]) => ApiResponses[ApiMethod] | Promise<ApiResponses[ApiMethod]>;
    return { ok: true, value: await handler(...parsed) };
  } catch (err) {
    return { ok: false, error: toErrorDto(err) };
  }
}

/**
 * A short description of anything a peer sent, that cannot throw or recurse: String() of a
 * deeply nested array overflows the stack, and an object's own toString may throw.
 */
function describe(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 64);
  if (value instanceof Error) return value.message.slice(0, 200);
  if (Array.isArray(value)) return '(an array)';
  if (value === null || typeof value !== 'object') return String(value).slice(0, 64);
  return '(an object)';
}
