// QEMU 7.2's number parsers over glibc's: qemu_strtosz() (qemu-io's cvtnum, QemuOpts sizes) and
// strtol(base 0) (qemu-io's pattern bytes and sleep times).

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
const FRACTION = /^\.([0-9]+)(?:[eE]([+-]?[0-9]+))?/;

/** The smallest normal double: glibc's strtod reports ERANGE for inexact results below it. */
const DBL_MIN = 2.2250738585072014e-308;

/** Whether the decimal 0.DIGITS x 10^EXP is a double exactly (glibc's underflow needs inexact). */
function exactSubnormal(digits: string, exp: number): boolean {
  // 0.DIGITS e EXP = D / 10^n; it is k * 2^-1074 exactly iff 10^n divides D * 2^1074.
  const n = digits.length - exp;
  if (n <= 0 || n > 1200) return false;
  const scaled = BigInt(digits) << 1074n;
  return scaled % 10n ** BigInt(n) === 0n;
}

/** strtod() on a fraction ".digits[e[+-]digits]": consumed length, value, and errno. */
function strtodFraction(s: string): { length: number; value: number; errno: number } {
  const m = FRACTION.exec(s);
  if (!m) return { length: 0, value: 0, errno: EINVAL };
  const value = Number(`0${m[0]}`);
  const digits = m[1];
  let errno = 0;
  if (!Number.isFinite(value)) errno = ERANGE;
  else if (value < DBL_MIN && /[1-9]/.test(digits) && !exactSubnormal(digits, Number(m[2] ?? '0'))) errno = ERANGE;
  return { length: m[0].length, value, errno };
}

export interface StrtoszResult {
  /** A value, or -EINVAL / -ERANGE. */
  value: bigint;
  /** Hex with a suffix works but QEMU warns about it on stderr. */
  hexSuffixWarning: boolean;
}

/**
 * QEMU 7.2 qemu_strtosz(s, NULL, ...): decimal/fraction/hex with an optional binary suffix.
 * Every failure, an overflow too, ends at one check: anything left after the parse is EINVAL,
 * so "99999999999999999999k" and "1534e3" are junk rather than too large.
 *
 * `after` is what follows the argument's NUL in memory: when strtod reports ERANGE on the
 * fraction (".5e999"), 7.2 steps one byte past where strtod stopped, which is past the NUL when
 * the number ends the argument. In qemu-io that is the rest of the command line, spaces made
 * NULs by breakline(); beyond it we assume zeroes.
 */
export function qemuStrtosz(s: string, after: string | (() => string) = ''): StrtoszResult {
  // `after` may be a function: it is wanted only by that rare parse, so callers build it lazily.
  let rest: string | undefined;
  const tail = (): string => (rest ??= typeof after === 'string' ? after : after());
  const at = (i: number): string => (i < s.length ? s[i] : i === s.length ? '\0' : (tail()[i - s.length - 1] ?? '\0'));
  let warn = false;
  let retval = 0;
  let end = 0;
  let val = 0n;
  let valf = 0n;
  const finish = (): StrtoszResult => {
    if (at(end) !== '\0') retval = -EINVAL;
    return retval === 0 ? { value: val, hexSuffixWarning: warn } : { value: BigInt(retval), hexSuffixWarning: warn };
  };
  const invalid = (): StrtoszResult => {
    end = 0;
    retval = -EINVAL;
    return finish();
  };
  const outOfRange = (): StrtoszResult => {
    retval = -ERANGE;
    return finish();
  };
  const dec = strtoCore(s, 10);
  if (dec.end === 0) return invalid();
  end = dec.end;
  if (dec.overflow) return outOfRange();
  if (s.slice(0, dec.end).includes('-')) return invalid();
  val = dec.value;
  let hex = false;
  if (val === 0n && (at(end) === 'x' || at(end) === 'X')) {
    const h = strtoCore(s, 16);
    if (h.end === 0) return invalid();
    end = h.end;
    if (h.overflow) return outOfRange();
    val = h.value;
    if (at(end) === '.') return invalid();
    hex = true;
  } else if (at(end) === '.') {
    const f = strtodFraction(s.slice(end));
    if (f.errno !== 0) {
      // No conversion (end stays at the '.') or ERANGE (end after the number): skip one byte.
      if (f.errno === ERANGE) end += f.length;
      end += 1;
    } else if (/[eE]/.test(s.slice(end, end + f.length))) {
      return invalid();
    } else {
      const scaled = f.value * 2 ** 64;
      // (uint64_t) of a value >= 2^64 is 0 on x86-64, which 7.2 relies on for ".9999..." -> 1.0.
      valf = scaled >= 2 ** 64 ? 0n : BigInt(Math.floor(scaled));
      end += f.length;
    }
  }
  let mul = suffixMul(at(end));
  if (mul > 0n) {
    warn = hex;
    end++;
  } else {
    mul = 1n;
  }
  if (mul === 1n) {
    if (valf !== 0n) return invalid();
  } else {
    const fracPart = valf * mul;
    val = val * mul + (fracPart >> 64n) + ((fracPart >> 63n) & 1n);
    if (val > UINT64_MAX) return outOfRange();
  }
  retval = 0;
  return finish();
}

