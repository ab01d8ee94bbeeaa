// Number parsing as qemu-io does it: cvtnum() over qemu_strtosz() for sizes and offsets,
// strtol(base 0) for pattern bytes and sleep times (both in common/strtosz.ts).

import { EINVAL, ERANGE, qemuStrtosz, strtol, type StrtoszResult } from '../common/strtosz';

export { EINVAL, ERANGE, qemuStrtosz, strtol, type StrtoszResult };

const INT64_MAX = (1n << 63n) - 1n;

/** cvtnum(): a size/offset >= 0 or -EINVAL/-ERANGE. */
export function cvtnumBig(s: string, after: string | (() => string) = ''): StrtoszResult {
  const r = qemuStrtosz(s, after);
  if (r.value > INT64_MAX) return { value: BigInt(-ERANGE), hexSuffixWarning: r.hexSuffixWarning };
  return r;
}

/** print_cvtnum_err()'s text. */
export function cvtnumErrorText(rc: number, arg: string): string {
  switch (rc) {
    case -EINVAL:
      return `Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- ${arg}\n`;
    case -ERANGE:
      return `Parsing error: argument too large -- ${arg}\n`;
    default:
      return `Parsing error: ${arg}\n`;
  }
}

/** parse_pattern(): strtol base 0, 0..255, nothing after it; -1 when invalid. */
export function parsePattern(arg: string): number {
  const [value, end] = strtol(arg);
  if (value < 0 || value > 255 || end !== arg.length) return -1;
  return value;
}
