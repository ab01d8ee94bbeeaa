// Payload validation for calls arriving from an untrusted renderer: anything that is not
// exactly the declared shape is refused before a handler runs.
import type { ApiMethod } from './channels';
import type { ApiRequests } from './contract';

export class ApiPayloadError extends Error {
  override readonly name = 'ApiPayloadError';
}

type Parser<M extends ApiMethod> = (args: readonly unknown[]) => ApiRequests[M];

function noArguments(method: ApiMethod): Parser<'appInfo'> {
  return (args) => {
    if (args.length !== 0) {
      throw new ApiPayloadError(`${method} takes no arguments, got ${args.length}`);
    }
    return [];
  };
}

const PARSERS: { [M in ApiMethod]: Parser<M> } = {
  appInfo: noArguments('appInfo'),
};

/** Checks the raw arguments of a call and returns them typed, or throws ApiPayloadError. */
export function parseRequest<M extends ApiMethod>(method: M, args: unknown): ApiRequests[M] {
  if (!Array.isArray(args)) throw new ApiPayloadError(`${method}: arguments must be an array`);
  const parse = PARSERS[method] as Parser<M> | undefined;
  if (!parse) throw new ApiPayloadError(`unknown call ${String(method)}`);
  return parse(args);
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
    engine.drivers.every((d) => typeof d === 'string')
  );
}
