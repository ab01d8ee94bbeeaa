// The transport-independent core of every host: validate a call, run its handler, answer with
// a result or an error DTO. Electron IPC and the WebSocket host both go through here.
import type { ApiMethod } from './channels';
import type { ApiHandlers, ApiResponses } from './contract';
import { toErrorDto, type ApiResult } from './errors';
import { ApiPayloadError, isApiMethod, parseRequest } from './validate';

export async function dispatch(handlers: ApiHandlers, method: unknown, args: unknown): Promise<ApiResult<ApiResponses[ApiMethod]>> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'UNKNOWN_CALL', message: `unknown call ${String(method).slice(0, 64)}` } };
  let parsed: unknown[];
  try {
    parsed = parseRequest(method, args);
  } catch (err) {
    return { ok: false, error: { code: 'BAD_PAYLOAD', message: err instanceof ApiPayloadError ? err.message : String(err) } };
  }
  try {
    const handler = handlers[method] as (...a: unknown[]) => ApiResponses[ApiMethod] | Promise<ApiResponses[ApiMethod]>;
    return { ok: true, value: await handler(...parsed) };
  } catch (err) {
    return { ok: false, error: toErrorDto(err) };
  }
}
