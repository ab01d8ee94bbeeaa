// qemu_strtosz (QEMU 7.2): sizes with k/M/G/T/P/E suffixes (binary), decimal fractions with a
// suffix, and hex (a suffix on hex only earns a deprecation warning). Exact 64-bit arithmetic.

export type SizeResult = { ok: true; value: bigint; hexSuffixWarning: boolean } | { ok: false; error: 'EINVAL' | 'ERANGE' };

const U64_MAX = (1n << 64n) - 1n;
const SUFFIXES = 'BKMGTPE';

function suffixMul(c: string | undefined): bigint {
  if (!c) return 0n;
  const i = SUFFIXES.indexOf(c.toUpperCase());
  return i < 0 ? 0n : 1024n ** BigInt(i);
}

/** strtoull's prefix: whitespace, sign, digits (base 10 or 16 with optional 0x). */
function strtou64(s: string, at: number, base: 10 | 16): { value: bigint; end: number; neg: boolean } | 'EINVAL' | 'ERANGE' {
  let i = at;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  if (base === 16 && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) i += 2;
  const digits = base === 10 ? /[0-9]/ : /[0-9a-fA-F]/;
  const start = i;
  while (i < s.length && digits.test(s[i])) i++;
  if (i === start) return 'EINVAL';
  const value = BigInt((base === 16 ? '0x' : '') + s.slice(start, i));
  if (value > U64_MAX) return 'ERANGE';
  return { value, end: i, neg };
}

/** Parses all of `text` as a size (default suffix B, unit 1024). */
export function parseSize(text: string): SizeResult {
  let r = strtou64(text, 0, 10);
  if (r === 'EINVAL' || r === 'ERANGE') return { ok: false, error: r };
  if (r.neg) return { ok: false, error: 'EINVAL' };
  let end = r.end;
  let value = r.value;
  let hex = false;
  let fraction = 0; // as a double, like QEMU's strtod
  if (value === 0n && (text[end] === 'x' || text[end] === 'X')) {
    r = strtou64(text, 0, 16);
    if (r === 'EINVAL' || r === 'ERANGE') return { ok: false, error: r };
    if (text[r.end] === '.') return { ok: false, error: 'EINVAL' };
    value = r.value;
    end = r.end;
    hex = true;
  } else if (text[end] === '.') {
    const m = /^\.[0-9]*([eE][+-]?[0-9]+)?/.exec(text.slice(end))!;
    if (m[0].length === 1) end++;
    else {
      if (m[1]) return { ok: false, error: 'EINVAL' };
      fraction = Number('0' + m[0]);
      end += m[0].length;
    }
  }
  let mul = suffixMul(text[end]);
  const hexSuffixWarning = hex && mul > 0n;
  if (mul > 0n) end++;
  else mul = 1n;
  // 64.64 fixed point fraction, as QEMU computes it (truncated to 64 bits, then scaled).
  const valf = fraction > 0 ? BigInt(Math.min(Math.floor(fraction * 2 ** 64), 2 ** 64 - 1)) : 0n;
  if (mul === 1n) {
    if (valf !== 0n) return { ok: false, error: 'EINVAL' };
  } else {
    const fixed = value * mul * (1n << 64n) + valf * mul + (1n << 63n);
    value = fixed >> 64n;
    if (value > U64_MAX) return end === text.length ? { ok: false, error: 'ERANGE' } : { ok: false, error: 'EINVAL' };
  }
  if (end !== text.length) return { ok: false, error: 'EINVAL' };
  return { ok: true, value, hexSuffixWarning };
}
