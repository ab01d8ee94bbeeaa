// qemu-io's main(): command-line options, opening the image, the -c / stdin command loop, and
// draining and closing at exit. Returns the exit status.

import type { BlockHost, OpenRequest } from '../block/index';
import { COMMANDS } from './command-table';
import { parseOptionString } from './commands/open';
import { Getopt, type LongOption } from './getopt';
import type { QemuIoHost } from './qemu-io-host';
import { addAioMode, parseAioMode, parseCacheMode, parseDiscardMode } from './open-flags';
import { QemuIo } from './qemu-io';
import { ReadLine } from './readline';
import { traceOptParse } from './trace';
import { OBJECT_HELP, USAGE, VERSION } from './usage';

const OPTION_OBJECT = 'object';
const OPTION_IMAGE_OPTS = 'image-opts';

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'help', hasArg: false, val: 'h' },
  { name: 'version', hasArg: false, val: 'V' },
  { name: 'cmd', hasArg: true, val: 'c' },
  { name: 'format', hasArg: true, val: 'f' },
  { name: 'read-only', hasArg: false, val: 'r' },
  { name: 'snapshot', hasArg: false, val: 's' },
  { name: 'nocache', hasArg: false, val: 'n' },
  { name: 'copy-on-read', hasArg: false, val: 'C' },
  { name: 'misalign', hasArg: false, val: 'm' },
  { name: 'native-aio', hasArg: false, val: 'k' },
  { name: 'aio', hasArg: true, val: 'i' },
  { name: 'discard', hasArg: true, val: 'd' },
  { name: 'cache', hasArg: true, val: 't' },
  { name: 'trace', hasArg: true, val: 'T' },
  { name: 'object', hasArg: true, val: OPTION_OBJECT },
  { name: 'image-opts', hasArg: false, val: OPTION_IMAGE_OPTS },
  { name: 'force-share', hasArg: false, val: 'U' },
];

/** Object types `--object` accepts (those this QEMU build lists in `--object help`). */
const OBJECT_TYPES = new Set(
  OBJECT_HELP.split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim()),
);

/** Fatal start-up condition: the status to exit with. */
class Exit {
  constructor(readonly status: number) {}
}

/** Run qemu-io with argv (without the program name); resolves to the exit status. */
/** `started` hands the interpreter to the caller (the CLI looks at it when interrupted). */
export async function qemuIoMain(args: readonly string[], host: QemuIoHost, blockHost: BlockHost, started?: (io: QemuIo) => void): Promise<number> {
  const io = new QemuIo(host, blockHost, COMMANDS);
  started?.(io);
  try {
    return await run(io, args);
  } catch (e) {
    if (e instanceof Exit) {
      io.out.flush();
      return e.status;
    }
    throw e;
  }
}

async function run(io: QemuIo, args: readonly string[]): Promise<number> {
  const out = io.out;
  const req: OpenRequest = { readOnly: false };
  const cmdline: string[] = [];
  let format: string | undefined;
  const fatal = (message: string): never => {
    out.errorReport(message);
    throw new Exit(1);
  };

  const g = new Getopt(['qemu-io', ...args], 'hVc:d:f:rsnCmki:t:T:U', (t) => out.printErr(t), LONG_OPTIONS);
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 's': req.snapshot = true; break;
      case 'n': req.cache = 'none'; break;
      case 'C': req.copyOnRead = true; break;
      case 'd': {
        const mode = parseDiscardMode(g.optarg);
        if (!mode) fatal(`Invalid discard option: ${g.optarg}`);
        req.discard = mode;
        break;
      }
      case 'f': format = g.optarg; break;
      case 'c': cmdline.push(g.optarg); break;
      case 'r': req.readOnly = true; break;
      case 'm': io.misalign = true; break;
      case 'k': req.aio = 'native'; break;
      case 'i': {
        const mode = parseAioMode(g.optarg);
        if (!mode) return fatal(`Invalid aio option: ${g.optarg}`);
        req.aio = addAioMode(req.aio, mode);
        break;
      }
      case 't': {
        const mode = parseCacheMode(g.optarg);
        if (!mode) fatal(`Invalid cache option: ${g.optarg}`);
        req.cache = mode;
        break;
      }
      case 'T': {
        const r = await traceOptParse(io, g.optarg);
        if (r !== 'ok') throw new Exit(r === 'exit0' ? 0 : 1);
        break;
      }
      case 'V':
        out.print(VERSION);
        throw new Exit(0);
      case 'h':
        out.print(USAGE);
        throw new Exit(0);
      case 'U': req.forceShare = true; break;
      case OPTION_OBJECT: processObject(io, g.optarg); break;
      case OPTION_IMAGE_OPTS: io.imageOpts = true; break;
      default:
        out.print(USAGE);
        throw new Exit(1);
    }
  }
  const files = g.operands();
  if (files.length > 1) {
    out.print(USAGE);
    throw new Exit(1);
  }
  if (format !== undefined && io.imageOpts) fatal('--image-opts and -f are mutually exclusive');

  if (files.length === 1) {
    if (io.imageOpts) {
      const options = parseOptionString(io, files[0]);
      if (!options) throw new Exit(1);
      // Parsed here (errors are not "can't open" errors); the block layer gets plain options.
      if (!(await io.openFile(undefined, { ...req, options }))) throw new Exit(1);
    } else {
      const open: OpenRequest = { ...req, filename: files[0] };
      if (format !== undefined) open.format = format;
      if (!(await io.openFile(files[0], open))) throw new Exit(1);
    }
  }

  let lastError = 0;
  if (cmdline.length > 0) {
    for (const line of cmdline) {
      if (io.quit) break;
      const ret = await io.command(line);
      if (ret < 0) lastError = ret;
    }
  } else {
    lastError = await commandLoop(io);
  }

  // Make sure all outstanding requests complete before the program exits.
  await io.drainAll();
  await io.closeFile();
  out.flush();
  return lastError < 0 ? 1 : 0;
}

