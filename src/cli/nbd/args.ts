// qemu-nbd 7.2's command line: the same short and long options (glibc getopt_long), the checks it
// makes while parsing and right after, with its messages. Kernel-device and other host features
// blkstudio cannot offer are refused with "not supported by blkstudio nbd: ...".

import type { CacheMode, DiscardMode, OpenRequest } from '../../block/index';
import { Getopt, type LongOption } from '../../qemu-io/getopt';
import { lookupTlsCreds, type NbdAuthzObject, type NbdObject, ObjectError, ObjectHelp, parseObject, type NbdTlsCredsObject } from './objects';
import { NBD_USAGE, NBD_VERSION } from './usage';

export type DetectZeroes = 'off' | 'on' | 'unmap';

export interface NbdCliConfig {
  /** -b (default 0.0.0.0) and -p (default 10809), as given; used when -k is absent. */
  bind: string;
  port: string;
  /** -k: absolute unix socket path. */
  socket?: string;
  /** -e (default 1). */
  shared: number;
  /** -t */
  persistent: boolean;
  verbose: boolean;
  /** -x (default ''), -D */
  exportName: string;
  description?: string;
  /** -o: bytes hidden at the start of the image. */
  offset: bigint;
  /** -A */
  allocationDepth: boolean;
  objects: Map<string, NbdObject>;
  /** --tls-creds: server credentials (the export then requires TLS). */
  tlsCreds?: NbdTlsCredsObject;
  /** --tls-authz: the object it names (any type; qemu-nbd checks it only at handshake). */
  tlsAuthz?: NbdAuthzObject | { type: 'unresolved'; id: string };
  fork: boolean;
  pidFile?: string;
  /** The FILE operand (with --image-opts an option string). */
  file: string;
  /** Everything the block layer takes; discard defaults to ignore and cache to writeback as in qemu-nbd. */
  open: OpenRequest;
  detectZeroes: DetectZeroes;
}

/** Stop now: print these and exit with status. */
export class NbdExit {
  constructor(
    readonly status: number,
    readonly stderr = '',
    readonly stdout = '',
  ) {}
}

const PROG = 'qemu-nbd';
const TRY = `${PROG}: Try \`${PROG} --help' for more information.\n`;
const NBD_MAX_STRING_SIZE = 4096;

const L = (name: string, hasArg: boolean, val: string): LongOption => ({ name, hasArg, val });
const LONG_OPTIONS: readonly LongOption[] = [
  L('help', false, 'h'), L('version', false, 'V'), L('bind', true, 'b'), L('port', true, 'p'),
  L('socket', true, 'k'), L('offset', true, 'o'), L('read-only', false, 'r'), L('allocation-depth', false, 'A'),
  L('bitmap', true, 'B'), L('connect', true, 'c'), L('disconnect', false, 'd'), L('list', false, 'L'),
  L('snapshot', false, 's'), L('load-snapshot', true, 'l'), L('nocache', false, 'n'), L('cache', true, 'cache'),
  L('aio', true, 'aio'), L('discard', true, 'discard'), L('detect-zeroes', true, 'detect-zeroes'),
  L('shared', true, 'e'), L('format', true, 'f'), L('persistent', false, 't'), L('verbose', false, 'v'),
  L('object', true, 'object'), L('export-name', true, 'x'), L('description', true, 'D'),
  L('image-opts', false, 'image-opts'), L('trace', true, 'T'), L('tls-creds', true, 'tls-creds'),
  L('tls-authz', true, 'tls-authz'), L('fork', false, 'fork'), L('pid-file', true, 'pid-file'),
  L('selinux-label', true, 'selinux-label'),
];
const SHORT = 'hVb:o:p:rsnc:dvk:e:f:tl:x:T:D:AB:L';

const CACHE: Record<string, CacheMode> = { none: 'none', off: 'none', writeback: 'writeback', writethrough: 'writethrough', directsync: 'directsync', unsafe: 'unsafe' };
const DISCARD: Record<string, DiscardMode> = { ignore: 'ignore', off: 'ignore', unmap: 'unmap', on: 'unmap' };

export function unsupported(what: string, why: string): NbdExit {
  return new NbdExit(1, `${PROG}: not supported by blkstudio nbd: ${what} (${why})\n`);
}

const fail = (message: string): NbdExit => new NbdExit(1, `${PROG}: ${message}\n`);

/** qemu_strtou64 (base 0): decimal, 0x hex or 0 octal, a leading '-' wrapping as in C. */
function strtou64(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body[0] === '0' ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  if (v >= 1n << 64n) return undefined;
  return m[1] === '-' ? ((1n << 64n) - v) % (1n << 64n) : v;
}

