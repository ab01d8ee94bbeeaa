// glibc getopt_long as qemu-img calls it (optstring starting with ':'): arguments are permuted
// so options may follow file names, "--" ends options, long options take unique prefixes.

export interface LongOpt {
  name: string;
  hasArg: boolean;
  /** The value getopt returns (a short letter or a private code). */
  key: string;
}

export type GetoptItem =
  | { kind: 'opt'; key: string; arg?: string }
  | { kind: 'missing'; arg: string } // ':' with the offending argv element
  | { kind: 'unknown'; arg: string }; // '?'

export function getopt(argv: readonly string[], short: string, long: readonly LongOpt[]): { items: GetoptItem[]; positionals: string[] } {
  const items: GetoptItem[] = [];
  const positionals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i++];
    if (a === '--') {
      positionals.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = long.find((l) => l.name === name);
      const matches = exact ? [exact] : long.filter((l) => l.name.startsWith(name));
      if (matches.length !== 1) {
        items.push({ kind: 'unknown', arg: a });
        continue;
      }
      const opt = matches[0];
      if (!opt.hasArg) {
        items.push(eq < 0 ? { kind: 'opt', key: opt.key } : { kind: 'unknown', arg: a });
      } else if (eq >= 0) items.push({ kind: 'opt', key: opt.key, arg: a.slice(eq + 1) });
      else if (i < argv.length) items.push({ kind: 'opt', key: opt.key, arg: argv[i++] });
      else items.push({ kind: 'missing', arg: a });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const at = short.indexOf(c);
        if (c === ':' || at < 0) {
          items.push({ kind: 'unknown', arg: a });
          break;
        }
        if (short[at + 1] === ':') {
          if (j + 1 < a.length) items.push({ kind: 'opt', key: c, arg: a.slice(j + 1) });
          else if (i < argv.length) items.push({ kind: 'opt', key: c, arg: argv[i++] });
          else items.push({ kind: 'missing', arg: a });
          break;
        }
        items.push({ kind: 'opt', key: c });
      }
      continue;
    }
    positionals.push(a);
  }
  return { items, positionals };
}
