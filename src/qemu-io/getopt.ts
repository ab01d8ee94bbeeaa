// glibc getopt()/getopt_long() as qemu-io uses them: GNU argument permutation (operands may come
// before or after options), grouped short options, an option's argument glued or in the next
// word (even one starting with '-', so `read 0 -1` sees option '1'), `--` ends the options.
// Diagnostics go to stderr with argv[0] as prefix, exactly as glibc words them.

export interface LongOption {
  name: string;
  hasArg: boolean;
  /** What getopt_long returns for it (the short option letter, or a private code). */
  val: string;
}

export class Getopt {
  /** Argument of the option just returned. */
  optarg = '';
  private index = 1;
  private pos = 0;
  private readonly skipped: string[] = [];
  private rest: string[] | null = null;

  constructor(
    private readonly argv: readonly string[],
    private readonly optstring: string,
    private readonly printErr: (text: string) => void,
    private readonly longOptions: readonly LongOption[] = [],
  ) {}

  /** The next option letter, '?' after a diagnostic, or null when the options are done. */
  next(): string | null {
    if (this.rest) return null;
    if (this.pos === 0) {
      for (;;) {
        if (this.index >= this.argv.length) {
          this.rest = [];
          return null;
        }
        const arg = this.argv[this.index];
        if (arg === '--') {
          this.index++;
          this.rest = this.argv.slice(this.index);
          return null;
        }
        if (arg.length > 1 && arg[0] === '-') break;
        this.skipped.push(arg);
        this.index++;
      }
      const arg = this.argv[this.index];
      if (arg[1] === '-' && this.longOptions.length > 0) return this.nextLong(arg);
      this.pos = 1;
    }
    return this.nextShort();
  }

  /** The operands in order (what argv[optind..] holds once getopt has permuted it). */
  operands(): string[] {
    return [...this.skipped, ...(this.rest ?? this.argv.slice(this.index))];
  }

  private nextShort(): string {
    const arg = this.argv[this.index];
    const c = arg[this.pos++];
    const atEnd = this.pos >= arg.length;
    if (atEnd) {
      this.index++;
      this.pos = 0;
    }
    const where = c === ':' ? -1 : this.optstring.indexOf(c);
    const prog = this.argv[0];
    if (where < 0) {
      this.printErr(`${prog}: invalid option -- '${c}'\n`);
      return '?';
    }
    if (this.optstring[where + 1] === ':') {
      if (!atEnd) {
        this.optarg = arg.slice(this.pos);
        this.index++;
        this.pos = 0;
      } else if (this.index < this.argv.length) {
        this.optarg = this.argv[this.index++];
      } else {
        this.printErr(`${prog}: option requires an argument -- '${c}'\n`);
        return '?';
      }
    }
    return c;
  }

  private nextLong(arg: string): string {
    const prog = this.argv[0];
    this.index++;
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let found = this.longOptions.find((o) => o.name === name);
    if (!found) {
      const matches = this.longOptions.filter((o) => o.name.startsWith(name));
      const distinct = matches.filter((o) => o.hasArg !== matches[0].hasArg || o.val !== matches[0].val);
      if (matches.length > 1 && distinct.length > 0) {
        this.printErr(`${prog}: option '--${body}' is ambiguous; possibilities:${matches.map((o) => ` '--${o.name}'`).join('')}\n`);
        return '?';
      }
      found = matches[0];
    }
    if (!found) {
      this.printErr(`${prog}: unrecognized option '--${body}'\n`);
      return '?';
    }
    if (eq >= 0) {
      if (!found.hasArg) {
        this.printErr(`${prog}: option '--${found.name}' doesn't allow an argument\n`);
        return '?';
      }
      this.optarg = body.slice(eq + 1);
    } else if (found.hasArg) {
      if (this.index >= this.argv.length) {
        this.printErr(`${prog}: option '--${found.name}' requires an argument\n`);
        return '?';
      }
      this.optarg = this.argv[this.index++];
    }
    return found.val;
  }
}
