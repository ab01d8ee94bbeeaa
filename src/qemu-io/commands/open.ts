import { parseKeyValueOptions, type OpenRequest } from '../../block/index';
import type { CmdInfo } from '../cmdinfo';
import { CMD_NOFILE_OK } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { OPEN_HELP } from '../help-texts';
import { addAioMode, modeArg } from '../open-flags';
import { errorMessage, type QemuIo } from '../qemu-io';

/** open: open an image by path, by -o options, or (with --image-opts) by an option string. */
export const openCmd: CmdInfo = {
  name: 'open',
  altname: 'o',
  args: '[-rsCnkU] [-t cache] [-d discard] [-o options] [path]',
  oneline: 'open the file specified by path',
  argmin: 1,
  argmax: -1,
  flags: CMD_NOFILE_OK,
  help: OPEN_HELP,
  cfunc: openF,
};

/** qemu_opts_parse_noisily(): the options, or null after error_report. */
export function parseOptionString(io: QemuIo, text: string): Record<string, string> | null {
  try {
    return parseKeyValueOptions(text, (t) => io.out.printErr(`qemu-io: warning: ${t}`));
  } catch (e) {
    io.out.errorReport(errorMessage(e));
    return null;
  }
}

async function openF(io: QemuIo, argv: string[]): Promise<number> {
  const req: OpenRequest = {};
  let options: Record<string, string> | undefined;
  const g = new Getopt(argv, 'snCro:ki:t:d:U', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    switch (c) {
      case 's': req.snapshot = true; break;
      case 'n': req.cache = 'none'; break;
      case 'C': req.copyOnRead = true; break;
      case 'r': req.readOnly = true; break;
      case 'k': req.aio = 'native'; break;
      case 't': {
        const mode = modeArg(io, 'cache', g.optarg);
        if (!mode) return -EINVAL;
        req.cache = mode;
        break;
      }
      case 'd': {
        const mode = modeArg(io, 'discard', g.optarg);
        if (!mode) return -EINVAL;
        req.discard = mode;
        break;
      }
      case 'i': {
        const mode = modeArg(io, 'aio', g.optarg);
        if (!mode) return -EINVAL;
        req.aio = addAioMode(req.aio, mode);
        break;
      }
      case 'o': {
        if (io.imageOpts) {
          io.out.print("--image-opts and 'open -o' are mutually exclusive\n");
          return -EINVAL;
        }
        const parsed = parseOptionString(io, g.optarg);
        if (!parsed) return -EINVAL;
        // Repeated -o options merge into one set; later keys win.
        options = { ...options, ...parsed };
        break;
      }
      case 'U': req.forceShare = true; break;
      default: return io.usage(openCmd);
    }
  }
  req.readOnly = req.readOnly ?? false;
  const operands = g.operands();
  if (io.imageOpts && operands.length === 1) {
    const parsed = parseOptionString(io, operands[0]);
    if (!parsed) return -EINVAL;
    // Parsed here (errors are not "can't open" errors); the block layer gets plain options.
    req.options = parsed;
    // 7.2 opens an option string without a device name ("can't open: ...").
    return (await io.openFile(undefined, req)) ? 0 : -EINVAL;
  }
  if (options) req.options = options;
  if (operands.length === 1) {
    req.filename = operands[0];
    return (await io.openFile(operands[0], req)) ? 0 : -EINVAL;
  }
  if (operands.length === 0) return (await io.openFile(undefined, req)) ? 0 : -EINVAL;
  return io.usage(openCmd);
}
