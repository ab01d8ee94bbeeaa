// Number parsing as qemu-io does it: cvtnum() over qemu_strtosz() for sizes and offsets,
// strtol(base 0) for pattern bytes and sleep times.

export const EINVAL = 22;
export const ERANGE = 34;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;

/** C isspace() in the C locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  if (code >= 65 && code <= 90) return code - 55;
  return 99;
}

interface StrtoResult {
  /** The magnitude, with the sign applied modulo 2^64 as strtoull does. */
  value: bigint;
  negative: boolean;
  /** Index just past the parsed number; 0 when nothing was parsed. */
  end: number;
  overflow: boolean;
}

/** glibc strtoull/strtol core: whitespace, sign, 0x/0 prefixes for base 0 or 16, digits. */
function strtoCore(s: string, base: number): StrtoResult {
  let i = 0;
  while (isSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2]) < 16) {
    i += 2;
    base = 16;
  } else if (base === 0) {
    base = s[i] === '0' ? 8 : 10;
  }
  const start = i;
  let value = 0n;
  const big = BigInt(base);
  while (digitValue(s[i]) < base) {
    value = value * big + BigInt(digitValue(s[i]));
    i++;
  }
  if (i === start) return { value: 0n, negative: false, end: 0, overflow: false };
  return { value, negative, end: i, overflow: value > UINT64_MAX };
}

/** strtol(arg, &end, 0) on a 64-bit long: [value, index of *end]. */
export function strtol(s: string): [number, number] {
  const r = strtoCore(s, 0);
  const max = INT64_MAX;
  let v = r.negative ? -r.value : r.value;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return [Number(v), r.end];
}

/** qemu_strtosz's suffixes (powers of 1024). */
function suffixMul(c: string | undefined): bigint {
  switch (c) {
    case 'b': case 'B': return 1n;
    case 'k': case 'K': return 1n << 10n;
    case 'm': case 'M': return 1n << 20n;
    case 'g': case 'G': return 1n << 30n;
    case 't': case 'T': return 1n << 40n;
    case 'p': case 'P': return 1n << 50n;
    case 'e': case 'E': return 1n << 60n;
    default: return 0n;
  }
}

/** What strtod consumes of a fraction starting at '.': digits, then an optional exponent. */
const FRACTION = /^\.[0-9]+(?:[eE][+-]?[0-9]+)?/;

export interface StrtoszResult {
  /** A value, or -EINVAL / -ERANGE. */
  value: bigint;
  /** Hex with a suffix works but QEMU warns about it on stderr. */
  hexSuffixWarning: boolean;
}

/** QEMU 7.2 qemu_strtosz(): decimal/fraction/hex with an optional binary suffix. */
export function qemuStrtosz(s: string): StrtoszResult {
  let warn = false;
  const fail = (errno: number): StrtoszResult => ({ value: BigInt(-errno), hexSuffixWarning: warn });
  const dec = strtoCore(s, 10);
  if (dec.end === 0) return fail(EINVAL);
  if (dec.overflow) return fail(ERANGE);
  if (s.slice(0, dec.end).includes('-')) return fail(EINVAL);
  let val = dec.value;
  let end = dec.end;
  let valf = 0n;
  if (val === 0n && (s[end] === 'x' || s[end] === 'X')) {
    const hex = strtoCore(s, 16);
    if (hex.end === 0) return fail(EINVAL);
    if (hex.overflow) return fail(ERANGE);
    val = hex.value;
    end = hex.end;
    if (s[end] === '.') return fail(EINVAL);
    if (suffixMul(s[end]) > 0n) warn = true;
  } else if (s[end] === '.') {
    const m = FRACTION.exec(s.slice(end));
    const text = m ? m[0] : '';
    if (!text) {
      // strtod found no number: skip the '.' alone ("1." and "1.k" are whole numbers).
      end += 1;
    } else if (/[eE]/.test(text)) {
      return fail(EINVAL);
    } else {
      const fraction = Number(`0${text}`);
      const scaled = fraction * 2 ** 64;
      // (uint64_t) of a value >= 2^64 is 0 on x86-64, which 7.2 relies on for ".9999..." -> 1.0.
      valf = scaled >= 2 ** 64 ? 0n : BigInt(Math.floor(scaled));
      end += text.length;
    }
  }
  let mul = suffixMul(s[end]);
  if (mul > 0n) {
    end++;
  } else {
    mul = 1n;
  }
  if (mul === 1n) {
    if (valf !== 0n) return fail(EINVAL);
  } else {
    const fracPart = valf * mul;
    val = val * mul + (fracPart >> 64n) + ((fracPart >> 63n) & 1n);
    if (val > UINT64_MAX) return fail(ERANGE);
  }
  if (end !== s.length) return fail(EINVAL);
  return { value: val, hexSuffixWarning: warn };
}

/** cvtnum(): a size/offset >= 0 or -EINVAL/-ERANGE. */
export function cvtnumBig(s: string): StrtoszResult {
  const r = qemuStrtosz(s);
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
