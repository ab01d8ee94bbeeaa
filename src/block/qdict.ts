// Block options as QEMU handles them: one flat dictionary with dotted keys ("file.filename"),
// filled from QemuOpts strings (`-o`, --image-opts) or from json: filenames (flattened).
import { QemuError } from './errors';
import { ERANGE, qemuStrtosz } from '../common/strtosz';

/** A scalar option value. JSON gives numbers and booleans; QemuOpts gives strings. */
export type QValue = string | number | boolean | null;
export type QDict = Map<string, QValue>;

export interface KeyValueWarning {
  (text: string): void;
}

/**
 * Parse QemuOpts syntax `key=value,key2=value2` (",," is a literal comma). A bare `key` is the
 * deprecated short-form boolean (`key=on`, `nokey` = off) and draws QEMU's warning.
 */
export function parseKeyValueOptions(text: string, warn?: KeyValueWarning): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    // Option name runs to '=' or ','.
    let nameEnd = i;
    while (nameEnd < text.length && text[nameEnd] !== '=' && text[nameEnd] !== ',') nameEnd++;
    const name = text.slice(i, nameEnd);
    if (text[nameEnd] !== '=') {
      // Short-form boolean.
      const [key, value] = name.startsWith('no') ? [name.slice(2), 'off'] : [name, 'on'];
      warn?.(`short-form boolean option '${name}' deprecated\nPlease use ${key}=${value} instead\n`);
      out[key] = value;
      i = nameEnd + 1;
      continue;
    }
    // Value runs to a single ',' (",," is an escaped comma).
    let value = '';
    let j = nameEnd + 1;
    while (j < text.length) {
      if (text[j] === ',') {
        if (text[j + 1] === ',') {
          value += ',';
          j += 2;
          continue;
        }
        break;
      }
      value += text[j];
      j++;
    }
    out[name] = value;
    i = j + 1;
  }
  return out;
}

export function qdictFromStrings(opts: Record<string, string>): QDict {
  return new Map(Object.entries(opts));
}

/** Flatten nested JSON into dotted keys the way qdict_flatten does (lists become .0, .1 ...). */
export function flattenInto(dict: QDict, value: unknown, prefix: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, idx) => flattenInto(dict, v, prefix ? `${prefix}.${idx}` : String(idx)));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenInto(dict, v, prefix ? `${prefix}.${k}` : k);
    }
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
    dict.set(prefix, value);
  }
}

/** Take every `prefix.*` entry out of dict into a new dict with the prefix stripped (qdict_extract_subqdict). */
export function extractSubdict(dict: QDict, prefix: string): QDict {
  const sub: QDict = new Map();
  const p = `${prefix}.`;
  for (const [k, v] of [...dict]) {
    if (k.startsWith(p)) {
      sub.set(k.slice(p.length), v);
      dict.delete(k);
    }
  }
  return sub;
}

/** The string form QemuOpts gives a JSON scalar (qemu_opts_from_qdict_entry). */
export function qvalueToString(v: QValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return qnumToString(v);
  return undefined;
}

/**
 * qnum_to_string(): integers as digits; what QEMU's JSON parser keeps as a double (a fraction,
 * or an integer beyond uint64) as "%.17g", so 18446744073709551616 is "1.8446744073709552e+19".
 */
