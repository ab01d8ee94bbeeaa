// -T/--trace: QEMU's tracing options are checked as QEMU checks them while parsing the command
// line (unknown keys, `help`, event names that do not exist, unreadable event files). There are
// no trace backends here, so matching events are accepted and produce nothing.

import { bytesToBinaryString } from '../common/binary-string';
import { strerror } from '../block/index';
import { parseOptionString } from './commands/open';
import type { QemuIo } from './qemu-io';
import { TRACE_EVENTS } from './trace-events';

const KNOWN = new Set(TRACE_EVENTS);

/** trace_enable_events(): a pattern without wildcards that names no event gets a warning. */
function enableEvents(io: QemuIo, pattern: string, where: string): void {
  const name = pattern.startsWith('-') ? pattern.slice(1) : pattern;
  if (!name.includes('*') && !KNOWN.has(name)) {
    io.out.printErr(`qemu-io${where}: warning: trace event '${name}' does not exist\n`);
  }
}

/** trace_opt_parse(): 'exit0' after `help` listed the events, 'exit1' after an error. */
export async function traceOptParse(io: QemuIo, text: string): Promise<'ok' | 'exit0' | 'exit1'> {
  // The first bare word is the implied `enable` pattern.
  const comma = text.search(/,(?!,)/);
  const first = comma < 0 ? text : text.slice(0, comma);
  const implied = first !== '' && !first.includes('=');
  const options = parseOptionString(io, implied ? (comma < 0 ? '' : text.slice(comma + 1)) : text);
  if (!options) return 'exit1';
  for (const key of Object.keys(options)) {
    if (key !== 'enable' && key !== 'events' && key !== 'file') {
      io.out.errorReport(`Invalid parameter '${key}'`);
      return 'exit1';
    }
  }
  const pattern = implied ? first : options.enable;
  if (pattern === 'help' || pattern === '?') {
    io.out.print(TRACE_EVENTS.map((e) => `${e}\n`).join(''));
    return 'exit0';
  }
  if (pattern !== undefined) enableEvents(io, pattern, '');
  const file = options.events;
  if (file !== undefined) {
    let lines: string[];
    try {
      lines = bytesToBinaryString(await io.host.readFile(file)).split('\n');
    } catch (e) {
      const errno = typeof e === 'object' && e !== null && 'errno' in e ? Number(e.errno) : 5;
      io.out.printErr(`qemu-io:${file}: ${strerror(errno)}\n`);
      return 'exit1';
    }
    lines.forEach((line, i) => {
      const p = line.trim();
      if (p && !p.startsWith('#')) enableEvents(io, p, `:${file}:${i + 1}`);
    });
  }
  return 'ok';
}
