// Rules back to a rule file, in QEMU's ini dialect: what "Save Rules" writes. Loading the text
// gives the same rules back (breakpoints are not rules of a file and are left out).
import { DEFAULT_IOTYPE_MASK, EIO_DEFAULT, IO_TYPES, type Rule } from './rules';

function line(key: string, value: string | number): string {
  return `${key} = "${value}"\n`;
}

/** The inject-error and set-state rules as a config file, in the order they were defined. */
export function rulesToText(rules: readonly Rule[]): string {
  const defined = [...rules].sort((a, b) => a.id - b.id);
  const sections: string[] = [];
  for (const r of defined) {
    if (r.kind === 'inject-error') {
      let s = '[inject-error]\n' + line('event', r.event);
      if (r.state !== 0) s += line('state', r.state);
      if (r.errno !== EIO_DEFAULT) s += line('errno', r.errno);
      if (r.offset !== -1) s += line('sector', r.offset / 512);
      if (r.once) s += line('once', 'on');
      if (r.immediately) s += line('immediately', 'on');
      if (r.iotypeMask !== DEFAULT_IOTYPE_MASK) s += line('iotype', IO_TYPES[Math.log2(r.iotypeMask)]);
      sections.push(s);
    } else if (r.kind === 'set-state') {
      let s = '[set-state]\n' + line('event', r.event);
      if (r.state !== 0) s += line('state', r.state);
      s += line('new_state', r.newState);
      sections.push(s);
    }
  }
  return sections.join('\n');
}