const PROMPT = 'qemu-io> ';
/** The terminal's end-of-file key (VEOF, Ctrl-D): ends input wherever it is typed. */
const TTY_EOF = 4;

/** The stdin loop: prompt (flushed), wait for a line while the main loop runs, run it. */
async function commandLoop(io: QemuIo): Promise<number> {
  let lastError = 0;
  const readline = io.host.stdinIsTty
    ? new ReadLine((t) => io.out.printBytes(t), PROMPT, () => io.commands.map((ct) => ct.name))
    : null;
  while (!io.quit) {
    io.out.print(PROMPT);
    io.out.flush();
    const line = readline ? await fetchlineReadline(io, readline) : await io.poll(io.host.readLine(), false);
    if (line === null) break;
    const ret = await io.command(fgetsCommand(line));
    if (ret < 0) lastError = ret;
  }
  return lastError;
}

/**
 * What fetchline_fgets() hands on: the line as a C string, so a NUL ends it (and the '\n' after
 * the NUL stays unseen); otherwise without its '\n'.
 */
function fgetsCommand(line: string): string {
  const nul = line.indexOf('\0');
  if (nul >= 0) return line.slice(0, nul);
  return line.endsWith('\n') ? line.slice(0, -1) : line;
}

/** One line from the terminal through the line editor; null at end of input. */
async function fetchlineReadline(io: QemuIo, readline: ReadLine): Promise<string | null> {
  readline.start();
  // The main loop runs until new input arrives; then the whole line is read key by key (keys
  // typed ahead of the prompt wait in stdio's buffer until then).
  let ch = await io.poll(io.host.readByte(true), false);
  for (;;) {
    if (ch === null) return null;
    if (ch === TTY_EOF) {
      io.out.print('\n');
      return null;
    }
    const line = readline.handleByte(ch);
    if (line !== null) return decodeBytes(line);
    ch = await io.host.readByte();
  }
}

/** The editor's line is already one char per byte: the engine's binary-string form. */
function decodeBytes(text: string): string {
  return text;
}

/** QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** The properties of `secret`, the one object type qemu-io has a use for (encryption keys). */
const SECRET_PROPERTIES = new Set(['data', 'file', 'format', 'keyid', 'iv', 'loaded']);

/**
 * --object: user_creatable_process_cmdline(). Objects are checked as QEMU checks them (type, id,
 * duplicate ids, the secret's properties); none of the drivers here consumes them yet.
 */
function processObject(io: QemuIo, text: string): void {
  if (text === 'help' || text === '?') {
    io.out.print(OBJECT_HELP);
    throw new Exit(0);
  }
  const fail = (message: string): never => {
    io.out.errorReport(message);
    throw new Exit(1);
  };
  // The first bare word is the type (implied key qom-type).
  const comma = text.search(/,(?!,)/);
  const first = comma < 0 ? text : text.slice(0, comma);
  const implied = first !== '' && !first.includes('=');
  const options = parseOptionString(io, implied ? (comma < 0 ? '' : text.slice(comma + 1)) : text);
  if (!options) throw new Exit(1);
  const type = implied ? first : options['qom-type'];
  delete options['qom-type'];
  if (type === undefined) fail("Parameter 'qom-type' is missing");
  if (!OBJECT_TYPES.has(type!)) {
    fail(type === 'iothread' ? 'invalid object type: iothread' : `Parameter 'qom-type' does not accept value '${type}'`);
  }
  const id = options.id;
  if (id === undefined) fail("Parameter 'id' is missing");
  if (!IDENTIFIER.test(id!)) {
    fail("Parameter 'id' expects an identifier\nIdentifiers consist of letters, digits, '-', '.', '_', starting with a letter.");
  }
  if (io.objectIds.has(id!)) fail(`attempt to add duplicate property '${id}' to object (type 'container')`);
  delete options.id;
  if (type === 'secret') {
    for (const key of Object.keys(options)) {
      if (!SECRET_PROPERTIES.has(key)) fail(`Parameter '${key}' is unexpected`);
    }
    if (options.format !== undefined && options.format !== 'raw' && options.format !== 'base64') {
      fail(`Parameter 'format' does not accept value '${options.format}'`);
    }
    if (options.data === undefined && options.file === undefined) fail("Either 'file' or 'data' must be provided");
  }
  io.objectIds.add(id!);
}
