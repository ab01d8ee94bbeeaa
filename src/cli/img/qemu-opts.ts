// QemuOpts as qemu-img's -o uses them: "a=b,c" lists with ",," escaping, typed values checked
// at parse time with QEMU's messages, printed back in the option list's order.

import { parseSize } from './size';

export type OptType = 'string' | 'bool' | 'number' | 'size';

export interface OptDesc {
  name: string;
  type: OptType;
  help: string;
  def?: string;
}

export interface OptValue {
  str: string;
  /** Parsed number/size, or bool as 0/1. */
  num?: bigint;
}

export class OptsError extends Error {
  override readonly name = 'OptsError';
}

/** is_valid_option_list: non-empty, no leading comma, no unpaired trailing comma. */
export function isValidOptionList(s: string): boolean {
  if (s === '' || s[0] === ',') return false;
  let i = s.length;
  while (i > 0 && s[i - 1] === ',') i--;
  return (s.length - i) % 2 === 0;
}

/** Splits "a=b,,c,d" into [name, value|undefined] pairs (",," is a literal comma). */
export function splitOptions(s: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  let i = 0;
  while (i < s.length) {
    let name = '';
    while (i < s.length && s[i] !== '=' && s[i] !== ',') name += s[i++];
    let value: string | undefined;
    if (s[i] === '=') {
      i++;
      value = '';
      while (i < s.length) {
        if (s[i] === ',') {
          if (s[i + 1] === ',') {
            value += ',';
            i += 2;
            continue;
          }
          break;
        }
        value += s[i++];
      }
    }
    if (s[i] === ',') i++;
    out.push([name, value]);
  }
  return out;
}

/** has_help_option: any element named help or "?". */
export function hasHelpOption(s: string): boolean {
  return splitOptions(s).some(([name]) => name === 'help' || name === '?');
}

const BOOL_ON = ['on', 'yes', 'true', 'y'];
const BOOL_OFF = ['off', 'no', 'false', 'n'];

function parseValue(desc: OptDesc, str: string): OptValue {
  switch (desc.type) {
    case 'string':
      return { str };
    case 'bool':
      if (BOOL_ON.includes(str)) return { str, num: 1n };
      if (BOOL_OFF.includes(str)) return { str, num: 0n };
      throw new OptsError(`Parameter '${desc.name}' expects 'on' or 'off'`);
    case 'number': {
      const m = /^\s*(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))$/.exec(str);
      if (!m) throw new OptsError(`Parameter '${desc.name}' expects a number`);
      const num = m[1] !== undefined ? BigInt('0x' + m[1]) : m[2] !== undefined ? BigInt('0o' + (m[2] || '0')) : BigInt(m[3]);
      if (num >= 1n << 64n) throw new OptsError(`Value '${str}' is out of range for parameter '${desc.name}'`);
      return { str, num };
    }
    case 'size': {
      const r = parseSize(str);
      if (r.ok) return { str, num: r.value };
      if (r.error === 'ERANGE') throw new OptsError(`Value '${str}' is out of range for parameter '${desc.name}'`);
      throw new OptsError(
        `Parameter '${desc.name}' expects a non-negative number below 2^64\n` +
          'Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\nand exabytes, respectively.',
      );
    }
  }
}

/** A set of options over a description list (later values of a name win, as qemu_opt_find). */
export class QemuOpts {
  private readonly values = new Map<string, OptValue>();

  constructor(readonly descs: readonly OptDesc[]) {}

  /** qemu_opts_do_parse; throws OptsError with QEMU's message. */
  parse(s: string): void {
    for (const [name, value] of splitOptions(s)) {
      const desc = this.descs.find((d) => d.name === name);
      if (!desc) throw new OptsError(`Invalid parameter '${name}'`);
      this.values.set(name, parseValue(desc, value ?? 'on'));
    }
  }

  /** qemu_opt_set: false when the list has no such option. */
  set(name: string, str: string): boolean {
    const desc = this.descs.find((d) => d.name === name);
    if (!desc) return false;
    this.values.set(name, parseValue(desc, str));
    return true;
  }

  setNumber(name: string, num: bigint): void {
    this.values.set(name, { str: num.toString(), num });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): OptValue | undefined {
    return this.values.get(name);
  }

  /** The value or the description's default string. */
  str(name: string): string | undefined {
    return this.values.get(name)?.str ?? this.descs.find((d) => d.name === name)?.def;
  }

  /** qemu_opts_print(opts, " "): set values and defaults in list order; numbers as numbers. */
  print(): string {
    const parts: string[] = [];
    for (const d of this.descs) {
      const v = this.values.get(d.name);
      const value = v?.str ?? d.def;
      if (value === undefined) continue;
      if (d.type === 'string') parts.push(`${d.name}=${value.replace(/,/g, ',,')}`);
      else if ((d.type === 'size' || d.type === 'number') && v) parts.push(`${d.name}=${BigInt.asIntN(64, v.num!)}`);
      else parts.push(`${d.name}=${value}`);
    }
    return parts.join(' ');
  }
}