function qnumToString(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) return BigInt(v).toString();
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const [mantissa, exponent] = v.toExponential(16).split('e');
  const x = Number(exponent);
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (x < -4 || x >= 17) return `${trim(mantissa)}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  return trim(v.toFixed(16 - x));
}

/** A typed reader over a node's options that removes what it consumes, with QEMU's messages. */
export class OptionReader {
  constructor(private readonly dict: QDict) {}

  has(key: string): boolean {
    return this.dict.has(key);
  }

  /** Remove and return a string option; numbers and booleans convert as QemuOpts does. */
  takeString(key: string): string | undefined {
    if (!this.dict.has(key)) return undefined;
    const v = this.dict.get(key) ?? null;
    this.dict.delete(key);
    return qvalueToString(v);
  }

  takeSize(key: string): number | undefined {
    const s = this.takeString(key);
    if (s === undefined) return undefined;
    const r = qemuStrtosz(s).value;
    if (r < 0n) throw new QemuError(optionSizeError(key, s, r));
    return Number(r);
  }

  takeBool(key: string): boolean | undefined {
    const s = this.takeString(key);
    if (s === undefined) return undefined;
    const b = parseQemuBool(s);
    if (b === undefined) throw new QemuError(`Parameter '${key}' expects 'on' or 'off'`);
    return b;
  }

  takeNumber(key: string): number | undefined {
    const s = this.takeString(key);
    if (s === undefined) return undefined;
    const n = parseQemuNumber(s);
    if (n === undefined) throw new QemuError(optionNumberError(key, s) ?? `Parameter '${key}' expects a number`);
    return n;
  }

  /** An enum option: QEMU says "invalid parameter value: X" for unknown values. */
  takeEnum<T extends string>(key: string, values: readonly T[]): T | undefined {
    const s = this.takeString(key);
    if (s === undefined) return undefined;
    if (!(values as readonly string[]).includes(s)) throw new QemuError(`invalid parameter value: ${s}`);
    return s as T;
  }

  /** Keys nobody consumed, in insertion order. */
  leftovers(): string[] {
    return [...this.dict.keys()];
  }
}

/** parse_option_size's message for a value qemu_strtosz refused with `r` (-ERANGE or -EINVAL). */
function optionSizeError(key: string, value: string, r: bigint): string {
  if (r === BigInt(-ERANGE)) return `Value '${value}' is out of range for parameter '${key}'`;
  return (
    `Parameter '${key}' expects a non-negative number below 2^64\n` +
    'Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n' +
    'and exabytes, respectively.'
  );
}

/** qemu_strtou64(value, NULL, 0): decimal, 0x hex or 0 octal; a leading '-' wraps as strtoull does. */
export function parseQemuNumber(value: string): number | undefined {
  // Plain small decimals (nearly every value in a rule file) need no BigInt.
  if (value.length < 16 && /^[1-9][0-9]*$|^0$/.test(value)) return Number(value);
  const n = strtou64Whole(value);
  if (typeof n !== 'bigint') return undefined;
  // Values are used as C ints and int64s; keep the two's complement meaning.
  return Number(BigInt.asIntN(64, n));
}

/**
 * qemu_strtou64(value, NULL, 0): the value modulo 2^64 (a sign negates it, as strtoull does),
 * 'range' for a magnitude of 2^64 or more, undefined when anything else is in the string.
 */
function strtou64Whole(value: string): bigint | 'range' | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(value);
  if (!m) return undefined;
  const [, sign, digits] = m;
  let n: bigint;
  if (/^0[xX]/.test(digits)) n = BigInt(digits);
  else if (digits.length > 1 && digits[0] === '0') n = BigInt(`0o${digits.slice(1)}`);
  else n = BigInt(digits);
  if (n >= 1n << 64n) return 'range';
  return sign === '-' ? BigInt.asUintN(64, -n) : n;
}

/** parse_option_number's refusal of value for parameter key, or null when it is a number. */
export function optionNumberError(key: string, value: string): string | null {
  const n = strtou64Whole(value);
  if (n === 'range') return `Value '${value}' is too large for parameter '${key}'`;
  return n === undefined ? `Parameter '${key}' expects a number` : null;
}

/** qapi_bool_parse. */
export function parseQemuBool(value: string): boolean | undefined {
  if (value === 'on' || value === 'yes' || value === 'true' || value === 'y') return true;
  if (value === 'off' || value === 'no' || value === 'false' || value === 'n') return false;
  return undefined;
}
