import type { ReopenRequest } from '../../block/index';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { REOPEN_HELP } from '../help-texts';
import { modeArg } from '../open-flags';
import { errorMessage, type QemuIo } from '../qemu-io';
import { parseOptionString } from './open';

/** reopen: bdrv_reopen() with a new read-only flag, cache mode or driver options. */
export const reopenCmd: CmdInfo = {
  name: 'reopen',
  args: '[(-r|-w)] [-c cache] [-o options]',
  oneline: 'reopens an image with new options',
  argmin: 0,
  argmax: -1,
  flags: 0,
  help: REOPEN_HELP,
  cfunc: reopenF,
};

async function reopenF(io: QemuIo, argv: string[]): Promise<number> {
  const req: ReopenRequest = {};
  let options: Record<string, string> | undefined;
  let hasRw = false;
  const g = new Getopt(argv, 'c:o:rw', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 'c': {
        const mode = modeArg(io, 'cache', g.optarg);
        if (!mode) return -EINVAL;
        req.cache = mode;
        break;
      }
      case 'o': {
        const parsed = parseOptionString(io, g.optarg);
        if (!parsed) return -EINVAL;
        options = { ...options, ...parsed };
        break;
      }
      case 'r':
      case 'w':
        if (hasRw) {
          io.out.errorReport('Only one -r/-w option may be given');
          return -EINVAL;
        }
        req.readOnly = c === 'r';
        hasRw = true;
        break;
      default: return io.usage(reopenCmd);
    }
  }
  if (g.operands().length !== 0) return io.usage(reopenCmd);
  if (options) {
    if ('read-only' in options && hasRw) {
      io.out.errorReport("Cannot set both -r/-w and 'read-only'");
      return -EINVAL;
    }
    if (('cache.direct' in options || 'cache.no-flush' in options) && req.cache !== undefined) {
      io.out.errorReport('Cannot set both -c and the cache options');
      return -EINVAL;
    }
    req.options = options;
  }
  try {
    await io.drainAll();
    await io.poll(io.blk!.reopen(req));
  } catch (e) {
    io.out.errorReport(errorMessage(e));
    return -EINVAL;
  }
  return 0;
}
