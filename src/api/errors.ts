// The error DTO: every failed call reaches the UI as { code, message }, over either transport.

export type ApiErrorCode =
  /** The payload did not match the call's schema (nothing reached the session). */
  | 'BAD_PAYLOAD'
  /** No such call. */
  | 'UNKNOWN_CALL'
  /** The message was not JSON, too large, or not a call. */
  | 'BAD_MESSAGE'
  /** The caller is not our UI (untrusted frame). */
  | 'FORBIDDEN'
  // The session's own codes (SessionErrorCode).
  | 'CLOSED'
  | 'NO_IMAGE'
  | 'OPEN_FAILED'
  | 'NO_BLKDEBUG'
  | 'NO_QCOW2'
  | 'NO_BLKVERIFY'
  | 'NO_SUCH_NODE'
  | 'NO_SUCH_MISMATCH'
  | 'BAD_RANGE'
  | 'BAD_REQUEST'
  | 'NO_SUCH_TAG'
  | 'BAD_EVENT'
  /** Anything else the host threw. */
  | 'INTERNAL';

export interface ApiErrorDto {
  code: ApiErrorCode;
  message: string;
}

/** How every call answers on the wire: a value or an error DTO, never a thrown exception. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorDto };

/** A failed call on the client side (what the unwrapped API rejects with). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_CODES: ReadonlySet<string> = new Set(['CLOSED', 'NO_IMAGE', 'OPEN_FAILED', 'NO_BLKDEBUG', 'NO_QCOW2', 'NO_BLKVERIFY', 'NO_SUCH_NODE', 'NO_SUCH_MISMATCH', 'BAD_RANGE', 'BAD_REQUEST', 'NO_SUCH_TAG', 'BAD_EVENT']);

/** The DTO for anything a handler threw (ApiError, SessionError by its code, else INTERNAL). */
export function toErrorDto(err: unknown): ApiErrorDto {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = e && typeof e.message === 'string' ? e.message : String(err);
  if (e && typeof e.code === 'string' && SESSION_CODES.has(e.code)) return { code: e.code as ApiErrorCode, message };
  return { code: 'INTERNAL', message };
}

/** The value of a result, or throws its error as ApiError. */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message);
}
