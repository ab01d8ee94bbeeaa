import type { PreallocMode } from '../../block/index';
import type { CmdInfo } from '../cmdinfo';
import { EINVAL } from '../cvtnum';
import { Getopt } from '../getopt';
import { errorMessage, negErrno, type QemuIo } from '../qemu-io';

const SIGSEGV = 11;
const PREALLOC_MODES: readonly PreallocMode[] = ['off', 'metadata', 'falloc', 'full'];

/** truncate: blk_truncate(exact=false); errors go through error_report. */
export const truncateCmd: CmdInfo = {
  name: 'truncate',
  altname: 't',
  args: '[-m prealloc_mode] off',
  oneline: 'truncates the current file at the given offset',
  argmin: 1,
  argmax: 3,
  flags: 0,
  needsWrite: true,
  cfunc: truncateF,
};

async function truncateF(io: QemuIo, argv: string[]): Promise<number> {
  let prealloc: PreallocMode = 'off';
  const g = new Getopt(argv, 'm:', (t) => io.out.printErr(t));
  for (let c = g.next(); c !== null; c = g.next()) {
    if (c === 'm') {
      const mode = PREALLOC_MODES.find((m) => m === g.optarg);
      if (!mode) {
        io.out.errorReport(`Invalid preallocation mode '${g.optarg}'`);
        return -EINVAL;
      }
      prealloc = mode;
    } else {
      io.usage(truncateCmd);
      return -EINVAL;
    }
  }
  const operands = g.operands();
  if (operands.length === 0) {
    // QEMU reads argv[optind] past the end (NULL) and dies of SIGSEGV; buffered stdout is lost.
    io.out.discard();
    io.host.raise(SIGSEGV);
    return -EINVAL;
  }
  // Keep huge offsets exact: the block layer's limit message prints them digit for digit.
  const exact = io.cvtnumBig(operands[0]);
  const offset = Number(exact);
  if (offset < 0) {
    // QEMU names argv[1] here, whatever it is.
    io.printCvtnumErr(offset, argv[1]);
    return offset;
  }
  try {
    await io.poll(io.blk!.truncate(offset > Number.MAX_SAFE_INTEGER ? exact : offset, false, prealloc));
  } catch (e) {
    io.out.errorReport(errorMessage(e));
    return negErrno(e);
  }
  return 0;
}