/** Parse argv (without the program name). Throws NbdExit for -h, -V and every error. */
export function parseNbdArgs(args: readonly string[]): NbdCliConfig {
  let stderr = '';
  const g = new Getopt([PROG, ...args], SHORT, (t) => (stderr += t), LONG_OPTIONS);
  const cfg: NbdCliConfig = {
    bind: '0.0.0.0', port: '10809', shared: 1, persistent: false, verbose: false, exportName: '',
    offset: 0n, allocationDepth: false, objects: new Map(), fork: false, file: '',
    open: { readOnly: false, cache: 'writeback', discard: 'ignore' }, detectZeroes: 'off',
  };
  let format: string | undefined;
  let imageOpts = false;
  let seenCache = false;
  let tlsCredsId: string | undefined;
  let tlsAuthzId: string | undefined;
  let list = false;
  let needsDevice: string | undefined;
  for (let c = g.next(); c !== null; c = g.next()) {
    const arg = g.optarg;
    switch (c) {
      case 's': cfg.open.snapshot = true; break;
      case 'n': seenCache = true; cfg.open.cache = 'none'; break;
      case 'cache': {
        if (seenCache) throw fail('-n and --cache can only be specified once');
        seenCache = true;
        const mode = CACHE[arg];
        if (!mode) throw fail(`Invalid cache mode \`${arg}'`);
        cfg.open.cache = mode;
        break;
      }
      case 'aio': {
        if (arg !== 'native' && arg !== 'threads' && arg !== 'io_uring') throw fail(`Invalid aio mode '${arg}'`);
        cfg.open.aio = arg;
        break;
      }
      case 'discard': {
        const mode = DISCARD[arg];
        if (!mode) throw fail(`Invalid discard mode \`${arg}'`);
        cfg.open.discard = mode;
        break;
      }
      case 'detect-zeroes': {
        if (arg !== 'off' && arg !== 'on' && arg !== 'unmap') throw fail(`Failed to parse detect_zeroes mode: invalid parameter value: ${arg}`);
        if (arg === 'unmap' && cfg.open.discard !== 'unmap') {
          throw fail('setting detect-zeroes to unmap is not allowed without setting discard operation to unmap');
        }
        cfg.detectZeroes = arg;
        break;
      }
      case 'b': cfg.bind = arg; break;
      case 'p': cfg.port = arg; break;
      case 'o': {
        const v = strtou64(arg);
        if (v === undefined) throw fail(`Invalid offset '${arg}'`);
        cfg.offset = v;
        break;
      }
      case 'l': throw unsupported('-l/--load-snapshot', 'internal snapshots cannot be loaded by the block layer');
      case 'x':
        cfg.exportName = arg;
        if (Buffer.byteLength(arg, 'latin1') > NBD_MAX_STRING_SIZE) throw fail(`export name '${arg}' too long`);
        break;
      case 'D':
        cfg.description = arg;
        if (Buffer.byteLength(arg, 'latin1') > NBD_MAX_STRING_SIZE) throw fail(`export description '${arg}' too long`);
        break;
      case 'v': cfg.verbose = true; break;
      case 'r': cfg.open.readOnly = true; break;
      case 'k':
        cfg.socket = arg;
        if (arg[0] !== '/') throw fail('socket path must be absolute');
        break;
      case 'd': needsDevice ??= '-d/--disconnect'; break;
      case 'c': needsDevice ??= '-c/--connect'; break;
      case 'e': {
        const n = /^\s*[+-]?\d+$/.test(arg) ? Number(arg) : NaN;
        if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw fail(`Invalid shared device number '${arg}'`);
        cfg.shared = n;
        break;
      }
      case 'f': format = arg; break;
      case 't': cfg.persistent = true; break;
      case 'h': throw new NbdExit(0, '', NBD_USAGE);
      case 'V': throw new NbdExit(0, '', NBD_VERSION);
      case 'A': cfg.allocationDepth = true; break;
      case 'B': throw unsupported('-B/--bitmap', 'persistent dirty bitmaps are not exported');
      case 'L': list = true; break;
      case 'T': throw unsupported('-T/--trace', 'QEMU trace events are not emitted; blkstudio has its own trace view');
      case 'object': {
        let obj;
        try {
          obj = parseObject(arg, cfg.objects);
        } catch (e) {
          if (e instanceof ObjectError) throw fail(e.message);
          throw e;
        }
        if (obj instanceof ObjectHelp) throw new NbdExit(0, '', obj.text);
        cfg.objects.set(obj.id, obj);
        break;
      }
      case 'image-opts': imageOpts = true; break;
      case 'tls-creds': tlsCredsId = arg; break;
      case 'tls-authz': tlsAuthzId = arg; break;
      case 'fork': cfg.fork = true; break;
      case 'pid-file': cfg.pidFile = arg; break;
      case 'selinux-label': throw unsupported('--selinux-label', 'no SELinux support');
      default:
        throw new NbdExit(1, stderr + TRY);
    }
  }
  if (list) throw unsupported('-L/--list', 'blkstudio nbd is a server only');
  const operands = g.operands();
  if (operands.length !== 1 && needsDevice !== '-d/--disconnect') {
    throw new NbdExit(1, `${PROG}: Invalid number of arguments\nTry \`${PROG} --help' for more information.\n`);
  }
  if (needsDevice) {
    if (tlsCredsId !== undefined) throw fail('TLS is not supported with a host device');
    throw unsupported(needsDevice, 'there is no kernel NBD device');
  }
  if (tlsCredsId !== undefined) {
    try {
      cfg.tlsCreds = lookupTlsCreds(tlsCredsId, cfg.objects, false);
    } catch (e) {
      if (e instanceof ObjectError) throw fail(e.message);
      throw e;
    }
  }
  if (tlsAuthzId !== undefined) {
    if (tlsCredsId === undefined) throw fail('--tls-authz is not permitted without --tls-creds');
    const o = cfg.objects.get(tlsAuthzId);
    cfg.tlsAuthz = o?.type === 'authz-simple' ? o : { type: 'unresolved', id: tlsAuthzId };
  }
  if (imageOpts && format !== undefined) throw fail('--image-opts and -f are mutually exclusive');
  cfg.file = operands[0];
  if (imageOpts) cfg.open.imageOpts = true;
  cfg.open.filename = cfg.file;
  if (format !== undefined) cfg.open.format = format;
  if (cfg.detectZeroes !== 'off') throw unsupported('--detect-zeroes', 'the block layer has no zero detection');
  return cfg;
}
