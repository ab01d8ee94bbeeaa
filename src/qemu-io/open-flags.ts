// The option values qemu-io's -t/-d/-i (and open/reopen) accept: bdrv_parse_cache_mode(),
// bdrv_parse_discard_flags(), bdrv_parse_aio(). Anything else is refused with QEMU's message.

import type { AioMode, CacheMode, DiscardMode } from '../block/index';

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
