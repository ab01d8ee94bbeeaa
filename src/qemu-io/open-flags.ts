// The option values qemu-io's -t/-d/-i (and open/reopen) accept: bdrv_parse_cache_mode(),
// bdrv_parse_discard_flags(), bdrv_parse_aio(). Anything else is refused with QEMU's message.

import type { AioMode, CacheMode, DiscardMode } from '../block/index';
import type { QemuIo } from './qemu-io';

export function parseCacheMode(text: string): CacheMode | undefined {
  switch (text) {
    case 'off': case 'none': case 'directsync': case 'writeback': case 'unsafe': case 'writethrough':
      return text;
    default:
      return undefined;
  }
}

export function parseDiscardMode(text: string): DiscardMode | undefined {
  switch (text) {
    case 'off': case 'ignore': case 'on': case 'unmap':
      return text;
    default:
      return undefined;
  }
}

export function parseAioMode(text: string): AioMode | undefined {
  switch (text) {
    case 'threads': case 'native': case 'io_uring':
      return text;
    default:
      return undefined;
  }
}

/**
 * bdrv_parse_aio() adds a flag to those -k and earlier -i set: threads adds none (so `-k -i
 * threads` is still native), and native wins over io_uring whatever the order.
 */
export function addAioMode(current: AioMode | undefined, mode: AioMode): AioMode | undefined {
  if (mode === 'threads' || current === 'native') return current;
  return mode;
}

const MODE_PARSERS = { cache: parseCacheMode, discard: parseDiscardMode, aio: parseAioMode };

/** open's -t/-d/-i and reopen's -c: the mode, or undefined after error_report(`Invalid <what> option: …`). */
export function modeArg<K extends keyof typeof MODE_PARSERS>(
  io: QemuIo,
  what: K,
  arg: string,
): ReturnType<(typeof MODE_PARSERS)[K]> {
  const mode = MODE_PARSERS[what](arg) as ReturnType<(typeof MODE_PARSERS)[K]>;
  if (!mode) io.out.errorReport(`Invalid ${what} option: ${arg}`);
  return mode;
}
